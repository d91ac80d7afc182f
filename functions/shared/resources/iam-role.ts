/**
 * An `AWS::IAM::Role` configuration item, read into the facts the instance-role decision needs.
 *
 * Config's item for a role carries the trust policy URL-encoded, the instance profiles the role
 * is in, its attached managed and inline policies, and its tags (both in the configuration, as key/value
 * pairs, and at the item's top level, as a map).
 */
import * as z from '../core/zod';
import type { RoleFacts } from '../core/instance-role';
import type { ConfigurationItem } from '../config-rule/event';
import { attachedPoliciesSchema, itemTags, parseConfiguration, tagPairsSchema } from './configuration-item';
import { InputError } from '../errors';

export const IAM_ROLE_RESOURCE_TYPE = 'AWS::IAM::Role';

export class RoleItemError extends InputError {
  override name = 'RoleItemError';
}

const roleConfigurationSchema = z.looseObject({
  roleName: z.string(),
  roleId: z.string(),
  path: z._default(z.string(), '/'),
  arn: z.optional(z.string()),
  assumeRolePolicyDocument: z.unknown(),
  instanceProfileList: z.nullish(z.array(z.looseObject({ instanceProfileName: z.string() }))),
  attachedManagedPolicies: attachedPoliciesSchema,
  rolePolicyList: z.nullish(z.array(z.looseObject({ policyDocument: z.unknown() }))),
  tags: tagPairsSchema,
});

export function roleFactsFromItem(item: ConfigurationItem): RoleFacts {
  const role = parseConfiguration(roleConfigurationSchema, item, (message) => new RoleItemError(message));
  return {
    roleId: role.roleId,
    roleName: role.roleName,
    path: role.path,
    assumeRolePolicyDocument: role.assumeRolePolicyDocument,
    instanceProfileNames: (role.instanceProfileList ?? []).map((p) => p.instanceProfileName),
    attachedPolicyArns: (role.attachedManagedPolicies ?? []).map((p) => p.policyArn),
    tags: itemTags(item, role.tags),
    inlinePolicyDocuments: (role.rolePolicyList ?? []).map((p) => p.policyDocument),
  };
}
