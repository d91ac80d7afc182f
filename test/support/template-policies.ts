/**
 * Every IAM identity-policy document template.yaml deploys, read the way IAM will see it:
 * intrinsics replaced with representative values and conditional statements taken in every branch,
 * so template checks never skip a statement because it is wrapped in `!If`. Where the documents
 * are is the command line's own knowledge (cli/iac/template-policies.ts).
 */
import { type IntrinsicValues, resolveIntrinsics as resolveWith } from '../../cli/iac/intrinsics';
import { templatePolicies } from '../../cli/iac/template-policies';
import type { AccountHome } from '../../functions/shared/core/ssm-access-guardrails';
import type { Template } from '../../scripts/template';

export const HOME: AccountHome = { partition: 'aws', accountId: '123456789012' };

export const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': HOME.partition,
  'AWS::AccountId': HOME.accountId,
  'AWS::Region': 'us-east-1',
  'AWS::StackName': 'session-guard',
  'AWS::URLSuffix': 'amazonaws.com',
};

export interface FoundDocument {
  readonly where: string;
  readonly document: unknown;
}

/**
 * Replaces intrinsics with representative strings: pseudo parameters with this account's values,
 * `Ref` to a resource or parameter with its name, `GetAtt X.Arn` with an ARN naming X. An intrinsic
 * this does not know fails the test, so no policy is ever skipped silently.
 */
export function resolveIntrinsics(value: unknown, where: string): unknown {
  const values: IntrinsicValues = {
    branch: 1,
    ref: (name) => PSEUDO_PARAMETERS[name] ?? `ref-${name}`,
    getAtt: (logicalId, attribute) =>
      attribute === 'Arn'
        ? `arn:aws:resource:us-east-1:${HOME.accountId}:getatt/${logicalId}`
        : `getatt-${logicalId}-${attribute}`,
    other: (key) => {
      throw new Error(`${where}: ${key} in a policy document; teach this test to resolve it.`);
    },
  };
  return resolveWith(value, values);
}

/** Every identity policy document the template deploys (trust policies are not identity policies). */
export function policyDocuments(template: Template): FoundDocument[] {
  return templatePolicies(template.Resources).map(({ where, written }) => {
    // Managed policy names and SAM policy templates cannot be read here: do not deploy them unread.
    if (!('document' in written))
      throw new Error(`${where} is not an inline policy document; the guardrail check cannot read it.`);
    return { where, document: resolveIntrinsics(written.document, where) };
  });
}
