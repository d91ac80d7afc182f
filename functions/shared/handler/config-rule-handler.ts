/**
 * The Lambda entry every Config rule shares: a middy chain that parses the event at the edge,
 * runs the rule through the shared plumbing, and logs one line per evaluation.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Evaluation } from '../core/compliance';
import { parseConfigRuleEvent } from '../config-rule/event';
import type { ConfigRule } from '../config-rule/rule';
import { type ConfigGateway, runConfigRule } from '../config-rule/run';

export interface RuleRunSummary {
  readonly evaluations: number;
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly notApplicable: number;
}

export function configRuleHandler<Params>(rule: ConfigRule<Params>, config: ConfigGateway, logger = new Logger({ serviceName: 'session-guard' })) {
  return middy()
    .use(injectLambdaContext(logger))
    .handler(async (rawEvent: unknown): Promise<RuleRunSummary> => {
      const event = parseConfigRuleEvent(rawEvent);
      logger.appendKeys({ rule: event.configRuleName, messageType: event.invokingEvent.messageType });
      const evaluations = await runConfigRule(rule, event, config);
      for (const e of evaluations) {
        logger.info('evaluation', { resourceType: e.resourceType, resourceId: e.resourceId, compliance: e.compliance, annotation: e.annotation });
      }
      const summary = summarize(evaluations);
      logger.info('evaluations delivered', { ...summary });
      return summary;
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
