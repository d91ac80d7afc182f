/** What a scan found, in one shape every output format (table, JSON, HTML) renders. */
import type { ComplianceType } from '../../functions/shared/core/compliance';
import type { CheckResult } from '../checks/check';

export interface ScanReport {
  readonly account: { readonly id: string; readonly source: 'sample' | 'live'; readonly description: string };
  readonly generatedAt: string;
  readonly checks: readonly CheckResult[];
  /** Checks that could not run (a required parameter missing), each with what to do about it. */
  readonly skipped: readonly SkippedCheck[];
}

export interface SkippedCheck {
  readonly id: string;
  readonly title: string;
  readonly reason: string;
}

export type ComplianceCounts = Readonly<Record<ComplianceType, number>> & { readonly total: number };

export function countCompliance(results: readonly { compliance: ComplianceType }[]): ComplianceCounts {
  const counts = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0 };
  for (const r of results) counts[r.compliance]++;
  return { ...counts, total: results.length };
}

export const allResults = (report: ScanReport) => report.checks.flatMap((c) => c.results);

/**
 * The `--json` document: the report with counts per check and overall. Results keep Config's
 * vocabulary (resourceType, resourceId, compliance, annotation) so they read like evaluations.
 */
export function scanReportJson(report: ScanReport): unknown {
  return {
    account: report.account,
    generatedAt: report.generatedAt,
    summary: countCompliance(allResults(report)),
    checks: report.checks.map((check) => ({
      id: check.id,
      title: check.title,
      ruleName: check.ruleName,
      parameters: check.parameters,
      summary: countCompliance(check.results),
      results: check.results.map((r) => ({
        resourceType: r.resourceType,
        resourceId: r.resourceId,
        resourceName: r.resourceName ?? null,
        compliance: r.compliance,
        annotation: r.annotation,
      })),
    })),
    skipped: report.skipped,
  };
}
