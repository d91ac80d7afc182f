/** Plain-text output for the terminal: a table per rule and a summary. */
import type { CheckResult, ResourceResult } from '../checks/check';
import { allResults, COMPLIANCE_TYPES, type ComplianceCounts, countCompliance, type ScanReport } from './scan-report';

export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], maxWidths: readonly number[] = []): string {
  const clip = (text: string, column: number) => {
    const max = maxWidths[column];
    return max && text.length > max ? `${text.slice(0, max - 1)}…` : text;
  };
  const cells = [headers, ...rows].map((row) => row.map((cell, column) => clip(cell, column)));
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const [head, ...body] = cells;
  return [line(head ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Problems first, then what is fine, then what the rule does not apply to; stable within each. */
export function byConcern<T extends Pick<ResourceResult, 'compliance'>>(results: readonly T[]): T[] {
  return [...results].sort((a, b) => COMPLIANCE_TYPES.indexOf(a.compliance) - COMPLIANCE_TYPES.indexOf(b.compliance));
}

export const describeCounts = (c: ComplianceCounts): string =>
  `${c.NON_COMPLIANT} non-compliant, ${c.COMPLIANT} compliant, ${c.NOT_APPLICABLE} not applicable (${c.total} resources)`;

export function renderScanText(report: ScanReport): string {
  const sections = report.checks.map(renderCheck);
  const summary = renderTable(
    ['RULE', 'NON_COMPLIANT', 'COMPLIANT', 'NOT_APPLICABLE', 'TOTAL'],
    [...report.checks.map((c) => [c.id, ...countColumns(countCompliance(c.results))]), ['all', ...countColumns(countCompliance(allResults(report)))]],
  );
  return [`session-guard scan of account ${report.account.id}: ${report.account.description}`, ...sections, `Summary\n${summary}`].join('\n\n') + '\n';
}

function renderCheck(check: CheckResult): string {
  const parameters = Object.entries(check.parameters)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `  ${name}: ${value}`);
  const table =
    check.results.length === 0
      ? '(no resources in scope)'
      : renderTable(
          ['RESOURCE', 'RESOURCE ID', 'VERDICT', 'ANNOTATION'],
          byConcern(check.results).map((r) => [r.resourceName ?? '', r.resourceId, r.compliance, r.annotation]),
        );
  return [`${check.id}: ${check.title}`, ...parameters, '', table, '', describeCounts(countCompliance(check.results))].join('\n');
}

const countColumns = (c: ComplianceCounts): string[] => [c.NON_COMPLIANT, c.COMPLIANT, c.NOT_APPLICABLE, c.total].map(String);
