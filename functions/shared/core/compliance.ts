/** The vocabulary every rule speaks: verdicts, evaluations, annotations. */
import { clipText } from './text';

export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

export interface Verdict {
  readonly compliance: ComplianceType;
  /**
   * Why, in full: the command line and its reports show all of it. What AWS Config receives is
   * clipped to MAX_ANNOTATION_LENGTH when the evaluation is sent (clipAnnotation).
   */
  readonly annotation: string;
}

/** One result for one resource, as it will be reported to AWS Config. */
export interface Evaluation extends Verdict {
  readonly resourceType: string;
  readonly resourceId: string;
  /** The configuration item's capture time (change) or the notification time (periodic). */
  readonly orderingTimestamp: Date;
}

/**
 * AWS Config rejects annotations longer than this.
 * https://docs.aws.amazon.com/config/latest/APIReference/API_Evaluation.html
 */
export const MAX_ANNOTATION_LENGTH = 256;

/** Clips an annotation to what Config accepts, marking the cut so nobody mistakes it for whole. */
export function clipAnnotation(text: string): string {
  return clipText(text, MAX_ANNOTATION_LENGTH);
}

/** Verdicts from the most to the least concerning: what a reader acts on first. */
export const COMPLIANCE_BY_CONCERN: readonly ComplianceType[] = ['NON_COMPLIANT', 'COMPLIANT', 'NOT_APPLICABLE'];

/** The most concerning of several verdicts (at least one) on one resource; the first of equals. */
export function mostConcerning(verdicts: readonly Verdict[]): Verdict {
  const concern = (verdict: Verdict) => COMPLIANCE_BY_CONCERN.indexOf(verdict.compliance);
  return verdicts.reduce((most, next) => (concern(next) < concern(most) ? next : most));
}

export const compliant = (annotation: string): Verdict => ({ compliance: 'COMPLIANT', annotation });
export const nonCompliant = (annotation: string): Verdict => ({ compliance: 'NON_COMPLIANT', annotation });
export const notApplicable = (annotation: string): Verdict => ({ compliance: 'NOT_APPLICABLE', annotation });
