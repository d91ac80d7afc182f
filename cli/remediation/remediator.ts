/**
 * What `session-guard remediate` changes a role with: the remediation service of the attach-policy
 * Lambda (functions/attach-policy/remediate.ts) over the same IAM adapter, never a copy. It finds
 * the role by its ID, re-checks against live IAM that the rule still applies, attaches the policy
 * and verifies the attachment, or throws.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { InstanceRoleRemediation, type RemediationOutcome } from '../../functions/attach-policy/remediate';
import { boundedClientSettings, sleep } from '../../functions/shared/adapters/aws-clients';
import { IamRoleRemediationGateway } from '../../functions/shared/adapters/iam-role-remediation';
import type { InstanceRoleRuleParameters } from '../../functions/instance-role-rule/rule';
import type { NodeRoleGateway } from '../../functions/shared/adapters/ssm-node-roles';
import { type LiveAccountOptions, liveClientSettings, liveNodeRoleGateway } from '../sources/live-account';

export interface RoleToRemediate {
  readonly roleId: string;
  /** The name the scan read for the role moments ago. */
  readonly roleName: string;
}

export interface RoleRemediator {
  /** The service's outcome; throws when the role could not be remediated (reported as failed). */
  remediate(role: RoleToRemediate): Promise<RemediationOutcome>;
}

export interface RemediatorContext {
  /** The account that was scanned: the IAM client is built from the same settings. */
  readonly live: LiveAccountOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly policy: InstanceRoleRuleParameters;
}

export type RemediatorFactory = (context: RemediatorContext) => RoleRemediator;

export const createRoleRemediator: RemediatorFactory = ({ live, env, policy }) => {
  // The Lambda's retries, not the scan's: a full managed-policy quota fails the role at once
  // instead of being retried as if it were throttling.
  const { maxAttempts, retryStrategy } = boundedClientSettings('IAM', env);
  const iam = new IAMClient({ ...liveClientSettings(live, env)('IAM'), maxAttempts, retryStrategy });
  const roles = new IamRoleRemediationGateway(iam);
  const nodeRoles = liveNodeRoleGateway(live, env);
  // `remediate --all` judges every role against the same DHMC, activation and hybrid-node roles:
  // read them once per run (ListRegions and three reads per region), not once per role.
  const nodeRolesOfRun = new Map<string, ReturnType<NodeRoleGateway['listNodeRoles']>>();
  const listNodeRoles = (regions: readonly string[]) => {
    const key = regions.join(',');
    let read = nodeRolesOfRun.get(key);
    if (!read) nodeRolesOfRun.set(key, (read = nodeRoles.listNodeRoles(regions)));
    return read;
  };
  const scannedNames = new Map<string, string>();
  const remediation = new InstanceRoleRemediation(
    {
      // The Lambda asks AWS Config for the name behind a RoleId. The CLI read every role from IAM
      // moments ago, which is fresher and needs no Config permission (or recorder); the service
      // still re-reads the role by that name and refuses if its ID no longer matches.
      knownRoleName: async (roleId) => scannedNames.get(roleId),
      findRoleName: (roleId) => roles.findRoleNameById(roleId),
      readRoleFacts: (roleName) => roles.readRoleFacts(roleName),
      attachPolicy: (roleName, policyArn) => roles.attachPolicy(roleName, policyArn),
      listAttachedPolicyArns: (roleName) => roles.listAttachedPolicyArns(roleName),
      listNodeRoles,
    },
    { exemptionTagKey: policy.exemptionTagKey, nodeRoleRegions: policy.nodeRoleRegions, sleep },
  );
  return {
    remediate({ roleId, roleName }) {
      scannedNames.set(roleId, roleName);
      return remediation.remediate({ roleId, policyArn: policy.policyArn });
    },
  };
};
