/**
 * Remediation of one role the instance-role rule found lacking (an EC2 instance role, or a DHMC,
 * activation or hybrid-node role): find the role Config named by its ID, re-check against live
 * IAM and Systems Manager that the rule still applies to it, attach the Session Manager instance
 * policy, and prove the attachment before reporting success. Any doubt ends in an error, never in
 * "done".
 */
import { nodeUsesOf, type InstanceRoleRuleSources } from '../instance-role-rule/rule';
import { instanceRoleEligibility, type RoleFacts } from '../shared/core/instance-role';
import { PolicyDocumentError } from '../shared/core/policy-document';
import { InputError, SessionGuardError } from '../shared/errors';

export type RemediationAction = 'attached' | 'already-attached' | 'skipped-not-eligible';

export interface RemediationRequest {
  /** The RoleId (AROA...) Config passes as RESOURCE_ID. */
  readonly roleId: string;
  readonly policyArn: string;
}

export interface RemediationOutcome {
  readonly roleName: string;
  readonly action: RemediationAction;
  /** Why an ineligible role was left alone. */
  readonly reason?: string;
  readonly policyArn: string;
}

/** No role has the ID, or the role was deleted while it was being remediated. */
export class RoleNotFoundError extends SessionGuardError {
  override name = 'RoleNotFoundError';
}

/** The policy to attach does not exist (IAM answers NoSuchEntity for it). */
export class PolicyNotFoundError extends SessionGuardError {
  override name = 'PolicyNotFoundError';
}

/** The role holds as many managed policies as its quota allows; `attachPolicy` throws it. */
export class ManagedPolicyQuotaError extends SessionGuardError {
  override name = 'ManagedPolicyQuotaError';
}

/** Where remediation reads and writes; the SDK adapters implement it. */
export interface RemediationSources extends Pick<InstanceRoleRuleSources, 'listNodeRoles'> {
  /**
   * A cheap hint for the role's name (AWS Config's record in the Lambda, the scan in the CLI), or
   * undefined. It is verified: the role read by that name must still have this RoleId.
   */
  knownRoleName(roleId: string): Promise<string | undefined>;
  /** The role's name from a paged listing of IAM roles, or undefined: the slow, certain way. */
  findRoleName(roleId: string): Promise<string | undefined>;
  readRoleFacts(roleName: string): Promise<RoleFacts>;
  attachPolicy(roleName: string, policyArn: string): Promise<void>;
  listAttachedPolicyArns(roleName: string): Promise<readonly string[]>;
}

export interface RemediationOptions {
  /** The rule's ExemptionTagKey: a role tagged `<key>=true` is left alone. */
  readonly exemptionTagKey: string;
  /** The rule's NodeRoleRegions: where DHMC and hybrid roles are looked up; empty or unset: every enabled region. */
  readonly nodeRoleRegions?: readonly string[];
  /** Reads of the attached policies before giving up on IAM's eventual consistency. */
  readonly verifyAttempts?: number;
  /** The first pause between reads; it doubles after each. */
  readonly verifyFirstDelayMs?: number;
  /** Waits between those reads (a timer in production, nothing in tests). */
  readonly sleep: (ms: number) => Promise<void>;
}

export class AttachNotVerifiedError extends SessionGuardError {
  override name = 'AttachNotVerifiedError';
}

export class TrustPolicyUnreadableError extends InputError {
  override name = 'TrustPolicyUnreadableError';
}

const DEFAULT_VERIFY_ATTEMPTS = 6;
const DEFAULT_VERIFY_FIRST_DELAY_MS = 500;

