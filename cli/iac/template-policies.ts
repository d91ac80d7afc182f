/**
 * Where a CloudFormation or SAM template keeps IAM identity-policy documents: policy resources, the
 * inline `Policies` of roles, users and groups, and the `Policies` of SAM functions and state
 * machines. Trust policies are not identity policies and are read elsewhere.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html#sam-function-policies
 * https://github.com/awslabs/serverless-application-model/blob/master/docs/policy_templates.rst (names, documents, policy templates)
 */
import { inlinePolicyLabel } from '../../functions/shared/core/policy-subject';
import { isRecord } from '../../functions/shared/core/validation';

export interface TemplateResourceLike {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

/** One identity-policy document as written in the template (intrinsics unresolved). */
export interface TemplatePolicy {
  readonly logicalId: string;
  readonly resourceType: string;
  /** `Role.Policies[ops]`, for messages. */
  readonly where: string;
  /** As annotations name it: `inline policy ops`, `policy Deploy`. */
  readonly name: string;
  /** The document, or a reference to one: a managed policy name or ARN (SAM), a SAM policy template. */
  readonly written:
    | { readonly document: unknown }
    | { readonly managedPolicy: unknown }
    | { readonly unreadable: string };
}

export const POLICY_RESOURCE_TYPES = [
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Policy',
  'AWS::IAM::RolePolicy',
  'AWS::IAM::UserPolicy',
  'AWS::IAM::GroupPolicy',
];
export const PRINCIPAL_RESOURCE_TYPES = ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'];
/** SAM resources whose `Policies` become the inline and managed policies of the role SAM creates. */
export const SAM_ROLE_RESOURCE_TYPES = ['AWS::Serverless::Function', 'AWS::Serverless::StateMachine'];

export function templatePolicies(resources: Readonly<Record<string, TemplateResourceLike>>): TemplatePolicy[] {
  const found: TemplatePolicy[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    const add = (where: string, name: string, written: TemplatePolicy['written']) =>
      found.push({ logicalId, resourceType: resource.Type, where, name, written });
    if (POLICY_RESOURCE_TYPES.includes(resource.Type)) {
      add(logicalId, `policy ${logicalId}`, { document: props.PolicyDocument });
    } else if (PRINCIPAL_RESOURCE_TYPES.includes(resource.Type)) {
      for (const [i, policy] of listOf(props.Policies).entries()) {
        const { PolicyName, PolicyDocument } = (policy ?? {}) as { PolicyName?: unknown; PolicyDocument?: unknown };
        const label = typeof PolicyName === 'string' ? PolicyName : String(i);
        add(`${logicalId}.Policies[${label}]`, inlinePolicyLabel(label), { document: PolicyDocument });
      }
    } else if (SAM_ROLE_RESOURCE_TYPES.includes(resource.Type)) {
      for (const [i, policy] of listOf(props.Policies).entries()) {
        const where = `${logicalId}.Policies[${i}]`;
        if (typeof policy === 'string' || isIntrinsic(policy))
          add(where, `managed policy ${typeof policy === 'string' ? policy : where}`, { managedPolicy: policy });
        else if (typeof policy === 'object' && policy !== null && 'Statement' in policy)
          add(where, inlinePolicyLabel(where), { document: policy });
        else {
          const template = typeof policy === 'object' && policy !== null ? Object.keys(policy)[0] : String(policy);
          add(where, `SAM policy template ${template}`, {
            unreadable:
              `SAM policy template ${template} is expanded by SAM at ` +
              'deployment; write the statements out to have them checked',
          });
        }
      }
    }
  }
  return found;
}

/** A value written as one item or a list (SAM `Policies`, `Roles`). */
export const listOf = (value: unknown): unknown[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

export const isIntrinsic = (value: unknown): boolean =>
  isRecord(value) && Object.keys(value).length === 1 && /^(Ref|Fn::)/.test(Object.keys(value)[0]!);
