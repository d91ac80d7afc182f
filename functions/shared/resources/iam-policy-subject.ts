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
import { z } from 'zod';
import { defaultVersionDocument, type PolicySubject, type PolicySubjectKind } from '../core/ssm-access-guardrails';
import type { ConfigurationItem } from '../config-rule/event';
import { describeIssues } from '../core/validation';

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

const tagPairs = z.array(z.looseObject({ key: z.string(), value: z.string().nullish() })).nullish();
const inlinePolicies = z.array(z.looseObject({ policyName: z.string(), policyDocument: z.unknown() })).nullish();

const managedPolicySchema = z.looseObject({
  policyName: z.string(),
  arn: z.string().optional(),
  defaultVersionId: z.string().nullish(),
  policyVersionList: z.array(
    z.looseObject({ versionId: z.string().nullish(), isDefaultVersion: z.boolean().nullish(), document: z.unknown() }),
  ),
  tags: tagPairs,
});

const inlineHolderSchemas = {
  'AWS::IAM::Role': z.looseObject({ roleName: z.string(), arn: z.string().optional(), rolePolicyList: inlinePolicies, tags: tagPairs }),
  'AWS::IAM::User': z.looseObject({ userName: z.string(), arn: z.string().optional(), userPolicyList: inlinePolicies, tags: tagPairs }),
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
        tags: tagsRecorded(item, policy.tags) ? tagsOf(item, policy.tags) : undefined,
      };
    }
    case 'AWS::IAM::Role': {
      const role = parse(inlineHolderSchemas[type], item);
      return inlineHolder('Role', role.roleName, arnOf(item, role.arn), role.rolePolicyList, tagsOf(item, role.tags));
    }
    case 'AWS::IAM::User': {
      const user = parse(inlineHolderSchemas[type], item);
      return inlineHolder('User', user.userName, arnOf(item, user.arn), user.userPolicyList, tagsOf(item, user.tags));
    }
    case 'AWS::IAM::Group': {
      const group = parse(inlineHolderSchemas[type], item);
      // IAM groups cannot be tagged; exemption goes by ARN.
      return inlineHolder('Group', group.groupName, arnOf(item, group.arn), group.groupPolicyList, tagsOf(item, undefined));
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
  const parsed = schema.safeParse(item.configuration);
  if (parsed.success) return parsed.data;
  const problems = describeIssues(parsed.error);
  throw new PolicySubjectItemError(`Configuration item ${item.resourceId} is not a readable ${item.resourceType}: ${problems}`);
}

function arnOf(item: ConfigurationItem, configurationArn: string | undefined): string {
  const arn = item.ARN ?? configurationArn;
  if (!arn) throw new PolicySubjectItemError(`Configuration item ${item.resourceType} ${item.resourceId} has no ARN.`);
  return arn;
}

function tagsRecorded(item: ConfigurationItem, pairs: z.infer<typeof tagPairs>): boolean {
  return Array.isArray(pairs) || Object.keys(item.tags ?? {}).length > 0;
}

function tagsOf(item: ConfigurationItem, pairs: z.infer<typeof tagPairs>): Record<string, string> {
  const tags: Record<string, string> = { ...(item.tags ?? {}) };
  for (const tag of pairs ?? []) tags[tag.key] = tag.value ?? '';
  return tags;
}
