/**
 * What every session-guard Lambda reports about itself: structured JSON logs (Powertools Logger)
 * and CloudWatch metrics in embedded metric format (Powertools Metrics).
 *
 * Metrics go to the namespace `SessionGuard` with two dimensions on every datum: `service`
 * (`session-guard`) and `FunctionName` (the Lambda's own name, from the invocation context), so an
 * alarm or a dashboard names one function of one stack without any fixed name. The Powertools
 * middy middleware flushes the stored metrics after the handler returns and also after it throws,
 * so a failed run still reports what it recorded before failing.
 *
 * Usage, in a handler:
 *
 *   const telemetry = createTelemetry();
 *   export const handler = middy().use(telemetryMiddleware(telemetry)).handler(async (event) => {
 *     ...
 *     recordRemediation(telemetry.metrics, 'attached');
 *   });
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { ComplianceType } from '../core/compliance';

export const SERVICE_NAME = 'session-guard';
export const METRICS_NAMESPACE = 'SessionGuard';
/** The per-function dimension; its value is the Lambda function name (`!Ref <LogicalId>` in a template). */
export const FUNCTION_DIMENSION = 'FunctionName';

/** Metric names, one per verdict and per remediation outcome, so each can be graphed or alarmed alone. */
export const METRIC = {
  evaluations: {
    COMPLIANT: 'EvaluationsCompliant',
    NON_COMPLIANT: 'EvaluationsNonCompliant',
    NOT_APPLICABLE: 'EvaluationsNotApplicable',
  } satisfies Record<ComplianceType, string>,
  /** Wall time of a ScheduledNotification run: the sweep plus delivering its evaluations. */
  sweepDuration: 'SweepDurationMs',
  /** A rule run that threw (bad event, bad parameters, AWS refused): nothing or not everything was reported. */
  failedRuns: 'FailedRuns',
  remediations: {
    attached: 'RemediationAttached',
    'already-attached': 'RemediationAlreadyAttached',
    'skipped-not-eligible': 'RemediationSkippedNotEligible',
    failed: 'RemediationFailed',
  },
} as const;

/** What one remediation of one resource came to. */
export type RemediationOutcome = keyof typeof METRIC.remediations;

/** The Logger and Metrics of one Lambda function. */
export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export function createTelemetry(): Telemetry {
  return {
    logger: new Logger({ serviceName: SERVICE_NAME }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
  };
}

/**
 * The middy middlewares every session-guard Lambda starts with: the invocation context in every
 * log line, the FunctionName dimension, and metrics flushed after the handler returns or throws.
 */
export function telemetryMiddleware(telemetry: Telemetry): MiddlewareObj[] {
  const functionDimension: MiddlewareObj = {
    // Dimensions added here are cleared at each flush, so they are set again for every invocation.
    before: (request) => {
      telemetry.metrics.addDimension(FUNCTION_DIMENSION, request.context.functionName);
    },
  };
  // resetKeys: keys a handler appends (the rule name, ...) do not leak into the next invocation's lines.
  return [injectLambdaContext(telemetry.logger, { resetKeys: true }), logMetrics(telemetry.metrics), functionDimension];
}

/**
 * Counts evaluations by verdict. Every verdict is recorded, zeros included, so a dashboard line or
 * an alarm on NON_COMPLIANT sees 0 rather than missing data after a clean run.
 */
export function recordEvaluations(
  metrics: Metrics,
  evaluations: readonly { readonly compliance: ComplianceType }[],
): void {
  for (const [verdict, name] of Object.entries(METRIC.evaluations) as [ComplianceType, string][]) {
    metrics.addMetric(name, MetricUnit.Count, evaluations.filter((e) => e.compliance === verdict).length);
  }
}

export function recordSweepDuration(metrics: Metrics, milliseconds: number): void {
  metrics.addMetric(METRIC.sweepDuration, MetricUnit.Milliseconds, milliseconds);
}

export function recordFailedRun(metrics: Metrics): void {
  metrics.addMetric(METRIC.failedRuns, MetricUnit.Count, 1);
}

/** One remediation's outcome, as a count of 1 under its own metric name (`RemediationFailed`, ...). */
export function recordRemediation(metrics: Metrics, outcome: RemediationOutcome): void {
  const name = METRIC.remediations[outcome];
  if (!name)
    throw new TypeError(
      `Unknown remediation outcome "${String(outcome)}"; expected ` +
        `one of ${Object.keys(METRIC.remediations).join(', ')}.`,
    );
  metrics.addMetric(name, MetricUnit.Count, 1);
}
