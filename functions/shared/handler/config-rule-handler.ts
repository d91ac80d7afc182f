/**
 * The Lambda entry every Config rule shares: a middy chain that parses the event at the edge,
 * runs the rule through the shared plumbing, logs one line per evaluation, and records the run's
 * metrics (evaluations by verdict, sweep duration, failed runs; see ./observability).
 */
import middy from '@middy/core';
import type { Evaluation } from '../core/compliance';
import { parseConfigRuleEvent } from '../config-rule/event';
import type { ConfigRule } from '../config-rule/rule';
import { type ConfigGateway, runConfigRule } from '../config-rule/run';
import {
  createTelemetry,
  recordEvaluations,
  recordFailedRun,
  recordSweepDuration,
  type Telemetry,
  telemetryMiddleware,
} from './observability';

export interface RuleRunSummary {
  readonly evaluations: number;
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly notApplicable: number;
}

export interface ConfigRuleHandlerOptions {
  readonly telemetry?: Telemetry;
  /** A monotonic clock in milliseconds; the sweep duration is measured with it. */
  readonly now?: () => number;
}

export function configRuleHandler<Params>(
  rule: ConfigRule<Params>,
  config: ConfigGateway,
  options: ConfigRuleHandlerOptions = {},
) {
  const { logger, metrics } = options.telemetry ?? createTelemetry();
  const now = options.now ?? (() => performance.now());
  return middy()
    .use(telemetryMiddleware({ logger, metrics }))
    .handler(async (rawEvent: unknown): Promise<RuleRunSummary> => {
      try {
        const event = parseConfigRuleEvent(rawEvent);
        const messageType = event.invokingEvent.messageType;
        logger.appendKeys({ rule: event.configRuleName, messageType });
        metrics.addMetadata('configRule', event.configRuleName);

        const startedAt = now();
        const evaluations = await runConfigRule(rule, event, config);
        if (messageType === 'ScheduledNotification') recordSweepDuration(metrics, now() - startedAt);
        recordEvaluations(metrics, evaluations);

        for (const e of evaluations) {
          logger.info('evaluation', {
            resourceType: e.resourceType,
            resourceId: e.resourceId,
            compliance: e.compliance,
            annotation: e.annotation,
          });
        }
        const summary = summarize(evaluations);
        logger.info('evaluations delivered', { ...summary });
        return summary;
      } catch (error) {
        // Counted and logged, then thrown again: the invocation must fail visibly (Lambda Errors, the
        // rule's evaluation status in Config), never look like a clean run.
        recordFailedRun(metrics);
        logger.error('rule run failed', error as Error);
        throw error;
      }
    });
}

function summarize(evaluations: readonly Evaluation[]): RuleRunSummary {
  const count = (c: Evaluation['compliance']) => evaluations.filter((e) => e.compliance === c).length;
  return {
    evaluations: evaluations.length,
    compliant: count('COMPLIANT'),
    nonCompliant: count('NON_COMPLIANT'),
    notApplicable: count('NOT_APPLICABLE'),
  };
}
