/**
 * The plumbing every Config rule shares, written once (the rdklib split): turn one Config rule
 * event into the evaluations Config expects, and deliver them.
 *
 * - change events yield exactly one evaluation, for the item that changed;
 * - oversized items are fetched from Config before the rule sees them;
 * - deleted, unrecorded and out-of-scope items are NOT_APPLICABLE without asking the rule;
 * - periodic events sweep the account, then re-report as NOT_APPLICABLE every resource Config
 *   still holds a result for that the sweep no longer found.
 */
import { type Evaluation, notApplicable, type Verdict } from '../core/compliance';
import {
  type ConfigRuleEvent,
  type ConfigurationItem,
  type ConfigurationItemSummary,
  GONE_STATUSES,
  InvalidEventError,
} from './event';
import type { ConfigRule, ResourceVerdict, SweepContext } from './rule';
import { InputError } from '../errors';

export interface EvaluatedResource {
  readonly resourceType: string;
  readonly resourceId: string;
}

/** What the plumbing needs from AWS Config; the SDK adapter implements it. */
export interface ConfigGateway {
  /** The full item behind an oversized-change notification. */
  getConfigurationItem(summary: ConfigurationItemSummary): Promise<ConfigurationItem>;
  /** Delivers evaluations; `resultToken` `TESTMODE` means nothing is recorded. */
  putEvaluations(evaluations: readonly Evaluation[], resultToken: string): Promise<void>;
  /** Resources this rule currently holds a COMPLIANT or NON_COMPLIANT result for. */
  listEvaluatedResources(configRuleName: string): Promise<readonly EvaluatedResource[]>;
}

export class RuleNotPeriodicError extends InputError {
  override name = 'RuleNotPeriodicError';
}

/** Evaluates the event and delivers the results; returns what was delivered. */
export async function runConfigRule<Params>(
  rule: ConfigRule<Params>,
  event: ConfigRuleEvent,
  config: ConfigGateway,
): Promise<readonly Evaluation[]> {
  const evaluations = await evaluateConfigRuleEvent(rule, event, config);
  await config.putEvaluations(evaluations, event.resultToken);
  return evaluations;
}

/** Evaluates the event without delivering anything (the CLI's `evaluate` shows this). */
export async function evaluateConfigRuleEvent<Params>(
  rule: ConfigRule<Params>,
  event: ConfigRuleEvent,
  config: Pick<ConfigGateway, 'getConfigurationItem' | 'listEvaluatedResources'>,
): Promise<readonly Evaluation[]> {
  // Parameters first: a misconfigured rule must fail loudly before it reports anything.
  const params = rule.parseParameters(event.ruleParameters);
  const invoking = event.invokingEvent;
  switch (invoking.messageType) {
    case 'ConfigurationItemChangeNotification': {
      const item = invoking.configurationItem;
      return [await evaluateChange(rule, params, item, event.eventLeftScope, async () => item)];
    }
    case 'OversizedConfigurationItemChangeNotification': {
      // The item was too large for the event; Config holds it.
      const summary = invoking.configurationItemSummary;
      return [
        await evaluateChange(rule, params, summary, event.eventLeftScope, () => config.getConfigurationItem(summary)),
      ];
    }
    case 'ScheduledNotification': {
      const accountId = invoking.awsAccountId ?? event.accountId;
      if (!accountId)
        throw new InvalidEventError(
          'ScheduledNotification carries no account ID (invokingEvent.awsAccountId or accountId).',
        );
      return sweep(
        rule,
        params,
        event.configRuleName,
        new Date(invoking.notificationCreationTime),
        { accountId },
        config,
      );
    }
  }
}

async function evaluateChange<Params>(
  rule: ConfigRule<Params>,
  params: Params,
  itemOrSummary: ConfigurationItemSummary,
  eventLeftScope: boolean,
  loadItem: () => Promise<ConfigurationItem>,
): Promise<Evaluation> {
  const at = new Date(itemOrSummary.configurationItemCaptureTime);
  const evaluationOf = (verdict: Verdict): Evaluation => ({
    resourceType: itemOrSummary.resourceType,
    resourceId: itemOrSummary.resourceId,
    orderingTimestamp: at,
    ...verdict,
  });

  const outOfScope = outOfScopeReason(rule, itemOrSummary, eventLeftScope);
  if (outOfScope) return evaluationOf(notApplicable(outOfScope));

  return evaluationOf(await rule.evaluateItem(await loadItem(), params));
}

function outOfScopeReason(
  rule: ConfigRule<unknown>,
  item: ConfigurationItemSummary,
  eventLeftScope: boolean,
): string | undefined {
  if (eventLeftScope) return `${item.resourceType} ${item.resourceId} left the rule's scope.`;
  if ((GONE_STATUSES as readonly string[]).includes(item.configurationItemStatus)) {
    return `${item.resourceType} ${item.resourceId} is ${item.configurationItemStatus}.`;
  }
  if (!rule.resourceTypes.includes(item.resourceType)) {
    return `${item.resourceType} is not a resource type ${rule.name} evaluates.`;
  }
  return undefined;
}

async function sweep<Params>(
  rule: ConfigRule<Params>,
  params: Params,
  configRuleName: string,
  at: Date,
  context: SweepContext,
  config: Pick<ConfigGateway, 'listEvaluatedResources'>,
): Promise<Evaluation[]> {
  if (!rule.sweep) {
    throw new RuleNotPeriodicError(`${rule.name} only evaluates configuration changes; remove its periodic trigger.`);
  }
  const current = await rule.sweep(params, context);
  const seen = new Set(current.map(key));
  const previously = await config.listEvaluatedResources(configRuleName);
  const stale: ResourceVerdict[] = previously
    .filter((r) => rule.resourceTypes.includes(r.resourceType) && !seen.has(key(r)))
    .map((r) => ({ ...r, ...notApplicable(`${r.resourceType} ${r.resourceId} no longer exists.`) }));
  return [...current, ...stale].map((v) => ({ ...v, orderingTimestamp: at }));
}

const key = (r: EvaluatedResource): string => `${r.resourceType}\u0000${r.resourceId}`;
