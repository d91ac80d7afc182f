/**
 * What `session-guard remediate` needs to change a role: the remediation service of the
 * attach-policy Lambda (issue 3), which resolves the role, re-checks that it is still eligible,
 * attaches the policy and verifies it. The CLI must run that same code, never a copy, so until it
 * lands the factory returns nothing and `remediate` offers only --dry-run.
 */
import type { InstanceRolePolicy } from '../../functions/shared/core/instance-role';
import type { LiveAccountOptions } from '../sources/live-account';

export interface RoleToRemediate {
  readonly roleId: string;
  readonly roleName: string;
}

export interface RemediationOutcome {
  /** ATTACHED and ALREADY_ATTACHED are success; NOT_ELIGIBLE means the role changed since the scan. */
  readonly outcome: 'ATTACHED' | 'ALREADY_ATTACHED' | 'NOT_ELIGIBLE' | 'FAILED';
  readonly message: string;
}

export interface RoleRemediator {
  remediate(role: RoleToRemediate): Promise<RemediationOutcome>;
}

export interface RemediatorContext {
  /** The account that was scanned; build SDK clients with liveClientSettings(live, env). */
  readonly live: LiveAccountOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly policy: InstanceRolePolicy;
}

export type RemediatorFactory = (context: RemediatorContext) => RoleRemediator | undefined;

// Issue 3 plugs in here: return a RoleRemediator built on functions/attach-policy's remediation
// service (with IAM clients from liveClientSettings(context.live, context.env)).
export const createRoleRemediator: RemediatorFactory = () => undefined;
