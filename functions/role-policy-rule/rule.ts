/**
 * The instance-role rule: every role EC2 can assume that sits in an instance profile carries the
 * Session Manager instance policy. The decision lives in core/instance-role; this file only says
 * where the rule's inputs come from.
 */
import * as z from 'zod';
import {
  DEFAULT_EXEMPTION_TAG_KEY,
  evaluateInstanceRole,
  type InstanceRolePolicy,
  type RoleFacts,
} from '../shared/core/instance-role';
import { listOf, parseRuleParameters, policyArn } from '../shared/config-rule/parameters';
import type { ConfigRule } from '../shared/config-rule/rule';
import { IAM_ROLE_RESOURCE_TYPE, roleFactsFromItem } from '../shared/resources/iam-role';

export const rolePolicyParametersSchema = z
  .object({
    PolicyArn: policyArn,
    AlternativePolicyArns: listOf(policyArn).optional(),
    ExemptionTagKey: z.string().trim().min(1).max(128).optional(),
  })
  .transform(
    (p): InstanceRolePolicy => ({
      policyArn: p.PolicyArn,
      alternativePolicyArns: p.AlternativePolicyArns ?? [],
      exemptionTagKey: p.ExemptionTagKey || DEFAULT_EXEMPTION_TAG_KEY,
    }),
  );

export interface RolePolicyRuleSources {
  /** Every role of the account (GetAccountAuthorizationDetails in production). */
  listRoles(): Promise<readonly RoleFacts[]>;
}

export function createRolePolicyRule(sources: RolePolicyRuleSources): ConfigRule<InstanceRolePolicy> {
  return {
    name: 'session-guard instance-role rule',
    resourceTypes: [IAM_ROLE_RESOURCE_TYPE],
    parseParameters: (raw) => parseRuleParameters(rolePolicyParametersSchema, raw),
    evaluateItem: (item, policy) => evaluateInstanceRole(roleFactsFromItem(item), policy),
    async sweep(policy) {
      const roles = await sources.listRoles();
      return roles.map((role) => ({
        resourceType: IAM_ROLE_RESOURCE_TYPE,
        // Config identifies a role by its RoleId (AROA...), not its name.
        resourceId: role.roleId,
        ...evaluateInstanceRole(role, policy),
      }));
    },
  };
}
