/**
 * The SSM access guardrail rule: no customer managed policy, role, user or group may run commands
 * on or open sessions into managed nodes its policies do not name (IAM-SSM-1, IAM-SSM-2), start
 * sessions with other session documents than the preferences (SG-SSM-3), or change the session
 * controls (SG-SSM-4), judged on every policy in force for it. The decision
 * lives in core/ssm-access-guardrails; this file says where the policies come from.
 */
import * as z from '../shared/core/zod';
import {
  DEFAULT_BREAK_GLASS_TAG_KEY,
  evaluateSsmAccess,
  findSubjectFindings,
  needsTagsToDecide,
  type SsmAccessExemptions,
} from '../shared/core/ssm-access-guardrails';
import {
  assembleSubject,
  type GroupPolicies,
  type NamedPolicyDocument,
  type PolicySubject,
  type PolicySubjectParts,
  referencedPolicyArns,
} from '../shared/core/policy-subject';
import { listOf, parseRuleParameters } from '../shared/config-rule/parameters';
import type { ConfigRule, ResourceVerdict } from '../shared/config-rule/rule';
import {
  IAM_POLICY_SUBJECT_RESOURCE_TYPES,
  type IamPolicySubjectType,
  policySubjectFromItem,
} from '../shared/resources/iam-policy-subject';

/** A customer managed policy, role, user or group ARN in any partition. */
const breakGlassArn = z
  .string()
  .check(
    z.trim(),
    z.regex(
      /^arn:aws[a-z-]*:iam::\d{12}:(policy|role|user|group)\/(.+\/)?[\w+=,.@-]+$/,
      'must be the ARN of an IAM policy, role, user or group, such as arn:aws:iam::123456789012:role/BreakGlass',
    ),
  );

/** A session document by name (`MyTeamShell`) or, for one region only, by ARN. */
const sessionDocument = z
  .string()
  .check(
    z.trim(),
    z.regex(
      /^([a-zA-Z0-9_.-]{3,128}|arn:aws[a-z-]*:ssm:[a-z0-9-]+:(\d{12})?:document\/[a-zA-Z0-9_.-]{3,128})$/,
      'must be a session document name such as TeamShell, or its ARN such as ' +
        'arn:aws:ssm:us-east-1:123456789012:document/TeamShell',
    ),
  );

/** A role or user ARN in any partition; `*` and `?` match as in IAM (a path of roles: `role/team/*`). */
const principalArn = z
  .string()
  .check(
    z.trim(),
    z.regex(
      /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/*?-]+$/,
      'must be the ARN of an IAM role or user, such as ' +
        'arn:aws:iam::123456789012:role/session-guard/session-preferences/*',
    ),
  );

export const ssmAccessParametersSchema = z.pipe(
  z.object({
    BreakGlassTagKey: z.optional(z.string().check(z.trim(), z.maxLength(128))),
    BreakGlassArns: z.optional(listOf(breakGlassArn)),
    AllowedSessionDocuments: z.optional(listOf(sessionDocument)),
    SessionControlManagerArns: z.optional(listOf(principalArn)),
  }),
  z.transform(
    (p): SsmAccessExemptions => ({
      breakGlassTagKey: p.BreakGlassTagKey || DEFAULT_BREAK_GLASS_TAG_KEY,
      breakGlassArns: p.BreakGlassArns ?? [],
      allowedSessionDocuments: p.AllowedSessionDocuments ?? [],
      sessionControlManagerArns: p.SessionControlManagerArns ?? [],
    }),
  ),
);

/** A policy subject with the type and ID AWS Config knows it by. */
export interface IdentifiedPolicySubject {
  readonly resourceType: IamPolicySubjectType;
  /** PolicyId (ANPA...), RoleId (AROA...), UserId (AIDA...) or GroupId (AGPA...). */
  readonly resourceId: string;
  readonly subject: PolicySubject;
}

export interface PolicySummary {
  readonly policyId: string;
  readonly tags: Record<string, string>;
}

export interface SsmAccessRuleSources {
  /** Every customer managed policy, role, user and group with its policies (GetAccountAuthorizationDetails). */
  listPolicySubjects(): Promise<readonly IdentifiedPolicySubject[]>;
  /** A customer managed policy's tags, which the account-wide listing leaves out (GetPolicy). */
  getPolicySummary(policyArn: string): Promise<PolicySummary>;
  /** A managed policy's default version (GetPolicy, GetPolicyVersion); undefined when there is none. */
  getManagedPolicyDocument(policyArn: string): Promise<NamedPolicyDocument | undefined>;
  /** Every group's policies, for a user's groups (GetAccountAuthorizationDetails, filter Group). */
  listGroupPolicies(): Promise<readonly GroupPolicies[]>;
}

export function createSsmAccessRule(sources: SsmAccessRuleSources): ConfigRule<SsmAccessExemptions> {
  /** Tags are fetched only for the few policies whose verdict could turn on an exemption. */
  const evaluate = async (subject: PolicySubject, exemptions: SsmAccessExemptions) => {
    // Tags change no finding, only whether one is exempt: the documents are analysed once.
    const findings = findSubjectFindings(subject, exemptions);
    const decided = needsTagsToDecide(subject, exemptions, findings)
      ? { ...subject, tags: (await sources.getPolicySummary(subject.arn)).tags }
      : subject;
    return evaluateSsmAccess(decided, exemptions, findings);
  };
  return {
    name: 'session-guard SSM access guardrail rule',
    resourceTypes: IAM_POLICY_SUBJECT_RESOURCE_TYPES,
    parseParameters: (raw) => parseRuleParameters(ssmAccessParametersSchema, raw),
    evaluateItem: async (item, exemptions) =>
      evaluate(await withReferencedPolicies(policySubjectFromItem(item), sources), exemptions),
    async sweep(exemptions) {
      const verdicts: ResourceVerdict[] = [];
      for (const { resourceType, resourceId, subject } of await sources.listPolicySubjects()) {
        verdicts.push({ resourceType, resourceId, ...(await evaluate(subject, exemptions)) });
      }
      return verdicts;
    },
  };
}

/**
 * A changed item names its attached policies, boundary and groups only; read what they hold. Each
 * managed policy is read once (two calls), and a user's groups with one listing, so a change
 * makes a bounded number of calls: IAM caps attached policies, groups per user and groups per
 * account.
 */
async function withReferencedPolicies(
  parts: PolicySubjectParts,
  sources: SsmAccessRuleSources,
): Promise<PolicySubject> {
  const groups =
    parts.groupNames.length > 0
      ? (await sources.listGroupPolicies()).filter((g) => parts.groupNames.includes(g.name))
      : [];
  const documents = new Map<string, NamedPolicyDocument>();
  for (const arn of referencedPolicyArns(parts, groups)) {
    const document = await sources.getManagedPolicyDocument(arn);
    if (document) documents.set(arn, document);
  }
  return assembleSubject(parts, {
    managedPolicy: (arn) => documents.get(arn),
    group: (name) => groups.find((g) => g.name === name),
  });
}
