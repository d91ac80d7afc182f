/**
 * Every IAM identity-policy document template.yaml deploys, read the way IAM will see it:
 * intrinsics replaced with representative values and conditional statements taken in every branch,
 * so template checks never skip a statement because it is wrapped in `!If`.
 */
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
  // A conditional list entry (`!If [cond, statement, !Ref AWS::NoValue]`) is checked in every branch.
  if (Array.isArray(value)) return value.flatMap((v) => conditionalBranches(v)).map((v) => resolveIntrinsics(v, where));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [key, argument] = entries[0]!;
    if (key === 'Ref') return PSEUDO_PARAMETERS[String(argument)] ?? `ref-${String(argument)}`;
    if (key === 'Fn::GetAtt') {
      const [logicalId, attribute] = argument as [string, string];
      return attribute === 'Arn' ? `arn:aws:resource:us-east-1:${HOME.accountId}:getatt/${logicalId}` : `getatt-${logicalId}-${attribute}`;
    }
    if (key === 'Fn::Sub') {
      const [text, variables = {}] = (Array.isArray(argument) ? argument : [argument]) as [string, Record<string, unknown>?];
      return text.replace(/\$\{([^}]+)\}/g, (_, name: string) =>
        name in variables ? String(resolveIntrinsics(variables[name], where)) : (PSEUDO_PARAMETERS[name] ?? `sub-${name.replace('.', '-')}`),
      );
    }
    if (key === 'Fn::Join') {
      const [separator, parts] = argument as [string, unknown[]];
      return parts.map((p) => String(resolveIntrinsics(p, where))).join(separator);
    }
    if (key === 'Fn::If') return resolveIntrinsics((argument as unknown[])[1], where);
    if (key.startsWith('Fn::')) throw new Error(`${where}: ${key} in a policy document; teach this test to resolve it.`);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, where)]));
}

function conditionalBranches(value: unknown): unknown[] {
  if (typeof value !== 'object' || value === null || !('Fn::If' in value)) return [value];
  const [, whenTrue, whenFalse] = (value as { 'Fn::If': unknown[] })['Fn::If'];
  const isNoValue = (v: unknown) => typeof v === 'object' && v !== null && (v as { Ref?: unknown }).Ref === 'AWS::NoValue';
  return [whenTrue, whenFalse].flatMap((branch) => (isNoValue(branch) ? [] : conditionalBranches(branch)));
}

/** Every identity policy document the template deploys (trust policies are not identity policies). */
export function policyDocuments(template: Template): FoundDocument[] {
  const found: FoundDocument[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    const add = (document: unknown, where: string) => found.push({ where, document: resolveIntrinsics(document, where) });
    switch (resource.Type) {
      case 'AWS::IAM::ManagedPolicy':
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::RolePolicy':
      case 'AWS::IAM::UserPolicy':
      case 'AWS::IAM::GroupPolicy':
        add(props.PolicyDocument, logicalId);
        break;
      case 'AWS::IAM::Role':
      case 'AWS::IAM::User':
      case 'AWS::IAM::Group':
        for (const [i, policy] of ((props.Policies ?? []) as { PolicyName?: string; PolicyDocument: unknown }[]).entries()) {
          add(policy.PolicyDocument, `${logicalId}.Policies[${policy.PolicyName ?? i}]`);
        }
        break;
      case 'AWS::Serverless::Function':
      case 'AWS::Serverless::StateMachine': {
        const policies = props.Policies === undefined ? [] : Array.isArray(props.Policies) ? props.Policies : [props.Policies];
        for (const [i, policy] of policies.entries()) {
          const where = `${logicalId}.Policies[${i}]`;
          // Managed policy names and SAM policy templates cannot be read here: do not deploy them unread.
          if (typeof policy !== 'object' || policy === null || !('Statement' in policy)) {
            throw new Error(`${where} is not an inline policy document; the guardrail check cannot read it.`);
          }
          add(policy, where);
        }
        break;
      }
    }
  }
  return found;
}

