/** What `check` found in infrastructure code, as a table and as JSON (SARIF: sarif.ts). */
import type { IacFinding } from '../iac/cloudformation';
import { CHECKS } from '../checks/registry';
import type { TextStyle } from '../io';
import { byConcern, describeCounts, fitText, PLAIN, renderTable, verdictsIn } from './table';
import { countCompliance } from './scan-report';

export interface IacReport {
  /** The files that were checked, as given or found in the folders given. */
  readonly files: readonly string[];
  readonly findings: readonly IacFinding[];
}

const checksWithFindings = (report: IacReport) =>
  CHECKS.filter((check) => report.findings.some((f) => f.checkId === check.id));
const findingsOf = (report: IacReport, id: string) => report.findings.filter((f) => f.checkId === id);

export function renderIacText(report: IacReport, style: TextStyle = PLAIN): string {
  const heading = fitText(
    `session-guard check of ${report.files.length === 1 ? report.files[0] : `${report.files.length} files`}`,
    style,
  );
  const sections = checksWithFindings(report).map((check) => {
    const findings = findingsOf(report, check.id);
    const table = renderTable(
      ['WHERE', 'RESOURCE', 'VERDICT', 'ANNOTATION'],
      byConcern(findings).map((f) => [`${f.file}:${f.line}`, f.resource, f.compliance, f.annotation]),
      { style, colourOf: verdictsIn(2) },
    );
    return [
      fitText(`${check.id}: ${check.title}`, style),
      '',
      table,
      '',
      describeCounts(countCompliance(findings)),
    ].join('\n');
  });
  const none =
    report.findings.length === 0
      ? ['No IAM policy, role, user, group, Session document or instance role found to check.']
      : [];
  const total = `All files: ${describeCounts(countCompliance(report.findings))}`;
  return `${[heading, ...sections, ...none, total].join('\n\n')}\n`;
}

/** The `--json` document: findings in Config's vocabulary, with where they are written. */
export function iacReportJson(report: IacReport): unknown {
  return {
    files: report.files,
    summary: countCompliance(report.findings),
    checks: checksWithFindings(report).map((check) => ({
      id: check.id,
      title: check.title,
      summary: countCompliance(findingsOf(report, check.id)),
      results: findingsOf(report, check.id).map((f) => ({
        file: f.file,
        line: f.line,
        resourceType: f.resourceType,
        resource: f.resource,
        compliance: f.compliance,
        annotation: f.annotation,
      })),
    })),
  };
}
