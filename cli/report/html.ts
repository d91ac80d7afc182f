/**
 * `--html FILE`: one self-contained page to share: a compliance summary chart (inline SVG) and a
 * section per rule, its non-compliant resources first and the rest folded away; on a phone each
 * row becomes a card, so the verdict is never cut off. No scripts, no external URLs; a
 * Content-Security-Policy forbids both, so even a hostile annotation could not load or run anything.
 * Every value is escaped.
 */
import { COMPLIANCE_BY_CONCERN, type ComplianceType } from '../../functions/shared/core/compliance';
import type { CheckResult, ResourceResult } from '../checks/check';
import { allResults, type ComplianceCounts, countCompliance, type ScanReport } from './scan-report';

const LABELS: Record<ComplianceType, string> = {
  NON_COMPLIANT: 'Non-compliant',
  COMPLIANT: 'Compliant',
  NOT_APPLICABLE: 'Not applicable',
};

const COLOURS: Record<ComplianceType, string> = {
  NON_COMPLIANT: '#c62828',
  COMPLIANT: '#2e7d32',
  NOT_APPLICABLE: '#9e9e9e',
};

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values alike. */
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

export function renderScanHtml(report: ScanReport): string {
  const total = countCompliance(allResults(report));
  const title = `session-guard report: account ${report.account.id}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(report.account.description)} · generated ${escapeHtml(report.generatedAt)}</p>
</header>
<section id="summary" aria-labelledby="summary-title">
<h2 id="summary-title">Compliance summary</h2>
${renderCounts(total, 'summary-counts')}
${renderChart(report.checks)}
</section>
${renderSkipped(report.skipped)}
${report.checks.map(renderCheck).join('\n')}
</body>
</html>
`;
}

function renderCounts(counts: ComplianceCounts, className: string): string {
  const items = COMPLIANCE_BY_CONCERN.map(
    (type) => `<div class="count ${type}"><dt>${LABELS[type]}</dt><dd data-count="${type}">${counts[type]}</dd></div>`,
  );
  const total = `<div class="count total"><dt>Resources</dt><dd data-count="total">${counts.total}</dd></div>`;
  return `<dl class="${className}">${items.join('')}${total}</dl>`;
}

/** One horizontal bar per rule, split by verdict, each segment's width proportional to its count. */
function renderChart(checks: readonly CheckResult[]): string {
  const barWidth = 600;
  const rowHeight = 34;
  const labelWidth = 180;
  const height = checks.length * rowHeight + 30;
  const rows = checks.map((check, index) => {
    const counts = countCompliance(check.results);
    const y = index * rowHeight;
    let x = labelWidth;
    const segments = COMPLIANCE_BY_CONCERN.filter((type) => counts[type] > 0).map((type) => {
      const width = (counts[type] / counts.total) * barWidth;
      const title = `<title>${escapeHtml(check.id)}: ${counts[type]} ${LABELS[type].toLowerCase()}</title>`;
      const segment =
        `<rect x="${x.toFixed(2)}" y="${y}" width="${width.toFixed(2)}" height="24" fill="${COLOURS[type]}" ` +
        `data-check="${escapeHtml(check.id)}" data-compliance="${type}" data-count="${counts[type]}">${title}</rect>`;
      x += width;
      return segment;
    });
    const empty =
      counts.total === 0 ? `<text x="${labelWidth}" y="${y + 17}" class="empty">no resources in scope</text>` : '';
    return `<text x="0" y="${y + 17}">${escapeHtml(check.id)}</text>${segments.join('')}${empty}`;
  });
  const legendY = checks.length * rowHeight + 12;
  const legend = COMPLIANCE_BY_CONCERN.map(
    (type, i) =>
      `<rect x="${labelWidth + i * 160}" y="${legendY}" width="12" height="12" fill="${COLOURS[type]}"/>` +
      `<text x="${labelWidth + i * 160 + 18}" y="${legendY + 11}">${LABELS[type]}</text>`,
  );
  const width = labelWidth + barWidth;
  const size = `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"`;
  return `<svg class="chart" role="img" aria-label="Compliance by rule" ${size}>${[...rows, ...legend].join('')}</svg>`;
}

const COLUMNS = ['Verdict', 'Resource', 'Resource ID', 'Type', 'Finding'] as const;

/**
 * A rule's section: its non-compliant resources in the open, then the compliant and the not
 * applicable ones folded in a <details> each (no script needed to open them), each with its count.
 */
