/**
 * Why a role is COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE for the instance-role rule.
 *
 * Every IAM role that EC2 can assume and that sits in an instance profile must have the Session
 * Manager instance policy attached, matched by ARN. Everything the rule knows about a role arrives
 * here as `RoleFacts`, whether it came from a Config item, from GetAccountAuthorizationDetails, or
 * from live IAM during remediation: the decision is made in one place.
 */
import { compliant, nonCompliant, notApplicable, type Verdict } from './compliance';
import { parsePolicyDocument, PolicyDocumentError } from './policy-document';
import { ec2CanAssume } from './trust-policy';

export interface RoleFacts {
  readonly roleId: string;
  readonly roleName: string;
  readonly path: string;
  /** The trust policy as delivered: URL-encoded text, JSON text, or an object. */
  readonly assumeRolePolicyDocument: unknown;
  readonly instanceProfileNames: readonly string[];
  readonly attachedPolicyArns: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

export interface InstanceRolePolicy {
  /** The Session Manager instance policy every instance role must carry. */
  readonly policyArn: string;
  /** Other policies accepted in its place (for example an organization-wide copy). */
  readonly alternativePolicyArns: readonly string[];
  /** A role tagged `<exemptionTagKey>=true` is out of scope. */
  readonly exemptionTagKey: string;
}

export const DEFAULT_EXEMPTION_TAG_KEY = 'SessionManagerExempt';

const SERVICE_LINKED_PATH_PREFIX = '/aws-service-role/';

export type RoleEligibility =
  | { readonly eligible: true }
  | { readonly eligible: false; readonly reason: string };

/**
 * Whether the rule applies to the role at all. Remediation asks the same question of live IAM
 * before it changes anything, so both paths share this function.
 */
export function instanceRoleEligibility(role: RoleFacts, policy: InstanceRolePolicy): RoleEligibility {
  if (role.path.startsWith(SERVICE_LINKED_PATH_PREFIX)) {
    return { eligible: false, reason: `Role ${role.roleName} is service-linked; AWS manages its policies.` };
  }
  if (isExempt(role, policy.exemptionTagKey)) {
    return { eligible: false, reason: `Role ${role.roleName} is exempt by its tag ${policy.exemptionTagKey}=true.` };
  }
  if (role.instanceProfileNames.length === 0) {
    return { eligible: false, reason: `Role ${role.roleName} is in no instance profile, so no instance can use it.` };
  }
  // Parse last: a role out of scope for the reasons above needs no trust analysis. A trust policy
  // we cannot read is doubt, and doubt keeps the role in scope.
  const trustPolicy = parsePolicyDocument(role.assumeRolePolicyDocument);
  if (!ec2CanAssume(trustPolicy)) {
    return { eligible: false, reason: `Role ${role.roleName} cannot be assumed by EC2 (its trust policy allows no ec2.amazonaws.com sts:AssumeRole).` };
  }
  return { eligible: true };
}

export function evaluateInstanceRole(role: RoleFacts, policy: InstanceRolePolicy): Verdict {
  let eligibility: RoleEligibility;
  try {
    eligibility = instanceRoleEligibility(role, policy);
  } catch (error) {
    if (!(error instanceof PolicyDocumentError)) throw error;
    return nonCompliant(`Role ${role.roleName}: its trust policy could not be read (${error.message}); review it, then attach ${policy.policyArn}.`);
  }
  if (!eligibility.eligible) return notApplicable(eligibility.reason);

  const accepted = acceptedPolicyArns(policy);
  const carried = role.attachedPolicyArns.find((arn) => accepted.has(arn));
  const profiles = role.instanceProfileNames.join(', ');
  if (carried) {
    return compliant(`Role ${role.roleName} (instance profile ${profiles}) has ${carried} attached.`);
  }
  // Role and policy first: when a long profile list is clipped, what to do survives.
  return nonCompliant(
    `Role ${role.roleName} lacks the Session Manager policy: attach ${policy.policyArn}. Instance profile: ${profiles}.`,
  );
}

/** ARNs compare exactly: a same-named policy at another path or in another account does not count. */
function acceptedPolicyArns(policy: InstanceRolePolicy): Set<string> {
  return new Set([policy.policyArn, ...policy.alternativePolicyArns]);
}

function isExempt(role: RoleFacts, tagKey: string): boolean {
  const value = Object.entries(role.tags).find(([key]) => key === tagKey)?.[1];
  return value?.trim().toLowerCase() === 'true';
}
