/** The SSM access guardrail rule (functions/ssm-access-rule, IAM-SSM-1 and IAM-SSM-2) as a CLI check. */
import { createSsmAccessRule } from '../../functions/ssm-access-rule/rule';
import { IAM_POLICY_SUBJECT_RESOURCE_TYPES } from '../../functions/shared/resources/iam-policy-subject';
import type { Check } from './check';

export const ssmAccessCheck: Check = {
  id: 'ssm-access',
  logicalId: 'SsmAccessRule',
  title: 'IAM principals and policies run commands and open sessions only on managed nodes they name or select by tag (IAM-SSM-1, IAM-SSM-2)',
  resourceTypes: IAM_POLICY_SUBJECT_RESOURCE_TYPES,
  // Names and stack sources as in template.yaml (SsmAccessRule InputParameters).
  parameters: [
    {
      name: 'BreakGlassTagKey',
      flag: '--break-glass-tag-key <key>',
      description: "policies, roles and users tagged <key>=true are break-glass (default: the stack's SsmAccessBreakGlassTagKey parameter, else SessionGuardBreakGlass)",
      fromStack: { parameter: 'SsmAccessBreakGlassTagKey' },
    },
    {
      name: 'BreakGlassArns',
      flag: '--break-glass-arns <arns>',
      description: "comma-separated ARNs of break-glass policies, roles, users and groups (default: the stack's SsmAccessBreakGlassArns parameter)",
      fromStack: { parameter: 'SsmAccessBreakGlassArns' },
    },
  ],
  rule: (source) => createSsmAccessRule(source),
  resourceNames: async (source) => new Map((await source.listPolicySubjects()).map(({ resourceId, subject }) => [resourceId, subject.name])),
};