export class InstanceRoleRemediation {
  private readonly verifyAttempts: number;
  private readonly verifyFirstDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly sources: RemediationSources,
    private readonly options: RemediationOptions,
  ) {
    this.verifyAttempts = options.verifyAttempts ?? DEFAULT_VERIFY_ATTEMPTS;
    this.verifyFirstDelayMs = options.verifyFirstDelayMs ?? DEFAULT_VERIFY_FIRST_DELAY_MS;
    this.sleep = options.sleep;
  }

  async remediate({ roleId, policyArn }: RemediationRequest): Promise<RemediationOutcome> {
    const role = await this.findRole(roleId);
    const ineligibleReason = await this.ineligibleReason(role, policyArn);
    if (ineligibleReason) {
      return { roleName: role.roleName, action: 'skipped-not-eligible', reason: ineligibleReason, policyArn };
    }

    let action: RemediationAction = role.attachedPolicyArns.includes(policyArn) ? 'already-attached' : 'attached';
    if (action === 'attached') action = await this.attach(role.roleName, policyArn);
    await this.verifyAttached(role.roleName, policyArn);
    return { roleName: role.roleName, action, policyArn };
  }

  /** Config first (one call), then a listing of every role; the ID must still name the same role. */
  private async findRole(roleId: string): Promise<RoleFacts> {
    const roleName = (await this.sources.knownRoleName(roleId)) ?? (await this.sources.findRoleName(roleId));
    if (!roleName) {
      throw new RoleNotFoundError(
        `No IAM role has ID ${roleId}: neither AWS Config nor IAM knows it. It was ` +
          'probably deleted; Config marks it NOT_APPLICABLE once it records the deletion.',
      );
    }
    const role = await this.sources.readRoleFacts(roleName);
    if (role.roleId !== roleId) {
      // Config remembers the name of a deleted role; a new role may carry that name since.
      throw new RoleNotFoundError(
        `Role ${roleId} no longer exists: its name ${roleName} now belongs ` +
          `to another role (${role.roleId}), which Config evaluates separately.`,
      );
    }
    return role;
  }

  /**
   * The rule's own eligibility question, asked of live IAM and Systems Manager: the role, or the
   * DHMC setting and activations naming it, may have changed since it was evaluated.
   */
  private async ineligibleReason(role: RoleFacts, policyArn: string): Promise<string | undefined> {
    // Alternatives matter for compliance, not for eligibility: remediation attaches policyArn.
    const params = {
      policyArn,
      alternativePolicyArns: [],
      exemptionTagKey: this.options.exemptionTagKey,
      nodeRoleRegions: this.options.nodeRoleRegions ?? [],
    };
    const uses = await nodeUsesOf(role, params, this.sources);
    try {
      const eligibility = instanceRoleEligibility(role, params, uses);
      return eligibility.eligible ? undefined : eligibility.reason;
    } catch (error) {
      if (!(error instanceof PolicyDocumentError)) throw error;
      throw new TrustPolicyUnreadableError(
        `Role ${role.roleName}: its trust policy could not be read (${error.message}), so it is not changed. ` +
          `Review the trust policy, then attach ${policyArn} by hand if its nodes should use the role.`,
        [{ where: `trust policy of role ${role.roleName}`, problem: error.message }],
        { cause: error },
      );
    }
  }

  private async attach(roleName: string, policyArn: string): Promise<RemediationAction> {
    try {
      await this.sources.attachPolicy(roleName, policyArn);
      return 'attached';
    } catch (error) {
      // A concurrent execution may have attached the policy and filled the last slot meanwhile.
      if (
        error instanceof ManagedPolicyQuotaError &&
        (await this.sources.listAttachedPolicyArns(roleName)).includes(policyArn)
      ) {
        return 'already-attached';
      }
      throw error;
    }
  }

  /** IAM is eventually consistent: read back the attachment a bounded number of times. */
  private async verifyAttached(roleName: string, policyArn: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const attached = await this.sources.listAttachedPolicyArns(roleName);
      if (attached.includes(policyArn)) return;
      if (attempt >= this.verifyAttempts) {
        throw new AttachNotVerifiedError(
          `${policyArn} was attached to role ${roleName}, but ListAttachedRolePolicies still ` +
            `did not show it after ${attempt} reads. Check the role in IAM, then remediate again.`,
        );
      }
      await this.sleep(this.verifyFirstDelayMs * 2 ** (attempt - 1));
    }
  }
}
