/**
 * Text output: tables that fit the terminal (wrapped, never cut: a finding is read in full), verdicts
 * in colour on a terminal, and one plain line per row anywhere else, so pipes and logs can grep it.
 */
import { COMPLIANCE_BY_CONCERN, type ComplianceType } from '../../functions/shared/core/compliance';
import type { CheckResult, ResourceResult } from '../checks/check';
import type { TextStyle } from '../io';
import { allResults, type ComplianceCounts, countCompliance, type ScanReport } from './scan-report';

/** Plain text with no width limit: what pipes, logs and files get. */
export const PLAIN: TextStyle = { colour: false };

export type Colour = 'red' | 'green' | 'dim';

const SGR: Readonly<Record<Colour, string>> = { red: '\x1b[31m', green: '\x1b[32m', dim: '\x1b[2m' };

export const paint = (text: string, colour: Colour | undefined, style: TextStyle): string =>
  style.colour && colour && text ? `${SGR[colour]}${text}\x1b[0m` : text;

export const VERDICT_COLOURS: Readonly<Record<ComplianceType, Colour>> = {
  NON_COMPLIANT: 'red',
  COMPLIANT: 'green',
  NOT_APPLICABLE: 'dim',
};

/** Colours the cells of one column that hold a verdict (COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE). */
export const verdictsIn =
  (verdictColumn: number): NonNullable<TableOptions['colourOf']> =>
  (row, column) =>
    column === verdictColumn ? VERDICT_COLOURS[row[column] as ComplianceType] : undefined;

const GAP = '  ';
/** A column is squeezed no narrower than this (or its natural width); below it the table overflows. */
const MIN_COLUMN_WIDTH = 12;

export interface TableOptions {
  readonly style?: TextStyle;
  /** The colour of one body cell, e.g. by the verdict it shows. */
  readonly colourOf?: (row: readonly string[], column: number) => Colour | undefined;
}

export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  { style = PLAIN, colourOf }: TableOptions = {},
): string {
  const natural = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const widths = fitToWidth(natural, style.width);
  const render = (row: readonly string[], colour: (column: number) => Colour | undefined): string[] => {
    const cells = widths.map((width, column) => wrap(row[column] ?? '', width));
    const height = Math.max(...cells.map((lines) => lines.length));
    return Array.from({ length: height }, (_, index) =>
      cells
        .map((lines, column) => {
          const text = lines[index] ?? '';
          return paint(text, colour(column), style) + ' '.repeat((widths[column] ?? 0) - text.length);
        })
        .join(GAP)
        .trimEnd(),
    );
  };
  return [
    ...render(headers, () => undefined),
    widths.map((w) => '-'.repeat(w)).join(GAP),
    ...rows.flatMap((row) => render(row, (column) => colourOf?.(row, column))),
  ].join('\n');
}

/**
 * Column widths that fit `width`: the widest column gives up a character at a time (a finding of
 * 250 characters before a 21-character role ID), none below MIN_COLUMN_WIDTH.
 */
function fitToWidth(natural: readonly number[], width: number | undefined): number[] {
  const widths = [...natural];
  if (width === undefined) return widths;
  const budget = width - GAP.length * (widths.length - 1);
  let total = widths.reduce((sum, w) => sum + w, 0);
  while (total > budget) {
    const widest = widths.indexOf(Math.max(...widths));
    if ((widths[widest] ?? 0) <= MIN_COLUMN_WIDTH) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
    total--;
  }
  return widths;
}

/** Lines of at most `width` characters, broken between words; a word longer than a line is split. */
export function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const joined = line ? `${line} ${word}` : word;
    if (joined.length <= width) {
      line = joined;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = line.slice(width);
    }
  }
  lines.push(line);
  return lines;
}

/** Prose (headings, notes) wrapped to the terminal's width; left whole in a pipe. */
export function fitText(text: string, style: TextStyle): string {
  const { width } = style;
  if (width === undefined) return text;
  return text
    .split('\n')
    .map((line) => wrap(line, width).join('\n'))
    .join('\n');
}

/** `1 role`, `3 roles`. */
export const count = (n: number, singular: string, plural = `${singular}s`): string =>
  `${n} ${n === 1 ? singular : plural}`;

/** Problems first, then what is fine, then what the rule does not apply to; stable within each. */
export function byConcern<T extends Pick<ResourceResult, 'compliance'>>(results: readonly T[]): T[] {
  return [...results].sort(
    (a, b) => COMPLIANCE_BY_CONCERN.indexOf(a.compliance) - COMPLIANCE_BY_CONCERN.indexOf(b.compliance),
  );
}

export const describeCounts = (c: ComplianceCounts): string =>
  `${c.NON_COMPLIANT} non-compliant, ${c.COMPLIANT} compliant, ` +
  `${c.NOT_APPLICABLE} not applicable (${count(c.total, 'resource')})`;

export function renderScanText(report: ScanReport, style: TextStyle = PLAIN): string {
  const sections = report.checks.map((check) => renderCheck(check, style));
  const summary = renderTable(
    ['RULE', 'NON_COMPLIANT', 'COMPLIANT', 'NOT_APPLICABLE', 'TOTAL'],
    [
      ...report.checks.map((c) => [c.id, ...countColumns(countCompliance(c.results))]),
      ['all', ...countColumns(countCompliance(allResults(report)))],
    ],
    // A rule with findings stands out; zero is not a problem.
    { style, colourOf: (row, column) => (column === 1 && row[column] !== '0' ? 'red' : undefined) },
  );
  const heading = fitText(`session-guard scan of account ${report.account.id}: ${report.account.description}`, style);
  return `${[heading, ...sections, `Summary\n${summary}`].join('\n\n')}\n`;
}

function renderCheck(check: CheckResult, style: TextStyle): string {
  const parameters = Object.entries(check.parameters)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `  ${name}: ${value}`);
  const table =
    check.results.length === 0
      ? '(no resources in scope)'
      : renderTable(
          ['RESOURCE', 'RESOURCE ID', 'VERDICT', 'ANNOTATION'],
          byConcern(check.results).map((r) => [r.resourceName ?? '', r.resourceId, r.compliance, r.annotation]),
          { style, colourOf: verdictsIn(2) },
        );
  const about = fitText([`${check.id}: ${check.title}`, ...parameters].join('\n'), style);
  return [about, '', table, '', describeCounts(countCompliance(check.results))].join('\n');
}

const countColumns = (c: ComplianceCounts): string[] =>
  [c.NON_COMPLIANT, c.COMPLIANT, c.NOT_APPLICABLE, c.total].map(String);
