/**
 * The instance-role rule: every role that runs sessions carries the Session Manager instance
 * policy: roles EC2 can assume that sit in an instance profile, and the DHMC, activation and
 * hybrid-node roles of every region read. The decision lives in core/instance-role; this file only
 * says where the rule's inputs come from.
 */
import * as z from '../shared/core/zod';
import {
  DEFAULT_EXEMPTION_TAG_KEY,
  evaluateInstanceRole,
  type InstanceRolePolicy,
  mayServeManagedNodes,
  type RoleFacts,
} from '../shared/core/instance-role';
import { type NamedNodeRole, NodeRoleIndex, type NodeRoleUse } from '../shared/core/session-node-roles';
import { listOf, parseRuleParameters, policyArn, regionName } from '../shared/config-rule/parameters';
import type { ConfigRule } from '../shared/config-rule/rule';
import { IAM_ROLE_RESOURCE_TYPE, roleFactsFromItem } from '../shared/resources/iam-role';

export const instanceRoleParametersSchema = z.pipe(
  z.object({
    PolicyArn: policyArn,
    AlternativePolicyArns: z.optional(listOf(policyArn)),
    ExemptionTagKey: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(128))),
    NodeRoleRegions: z.optional(listOf(regionName)),
  }),
  z.transform(
    (p): InstanceRoleRuleParameters => ({
      policyArn: p.PolicyArn,
      alternativePolicyArns: p.AlternativePolicyArns ?? [],
      exemptionTagKey: p.ExemptionTagKey || DEFAULT_EXEMPTION_TAG_KEY,
      nodeRoleRegions: p.NodeRoleRegions ?? [],
    }),
  ),
);

export interface InstanceRoleRuleParameters extends InstanceRolePolicy {
  /** Regions whose DHMC, activation and hybrid-node roles are in scope; empty: every enabled region. */
  readonly nodeRoleRegions: readonly string[];
}

export interface InstanceRoleRuleSources {
  /** Every role of the account (GetAccountAuthorizationDetails in production). */
  listRoles(): Promise<readonly RoleFacts[]>;
  /** The DHMC, activation and hybrid-node roles of these regions (every enabled region when empty). */
  listNodeRoles(regions: readonly string[]): Promise<readonly NamedNodeRole[]>;
}

export function createInstanceRoleRule(sources: InstanceRoleRuleSources): ConfigRule<InstanceRoleRuleParameters> {
  return {
    name: 'session-guard instance-role rule',
    resourceTypes: [IAM_ROLE_RESOURCE_TYPE],
    parseParameters: (raw) => parseRuleParameters(instanceRoleParametersSchema, raw),
    async evaluateItem(item, params) {
      const role = roleFactsFromItem(item);
      return evaluateInstanceRole(role, params, await nodeUsesOf(role, params, sources));
    },
    async sweep(params) {
      // One read after the other, so a missing permission is always reported the same way: IAM first.
      const roles = await sources.listRoles();
      const index = new NodeRoleIndex(await sources.listNodeRoles(params.nodeRoleRegions));
      return roles.map((role) => ({
        resourceType: IAM_ROLE_RESOURCE_TYPE,
        // Config identifies a role by its RoleId (AROA...), not its name.
        resourceId: role.roleId,
        ...evaluateInstanceRole(role, params, index.usesOf(role.roleName)),
      }));
    },
  };
}

/**
 * One role's DHMC, activation and hybrid-node uses. Every region is read only for a role Systems
 * Manager may assume: most roles need no read. Remediation asks the same way.
 */
export async function nodeUsesOf(
  role: RoleFacts,
  params: InstanceRoleRuleParameters,
  sources: Pick<InstanceRoleRuleSources, 'listNodeRoles'>,
): Promise<readonly NodeRoleUse[]> {
  if (!mayServeManagedNodes(role, params)) return [];
  return new NodeRoleIndex(await sources.listNodeRoles(params.nodeRoleRegions)).usesOf(role.roleName);
}
