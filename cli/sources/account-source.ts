/**
 * Where the checks read an account from: the bundled sample or a live account. Each rule declares
 * the inputs it needs as its own `...RuleSources` interface; an account source is all of them, so a
 * rule's sweep runs unchanged on either.
 */
import type { Stack } from '@aws-sdk/client-cloudformation';
import type { SessionDocumentRuleSources } from '../../functions/session-document-rule/rule';
import type { InstanceRoleRuleSources } from '../../functions/instance-role-rule/rule';
import type { SsmAccessRuleSources } from '../../functions/ssm-access-rule/rule';
import type { ConfigGateway } from '../../functions/shared/config-rule/run';

/** The stack name `sam deploy` uses by default (sam/samconfig.toml). */
export const DEFAULT_STACK_NAME = 'session-guard';

/** A session-guard stack deployed in the account: where the checks' defaults come from. */
export interface Deployment {
  readonly stackName: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly parameters: Readonly<Record<string, string>>;
}

export interface AccountSource extends InstanceRoleRuleSources, SsmAccessRuleSources, SessionDocumentRuleSources {
  readonly kind: 'sample' | 'live';
  /** For headings: "bundled sample account" or "live account (profile dev, us-east-1)". */
  readonly description: string;
  accountId(): Promise<string>;
  /** The session-guard stack in the account, or undefined when there is none. */
  deployment(): Promise<Deployment | undefined>;
  /** What the Config plumbing needs to evaluate a saved event: oversized items and earlier results. */
  readonly config: Pick<ConfigGateway, 'getConfigurationItem' | 'listEvaluatedResources'>;
}

export function deploymentFromStack(stack: Stack): Deployment {
  return {
    stackName: stack.StackName ?? '',
    outputs: Object.fromEntries(
      (stack.Outputs ?? []).flatMap((o) => (o.OutputKey ? [[o.OutputKey, o.OutputValue ?? '']] : [])),
    ),
    parameters: Object.fromEntries(
      (stack.Parameters ?? []).flatMap((p) =>
        p.ParameterKey ? [[p.ParameterKey, p.ResolvedValue ?? p.ParameterValue ?? '']] : [],
      ),
    ),
  };
}

/** Reads once, however many checks ask: a sweep of a large account is the slow part of a scan. */
export function once<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= read());
}
