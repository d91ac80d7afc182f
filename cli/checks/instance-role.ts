/** The instance-role rule (functions/instance-role-rule) as a CLI check. */
import { createInstanceRoleRule } from '../../functions/instance-role-rule/rule';
import { DEFAULT_EXEMPTION_TAG_KEY } from '../../functions/shared/core/instance-role';
import { IAM_ROLE_RESOURCE_TYPE } from '../../functions/shared/resources/iam-role';
import type { Check } from './check';

export const instanceRoleCheck: Check = {
  id: 'instance-role',
  logicalId: 'RolePolicyRule',
  title: 'Roles that run sessions (EC2 instance, DHMC, hybrid) carry the Session Manager instance policy',
  resourceTypes: [IAM_ROLE_RESOURCE_TYPE],
  // Names and stack sources as in template.yaml (RolePolicyRule InputParameters).
  parameters: [
    {
      name: 'PolicyArn',
      flag: '--policy-arn <arn>',
      description:
        'the instance policy every instance role must carry ' +
        "(default: the stack's SessionManagerInstancePolicyArn output)",
      required: true,
      fromStack: { output: 'SessionManagerInstancePolicyArn' },
    },
    {
      name: 'AlternativePolicyArns',
      flag: '--alternative-policy-arns <arns>',
      description:
        "comma-separated policy ARNs accepted in its place (default: the stack's AlternativePolicyArns parameter)",
      fromStack: { parameter: 'AlternativePolicyArns' },
    },
    {
      name: 'ExemptionTagKey',
      flag: '--exemption-tag-key <key>',
      description:
        `roles tagged <key>=true are out of scope (default: the stack's ExemptionTagKey parameter, ` +
        `else ${DEFAULT_EXEMPTION_TAG_KEY})`,
      fromStack: { parameter: 'ExemptionTagKey' },
    },
    {
      name: 'NodeRoleRegions',
      flag: '--node-role-regions <regions>',
      description:
        'comma-separated regions whose DHMC and hybrid activation roles are in scope ' +
        "(default: the stack's NodeRoleRegions parameter, else every enabled region)",
      fromStack: { parameter: 'NodeRoleRegions' },
    },
  ],
  rule: (source) => createInstanceRoleRule(source),
  resourceNames: async (source) => new Map((await source.listRoles()).map((role) => [role.roleId, role.roleName])),
};
