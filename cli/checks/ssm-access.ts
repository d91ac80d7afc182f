/** The SSM access guardrail rule (functions/ssm-access-rule, IAM-SSM-1 and IAM-SSM-2) as a CLI check. */
import { createSsmAccessRule } from '../../functions/ssm-access-rule/rule';
import { DEFAULT_BREAK_GLASS_TAG_KEY } from '../../functions/shared/core/ssm-access-guardrails';
import { IAM_POLICY_SUBJECT_RESOURCE_TYPES } from '../../functions/shared/resources/iam-policy-subject';
import type { Check } from './check';

export const ssmAccessCheck: Check = {
  id: 'ssm-access',
  logicalId: 'SsmAccessRule',
  title:
    'IAM principals and policies run commands and open sessions only on nodes they name or select by tag, with ' +
    'the preferences document, and leave the session controls alone (IAM-SSM-1, IAM-SSM-2, SG-SSM-3, SG-SSM-4)',
  resourceTypes: IAM_POLICY_SUBJECT_RESOURCE_TYPES,
  // Names and stack sources as in template.yaml (SsmAccessRule InputParameters).
  parameters: [
    {
      name: 'BreakGlassTagKey',
      flag: '--break-glass-tag-key <key>',
      description:
        `policies, roles and users tagged <key>=true are break-glass (default: the stack's ` +
        `SsmAccessBreakGlassTagKey parameter, else ${DEFAULT_BREAK_GLASS_TAG_KEY})`,
      fromStack: { parameter: 'SsmAccessBreakGlassTagKey' },
    },
    {
      name: 'BreakGlassArns',
      flag: '--break-glass-arns <arns>',
      description:
        'comma-separated ARNs of break-glass policies, roles, users and ' +
        "groups (default: the stack's SsmAccessBreakGlassArns parameter)",
      fromStack: { parameter: 'SsmAccessBreakGlassArns' },
    },
    {
      name: 'AllowedSessionDocuments',
      flag: '--allowed-session-documents <documents>',
      description:
        'comma-separated session documents (names or ARNs) allowed besides ' +
        "SSM-SessionManagerRunShell (default: the stack's SsmAccessAllowedSessionDocuments parameter)",
      fromStack: { parameter: 'SsmAccessAllowedSessionDocuments' },
    },
    {
      name: 'SessionControlManagerArns',
      flag: '--session-control-manager-arns <arns>',
      description:
        'comma-separated role or user ARNs (`*` and `?` allowed) whose changes to the ' +
        "session controls are expected (default: the stack's SessionControlManagerArns output)",
      fromStack: { output: 'SessionControlManagerArns' },
    },
  ],
  rule: (source) => createSsmAccessRule(source),
  resourceNames: async (source) =>
    new Map((await source.listPolicySubjects()).map(({ resourceId, subject }) => [resourceId, subject.name])),
};
