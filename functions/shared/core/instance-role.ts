/**
 * Why a role is COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE for the instance-role rule.
 *
 * Every IAM role that runs Session Manager sessions must have the Session Manager instance policy
 * attached, matched by ARN: roles EC2 can assume that sit in an instance profile, and the roles
 * Systems Manager hands to nodes without one (the DHMC role of a region, the role of a hybrid
 * activation or hybrid node; see session-node-roles.ts), which Systems Manager must be able to
 * assume. Everything the rule knows about a role arrives here as `RoleFacts` and its node uses,
 * whether it came from a Config item, from GetAccountAuthorizationDetails, or from live IAM during
 * remediation: the decision is made in one place.
 */
import { nameInArn } from './arn';
import { compliant, nonCompliant, notApplicable, type Verdict } from './compliance';
import { parsePolicyDocument, PolicyDocumentError, statementCoversAction } from './policy-document';
import { describeNodeRoleUses, type NodeRoleUse } from './session-node-roles';
import { isTaggedTrue } from './tags';
import { ec2CanAssume, ssmCanAssume } from './trust-policy';

export interface RoleFacts {
  readonly roleId: string;
  readonly roleName: string;
  readonly path: string;
  /** The trust policy as delivered: URL-encoded text, JSON text, or an object. */
  readonly assumeRolePolicyDocument: unknown;
  readonly instanceProfileNames: readonly string[];
  readonly attachedPolicyArns: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  /** The inline policies' documents, when the source lists them (Config items and the sweep do). */
  readonly inlinePolicyDocuments?: readonly unknown[];
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
  | { readonly eligible: true /** Why the role runs sessions, for the annotation. */; readonly scope: string }
  | { readonly eligible: false; readonly reason: string };

/**
 * Whether the rule applies to the role at all. Remediation asks the same question of live IAM
 * before it changes anything, so both paths share this function. `nodeUses` are the role's uses
 * as a DHMC, activation or hybrid-node role (none for most roles).
 */
export function instanceRoleEligibility(
  role: RoleFacts,
  policy: InstanceRolePolicy,
  nodeUses: readonly NodeRoleUse[] = [],
): RoleEligibility {
  const notEligible = (reason: string): RoleEligibility => ({
    eligible: false,
    reason: `Role ${role.roleName} ${reason}`,
  });
  const outOfScope = outOfScopeWhateverItsUse(role, policy);
  if (outOfScope) return notEligible(outOfScope);
  const inProfile = role.instanceProfileNames.length > 0;
  if (!inProfile && nodeUses.length === 0) {
    return notEligible(
      'is in no instance profile and is no DHMC, activation or hybrid-node role, so no node can use it.',
    );
  }
  // Parse last: a role out of scope for the reasons above needs no trust analysis. A trust policy
  // we cannot read is doubt, and doubt keeps the role in scope.
  const trustPolicy = parsePolicyDocument(role.assumeRolePolicyDocument);
  const scope: string[] = [];
  const refusals: string[] = [];
  if (inProfile) {
    if (ec2CanAssume(trustPolicy)) scope.push(`instance profile ${role.instanceProfileNames.join(', ')}`);
    else refusals.push('cannot be assumed by EC2 (its trust policy allows no ec2.amazonaws.com sts:AssumeRole)');
  }
  if (nodeUses.length > 0) {
    const uses = describeNodeRoleUses(nodeUses);
    if (ssmCanAssume(trustPolicy)) scope.push(uses);
    else
      refusals.push(
        `is named as ${uses}, but Systems Manager cannot use it (its ` +
          'trust policy allows no ssm.amazonaws.com sts:AssumeRole)',
      );
  }
  return scope.length > 0 ? { eligible: true, scope: scope.join('; ') } : notEligible(`${refusals.join('; it ')}.`);
}

/** Why no use of the role puts it in scope (service-linked, or exempt by its tag), if so. */
function outOfScopeWhateverItsUse(role: RoleFacts, policy: InstanceRolePolicy): string | undefined {
  if (role.path.startsWith(SERVICE_LINKED_PATH_PREFIX)) return 'is service-linked; AWS manages its policies.';
  if (isTaggedTrue(role.tags, policy.exemptionTagKey)) return `is exempt by its tag ${policy.exemptionTagKey}=true.`;
  return undefined;
}

/**
 * Whether the role could be a DHMC, activation or hybrid-node role, so that its node uses are
 * worth looking up (a read of every region): Systems Manager must be able to assume it. A trust
 * policy we cannot read may allow it.
 */
export function mayServeManagedNodes(role: RoleFacts, policy: InstanceRolePolicy): boolean {
  if (outOfScopeWhateverItsUse(role, policy)) return false;
  try {
    return ssmCanAssume(parsePolicyDocument(role.assumeRolePolicyDocument));
  } catch (error) {
    if (error instanceof PolicyDocumentError) return true;
    throw error;
  }
}

export function evaluateInstanceRole(
  role: RoleFacts,
  policy: InstanceRolePolicy,
  nodeUses: readonly NodeRoleUse[] = [],
): Verdict {
  let eligibility: RoleEligibility;
  try {
    eligibility = instanceRoleEligibility(role, policy, nodeUses);
  } catch (error) {
    if (!(error instanceof PolicyDocumentError)) throw error;
    return nonCompliant(
      `Role ${role.roleName}: its trust policy could not be read ` +
        `(${error.message}); review it, then attach ${policy.policyArn}.`,
    );
  }
  if (!eligibility.eligible) return notApplicable(eligibility.reason);

  const accepted = acceptedPolicyArns(policy);
  const carried = role.attachedPolicyArns.find((arn) => accepted.has(arn));
  const withoutCoreAccess = lacksCoreAccess(role, policy.policyArn);
  if (carried) {
    // The policy's name, not its ARN: the room is for what the role's nodes still need.
    const note = withoutCoreAccess ? ` ${coreAccessNote(nodeUses)}` : '';
    return compliant(`Role ${role.roleName} (${eligibility.scope}) has ${nameInArn(carried)} attached.${note}`);
  }
  // Role and policy first: when a long scope is clipped, what to do survives.
  const note = withoutCoreAccess ? ' It lacks ssm:UpdateInstanceInformation too.' : '';
  return nonCompliant(
    `Role ${role.roleName} lacks the Session Manager policy: attach ` +
      `${policy.policyArn}. ${capitalized(eligibility.scope)}.${note}`,
  );
}

/**
 * The instance policy grants no core Systems Manager access (see template.yaml), so a role whose
 * only managed policy is the instance policy, and whose inline policies do not allow
 * ssm:UpdateInstanceInformation, certainly lacks it. Any other attached policy (an accepted
 * alternative included) may grant it: then nothing is claimed.
 */
function lacksCoreAccess(role: RoleFacts, instancePolicyArn: string): boolean {
  if (role.inlinePolicyDocuments === undefined || role.attachedPolicyArns.some((arn) => arn !== instancePolicyArn))
    return false;
  try {
    return !role.inlinePolicyDocuments.some((document) =>
      parsePolicyDocument(document).statements.some(
        (s) => s.effect === 'Allow' && statementCoversAction(s, 'ssm:UpdateInstanceInformation'),
      ),
    );
  } catch (error) {
    if (error instanceof PolicyDocumentError) return false;
    throw error;
  }
}

/**
 * What the missing access means for the role's nodes. The SSM Agent on EC2 uses instance-profile
 * credentials only when they may call ssm:UpdateInstanceInformation, and DHMC credentials
 * otherwise; DHMC and hybrid roles have no fallback.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-technical-details.html
 */
function coreAccessNote(nodeUses: readonly NodeRoleUse[]): string {
  if (nodeUses.length === 0) return 'Lacks ssm:UpdateInstanceInformation: its instances run under DHMC or unmanaged.';
  const corePolicy = nodeUses.some((u) => u.kind === 'dhmc')
    ? 'AmazonSSMManagedEC2InstanceDefaultPolicy'
    : 'AmazonSSMManagedInstanceCore';
  return `Lacks ssm:UpdateInstanceInformation: nodes need ${corePolicy} to register.`;
}

/** ARNs compare exactly: a same-named policy at another path or in another account does not count. */
function acceptedPolicyArns(policy: InstanceRolePolicy): Set<string> {
  return new Set([policy.policyArn, ...policy.alternativePolicyArns]);
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