function renderCheck(check: CheckResult): string {
  const counts = countCompliance(check.results);
  const parameters = Object.entries(check.parameters)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `<div><dt>${escapeHtml(name)}</dt><dd><code>${escapeHtml(value)}</code></dd></div>`);
  const byVerdict = (type: ComplianceType) => check.results.filter((r) => r.compliance === type);
  const findings =
    counts.total === 0
      ? '<p class="empty">No resources in scope.</p>'
      : counts.NON_COMPLIANT === 0
        ? '<p class="all-clear">No non-compliant resources.</p>'
        : renderTable(byVerdict('NON_COMPLIANT'));
  const folded = (['COMPLIANT', 'NOT_APPLICABLE'] as const)
    .filter((type) => counts[type] > 0)
    .map(
      (type) =>
        `<details class="${type}"><summary>${LABELS[type]} ` +
        `(${counts[type]})</summary>\n${renderTable(byVerdict(type))}\n</details>`,
    );
  return `<section class="check" data-check="${escapeHtml(check.id)}">
<h2>${escapeHtml(check.id)}: ${escapeHtml(check.title)}</h2>
<dl class="parameters">${parameters.join('')}</dl>
${renderCounts(counts, 'check-counts')}
${findings}
${folded.join('\n')}
</section>`;
}

/** One table of results; on a narrow screen each row becomes a card, each cell labelled (data-label). */
function renderTable(results: readonly ResourceResult[]): string {
  const rows = results.map((r) => {
    const cells = [
      `<span class="verdict ${r.compliance}">${LABELS[r.compliance]}</span>`,
      escapeHtml(r.resourceName ?? ''),
      `<code>${escapeHtml(r.resourceId)}</code>`,
      `<code>${escapeHtml(r.resourceType)}</code>`,
      escapeHtml(r.annotation),
    ];
    const labelled = cells.map((cell, i) => `<td data-label="${COLUMNS[i]}">${cell}</td>`);
    return `<tr data-compliance="${r.compliance}">${labelled.join('')}</tr>`;
  });
  return `<table>
<thead><tr>${COLUMNS.map((c) => `<th scope="col">${c}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function renderSkipped(skipped: ScanReport['skipped']): string {
  if (skipped.length === 0) return '';
  const items = skipped.map(
    (s) =>
      `<li data-skipped="${escapeHtml(s.id)}"><strong>${escapeHtml(s.id)}</strong> ` +
      `(${escapeHtml(s.title)}): ${escapeHtml(s.reason)}</li>`,
  );
  return `<section class="skipped" aria-labelledby="skipped-title">
<h2 id="skipped-title">Checks not run</h2>
<ul>${items.join('')}</ul>
</section>`;
}

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
margin:0 auto;max-width:1200px;padding:24px;color:#212121;background:#fff}
h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.2em;margin:32px 0 8px}header p{color:#616161;margin:0}
dl{margin:0}.summary-counts,.check-counts{display:flex;gap:16px;flex-wrap:wrap;margin:12px 0}
.count{border:1px solid #e0e0e0;border-radius:6px;padding:8px 14px;min-width:110px}
.count dt{font-size:.8em;color:#616161}.count dd{margin:0;font-size:1.6em;font-weight:600}
.count.NON_COMPLIANT dd{color:${COLOURS.NON_COMPLIANT}}
.count.COMPLIANT dd{color:${COLOURS.COMPLIANT}}
.count.NOT_APPLICABLE dd{color:#616161}
.check-counts .count dd{font-size:1.2em}
.chart{max-width:100%;height:auto;font-size:13px}.chart text.empty{fill:#757575}
.parameters div{display:flex;gap:8px;font-size:.9em}
.parameters dt{color:#616161}
.parameters dd{margin:0;min-width:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:.92em;margin:8px 0}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #eee}
th{background:#fafafa}td code{font-size:.9em;white-space:nowrap}td:last-child{overflow-wrap:anywhere}
.verdict{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:.85em;white-space:nowrap}
.verdict.NON_COMPLIANT{background:${COLOURS.NON_COMPLIANT}}
.verdict.COMPLIANT{background:${COLOURS.COMPLIANT}}
.verdict.NOT_APPLICABLE{background:#757575}
details{margin:8px 0}summary{cursor:pointer;color:#424242;font-weight:600;padding:4px 0}
.empty{color:#757575;font-style:italic}.all-clear{color:${COLOURS.COMPLIANT}}
.skipped{border-left:4px solid #f9a825;padding:4px 12px;background:#fffde7}.skipped h2{margin-top:8px}
@media (max-width:640px){
body{padding:12px}
table,tbody,tr,td{display:block;width:auto}
thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
tr{border:1px solid #e0e0e0;border-radius:6px;margin:8px 0;padding:4px 0}
td{border:0;padding:3px 10px;overflow-wrap:anywhere}
td code{white-space:normal}
td::before{content:attr(data-label);display:block;font-size:.75em;color:#616161}
}
@media print{body{padding:0}}
`;
