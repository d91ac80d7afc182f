/**
 * Config items of the IAM resources that carry policies, read into `PolicySubjectParts` for the
 * SSM access guardrails.
 *
 * - `AWS::IAM::Policy` (customer managed): `policyVersionList` holds every version with its document
 *   URL-encoded; only the default version is in force.
 * - `AWS::IAM::Role` / `User` / `Group`: `rolePolicyList` / `userPolicyList` / `groupPolicyList`
 *   hold the inline policies as `{ policyName, policyDocument }`, documents URL-encoded;
 *   `attachedManagedPolicies` lists attached policies by ARN only; roles and users name their
 *   `permissionsBoundary` by ARN; a user's `groupList` names its groups.
 *
 * Tags arrive twice, as a map at the item's top level and as key/value pairs in the configuration.
 */
import * as z from '../core/zod';
import {
  defaultVersionDocument,
  inlinePolicyLabel,
  type NamedPolicyDocument,
  type PolicySubjectKind,
  type PolicySubjectParts,
} from '../core/policy-subject';
import type { ConfigurationItem } from '../config-rule/event';
import {
  attachedPoliciesSchema,
  itemTags,
  parseConfiguration,
  type TagPairs,
  tagPairsSchema,
} from './configuration-item';
import { InputError } from '../errors';

export const IAM_POLICY_SUBJECT_TYPES = {
  'AWS::IAM::Policy': 'Policy',
  'AWS::IAM::Role': 'Role',
  'AWS::IAM::User': 'User',
  'AWS::IAM::Group': 'Group',
} as const satisfies Record<string, PolicySubjectKind>;

export type IamPolicySubjectType = keyof typeof IAM_POLICY_SUBJECT_TYPES;

export const IAM_POLICY_SUBJECT_RESOURCE_TYPES = Object.keys(IAM_POLICY_SUBJECT_TYPES) as IamPolicySubjectType[];

export class PolicySubjectItemError extends InputError {
  override name = 'PolicySubjectItemError';
}

const inlinePolicies = z.nullish(z.array(z.looseObject({ policyName: z.string(), policyDocument: z.unknown() })));
const permissionsBoundary = z.nullish(z.looseObject({ permissionsBoundaryArn: z.nullish(z.string()) }));

const managedPolicySchema = z.looseObject({
  policyName: z.string(),
  arn: z.optional(z.string()),
  defaultVersionId: z.nullish(z.string()),
  policyVersionList: z.array(
    z.looseObject({
      versionId: z.nullish(z.string()),
      isDefaultVersion: z.nullish(z.boolean()),
      document: z.unknown(),
    }),
  ),
  tags: tagPairsSchema,
});

const principalSchemas = {
  'AWS::IAM::Role': z.looseObject({
    roleName: z.string(),
    arn: z.optional(z.string()),
    rolePolicyList: inlinePolicies,
    attachedManagedPolicies: attachedPoliciesSchema,
    permissionsBoundary,
    tags: tagPairsSchema,
  }),
  'AWS::IAM::User': z.looseObject({
    userName: z.string(),
    arn: z.optional(z.string()),
    userPolicyList: inlinePolicies,
    attachedManagedPolicies: attachedPoliciesSchema,
    permissionsBoundary,
    groupList: z.nullish(z.array(z.string())),
    tags: tagPairsSchema,
  }),
  'AWS::IAM::Group': z.looseObject({
    groupName: z.string(),
    arn: z.optional(z.string()),
    groupPolicyList: inlinePolicies,
    attachedManagedPolicies: attachedPoliciesSchema,
  }),
};

export function policySubjectFromItem(item: ConfigurationItem): PolicySubjectParts {
  const type = item.resourceType as IamPolicySubjectType;
  switch (type) {
    case 'AWS::IAM::Policy': {
      const policy = parse(managedPolicySchema, item);
      const arn = arnOf(item, policy.arn);
      return {
        kind: 'Policy',
        name: policy.policyName,
        arn,
        own: [defaultVersionDocument(arn, policy.defaultVersionId, policy.policyVersionList)],
        attachedPolicyArns: [],
        groupNames: [],
        // An item without the tags field has not recorded them: undefined lets the rule fetch them
        // (GetPolicy) before an exemption could decide the verdict. `tags: []` means none.
        tags: tagsRecorded(item, policy.tags) ? itemTags(item, policy.tags) : undefined,
      };
    }
    case 'AWS::IAM::Role': {
      const role = parse(principalSchemas[type], item);
      return {
        kind: 'Role',
        name: role.roleName,
        arn: arnOf(item, role.arn),
        tags: itemTags(item, role.tags),
        own: inline(role.rolePolicyList),
        attachedPolicyArns: attached(role.attachedManagedPolicies),
        groupNames: [],
        ...boundaryOf(role.permissionsBoundary),
      };
    }
    case 'AWS::IAM::User': {
      const user = parse(principalSchemas[type], item);
      return {
        kind: 'User',
        name: user.userName,
        arn: arnOf(item, user.arn),
        tags: itemTags(item, user.tags),
        own: inline(user.userPolicyList),
        attachedPolicyArns: attached(user.attachedManagedPolicies),
        groupNames: user.groupList ?? [],
        ...boundaryOf(user.permissionsBoundary),
      };
    }
    case 'AWS::IAM::Group': {
      const group = parse(principalSchemas[type], item);
      // IAM groups cannot be tagged; exemption goes by ARN.
      return {
        kind: 'Group',
        name: group.groupName,
        arn: arnOf(item, group.arn),
        tags: itemTags(item, undefined),
        own: inline(group.groupPolicyList),
        attachedPolicyArns: attached(group.attachedManagedPolicies),
        groupNames: [],
      };
    }
    default:
      throw new PolicySubjectItemError(`${item.resourceType} carries no IAM policies the SSM access guardrails check.`);
  }
}

const inline = (
  policies: readonly { policyName: string; policyDocument?: unknown }[] | null | undefined,
): NamedPolicyDocument[] =>
  (policies ?? []).map((p) => ({ name: inlinePolicyLabel(p.policyName), document: p.policyDocument }));

const attached = (policies: readonly { policyArn: string }[] | null | undefined): string[] =>
  (policies ?? []).map((p) => p.policyArn);

const boundaryOf = (boundary: { permissionsBoundaryArn?: string | null } | null | undefined) =>
  boundary?.permissionsBoundaryArn ? { boundaryArn: boundary.permissionsBoundaryArn } : {};

function parse<S extends z.ZodMiniType>(schema: S, item: ConfigurationItem): z.infer<S> {
  return parseConfiguration(schema, item, (message) => new PolicySubjectItemError(message));
}

function arnOf(item: ConfigurationItem, configurationArn: string | undefined): string {
  const arn = item.ARN ?? configurationArn;
  if (!arn) throw new PolicySubjectItemError(`Configuration item ${item.resourceType} ${item.resourceId} has no ARN.`);
  return arn;
}

function tagsRecorded(item: ConfigurationItem, pairs: TagPairs): boolean {
  return Array.isArray(pairs) || Object.keys(item.tags ?? {}).length > 0;
}
