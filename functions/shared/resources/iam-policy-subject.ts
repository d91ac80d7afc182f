/**
 * Config items of the IAM resources that carry policies, read into `PolicySubject`s for the SSM
 * access guardrails.
 *
 * - `AWS::IAM::Policy` (customer managed): `policyVersionList` holds every version with its document
 *   URL-encoded; only the default version is in force.
 * - `AWS::IAM::Role` / `User` / `Group`: `rolePolicyList` / `userPolicyList` / `groupPolicyList`
 *   hold the inline policies as `{ policyName, policyDocument }`, documents URL-encoded.
 *
 * Tags arrive twice, as a map at the item's top level and as key/value pairs in the configuration.
 */
import * as z from 'zod';
import { defaultVersionDocument, type PolicySubject, type PolicySubjectKind } from '../core/ssm-access-guardrails';
import type { ConfigurationItem } from '../config-rule/event';
import { itemTags, parseConfiguration, type TagPairs, tagPairsSchema } from './configuration-item';

export const IAM_POLICY_SUBJECT_TYPES = {
  'AWS::IAM::Policy': 'Policy',
  'AWS::IAM::Role': 'Role',
  'AWS::IAM::User': 'User',
  'AWS::IAM::Group': 'Group',
} as const satisfies Record<string, PolicySubjectKind>;

export type IamPolicySubjectType = keyof typeof IAM_POLICY_SUBJECT_TYPES;

export const IAM_POLICY_SUBJECT_RESOURCE_TYPES = Object.keys(IAM_POLICY_SUBJECT_TYPES) as IamPolicySubjectType[];

export class PolicySubjectItemError extends Error {
  override name = 'PolicySubjectItemError';
}

const inlinePolicies = z.array(z.looseObject({ policyName: z.string(), policyDocument: z.unknown() })).nullish();

const managedPolicySchema = z.looseObject({
  policyName: z.string(),
  arn: z.string().optional(),
  defaultVersionId: z.string().nullish(),
  policyVersionList: z.array(
    z.looseObject({ versionId: z.string().nullish(), isDefaultVersion: z.boolean().nullish(), document: z.unknown() }),
  ),
  tags: tagPairsSchema,
});

const inlineHolderSchemas = {
  'AWS::IAM::Role': z.looseObject({ roleName: z.string(), arn: z.string().optional(), rolePolicyList: inlinePolicies, tags: tagPairsSchema }),
  'AWS::IAM::User': z.looseObject({ userName: z.string(), arn: z.string().optional(), userPolicyList: inlinePolicies, tags: tagPairsSchema }),
  'AWS::IAM::Group': z.looseObject({ groupName: z.string(), arn: z.string().optional(), groupPolicyList: inlinePolicies }),
};

export function policySubjectFromItem(item: ConfigurationItem): PolicySubject {
  const type = item.resourceType as IamPolicySubjectType;
  switch (type) {
    case 'AWS::IAM::Policy': {
      const policy = parse(managedPolicySchema, item);
      return {
        kind: 'Policy',
        name: policy.policyName,
        arn: arnOf(item, policy.arn),
        documents: [defaultVersionDocument(policy.policyName, policy.defaultVersionId, policy.policyVersionList)],
        // An item without the tags field has not recorded them: undefined lets the rule fetch them
        // (GetPolicy) before an exemption could decide the verdict. `tags: []` means none.
        tags: tagsRecorded(item, policy.tags) ? itemTags(item, policy.tags) : undefined,
      };
    }
    case 'AWS::IAM::Role': {
      const role = parse(inlineHolderSchemas[type], item);
      return inlineHolder('Role', role.roleName, arnOf(item, role.arn), role.rolePolicyList, itemTags(item, role.tags));
    }
    case 'AWS::IAM::User': {
      const user = parse(inlineHolderSchemas[type], item);
      return inlineHolder('User', user.userName, arnOf(item, user.arn), user.userPolicyList, itemTags(item, user.tags));
    }
    case 'AWS::IAM::Group': {
      const group = parse(inlineHolderSchemas[type], item);
      // IAM groups cannot be tagged; exemption goes by ARN.
      return inlineHolder('Group', group.groupName, arnOf(item, group.arn), group.groupPolicyList, itemTags(item, undefined));
    }
    default:
      throw new PolicySubjectItemError(`${item.resourceType} carries no IAM policies the SSM access guardrails check.`);
  }
}

function inlineHolder(
  kind: PolicySubjectKind,
  name: string,
  arn: string,
  policies: readonly { policyName: string; policyDocument?: unknown }[] | null | undefined,
  tags: Record<string, string> | undefined,
): PolicySubject {
  return {
    kind,
    name,
    arn,
    documents: (policies ?? []).map((p) => ({ name: `inline policy ${p.policyName}`, document: p.policyDocument })),
    tags,
  };
}

function parse<S extends z.ZodType>(schema: S, item: ConfigurationItem): z.infer<S> {
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
