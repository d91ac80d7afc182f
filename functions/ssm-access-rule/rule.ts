/**
 * The SSM access guardrail rule (IAM-SSM-1 ssm:SendCommand, IAM-SSM-2 ssm:StartSession): no
 * customer managed policy, and no inline policy of a role, user or group, lets its holder run
 * commands on or open sessions into every instance without a resource-tag condition. The decision
 * lives in core/ssm-access-guardrails; this file says where the policies come from.
 */
import * as z from 'zod';
import {
  DEFAULT_BREAK_GLASS_TAG_KEY,
  evaluateSsmAccess,
  findSubjectFindings,
  needsTagsToDecide,
  type PolicySubject,
  type SsmAccessExemptions,
} from '../shared/core/ssm-access-guardrails';
import { listOf, parseRuleParameters } from '../shared/config-rule/parameters';
import type { ConfigRule, ResourceVerdict } from '../shared/config-rule/rule';
import { IAM_POLICY_SUBJECT_RESOURCE_TYPES, policySubjectFromItem } from '../shared/resources/iam-policy-subject';
import type { IdentifiedPolicySubject, PolicySummary } from '../shared/adapters/iam';

/** A customer managed policy, role, user or group ARN in any partition. */
const breakGlassArn = z
  .string()
  .trim()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:(policy|role|user|group)\/(.+\/)?[\w+=,.@-]+$/,
    'must be the ARN of an IAM policy, role, user or group, such as arn:aws:iam::123456789012:role/BreakGlass',
  );

export const ssmAccessParametersSchema = z
  .object({
    BreakGlassTagKey: z.string().trim().max(128).optional(),
    BreakGlassArns: listOf(breakGlassArn).optional(),
  })
  .transform(
    (p): SsmAccessExemptions => ({
      breakGlassTagKey: p.BreakGlassTagKey || DEFAULT_BREAK_GLASS_TAG_KEY,
      breakGlassArns: p.BreakGlassArns ?? [],
    }),
  );

export interface SsmAccessRuleSources {
  /** Every customer managed policy, role, user and group (GetAccountAuthorizationDetails). */
  listPolicySubjects(): Promise<readonly IdentifiedPolicySubject[]>;
  /** A customer managed policy's tags, which the account-wide listing leaves out (GetPolicy). */
  getPolicySummary(policyArn: string): Promise<PolicySummary>;
}

export function createSsmAccessRule(sources: SsmAccessRuleSources): ConfigRule<SsmAccessExemptions> {
  /** Tags are fetched only for the few policies whose verdict could turn on an exemption. */
  const evaluate = async (subject: PolicySubject, exemptions: SsmAccessExemptions) => {
    // Tags change no finding, only whether one is exempt: the documents are analysed once.
    const findings = findSubjectFindings(subject);
    const decided = needsTagsToDecide(subject, exemptions, findings) ? { ...subject, tags: (await sources.getPolicySummary(subject.arn)).tags } : subject;
    return evaluateSsmAccess(decided, exemptions, findings);
  };
  return {
    name: 'session-guard SSM access guardrail rule',
    resourceTypes: IAM_POLICY_SUBJECT_RESOURCE_TYPES,
    parseParameters: (raw) => parseRuleParameters(ssmAccessParametersSchema, raw),
    evaluateItem: (item, exemptions) => evaluate(policySubjectFromItem(item), exemptions),
    async sweep(exemptions) {
      const verdicts: ResourceVerdict[] = [];
      for (const { resourceType, resourceId, subject } of await sources.listPolicySubjects()) {
        verdicts.push({ resourceType, resourceId, ...(await evaluate(subject, exemptions)) });
      }
      return verdicts;
    },
  };
}
