/**
 * What a Config rule is, to the plumbing: its scope, its parameters, and its decision.
 *
 * Each rule supplies only these few pieces; `runConfigRule` does the rest (event parsing,
 * oversized items, deleted items, periodic sweeps, stale results, batching, TestMode).
 */
import type { Verdict } from '../core/compliance';
import type { ConfigurationItem } from './event';

export interface ResourceVerdict extends Verdict {
  readonly resourceType: string;
  readonly resourceId: string;
}

/** What a periodic sweep knows about where it runs, from the ScheduledNotification event. */
export interface SweepContext {
  /** The account the rule evaluates: rules that report on `AWS::::Account` need it. */
  readonly accountId: string;
}

export interface ConfigRule<Params> {
  /** For logs and messages. */
  readonly name: string;
  /** Resource types the rule is scoped to; items of other types are NOT_APPLICABLE. */
  readonly resourceTypes: readonly string[];
  /** Validates and types the rule's InputParameters; throws InvalidRuleParameterError. */
  parseParameters(raw: Record<string, unknown> | undefined): Params;
  /** The decision for one live configuration item (change-triggered evaluations). */
  evaluateItem(item: ConfigurationItem, params: Params): Verdict | Promise<Verdict>;
  /** Every in-scope resource of the account with its verdict (periodic evaluations). */
  sweep?(params: Params, context: SweepContext): Promise<readonly ResourceVerdict[]>;
}
