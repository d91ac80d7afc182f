/**
 * How remediation reads and changes one IAM role: live facts for the eligibility check, the attach
 * itself, and the read that verifies it. Unlike the rule's sweep (GetAccountAuthorizationDetails),
 * remediation needs one role, fresh, so it asks IAM about that role alone.
 */
import {
  AttachRolePolicyCommand,
  GetPolicyCommand,
  GetRoleCommand,
  type IAMClient,
  paginateListAttachedRolePolicies,
  paginateListInstanceProfilesForRole,
  paginateListRoles,
} from '@aws-sdk/client-iam';
import { ManagedPolicyQuotaError, PolicyNotFoundError, RoleNotFoundError } from '../../attach-policy/remediate';
import type { RoleFacts } from '../core/instance-role';
import { tagMap } from '../core/tags';
import { withAwsErrors } from './aws-clients';
import { AwsAccessDeniedError, awsErrorName, withHint } from './aws-errors';

/** The largest page IAM's List* operations return. */
const IAM_PAGE_SIZE = 1000;

export class IamRoleRemediationGateway {
  private readonly client: IAMClient;

  constructor(client: IAMClient) {
    this.client = withAwsErrors(client, 'iam');
  }

  /** The name of the role with this RoleId, by listing every role (IAM has no get-by-id). */
  async findRoleNameById(roleId: string): Promise<string | undefined> {
    for await (const page of paginateListRoles({ client: this.client, pageSize: IAM_PAGE_SIZE }, {})) {
      const role = page.Roles?.find((r) => r.RoleId === roleId);
      if (role?.RoleName) return role.RoleName;
    }
    return undefined;
  }

  /** What the eligibility check needs, read from IAM now: trust policy, tags, instance profiles, attached policies. */
  async readRoleFacts(roleName: string): Promise<RoleFacts> {
    const role = await this.client.send(new GetRoleCommand({ RoleName: roleName })).then(
      (response) => response.Role,
      (error: unknown) => {
        if (awsErrorName(error) === 'NoSuchEntityException') return undefined;
        throw error;
      },
    );
    if (!role?.RoleId) {
      throw new RoleNotFoundError(
        `Role ${roleName} no longer exists in IAM; nothing to remediate. ` +
          'Config marks it NOT_APPLICABLE once it records the deletion.',
      );
    }
    return {
      roleId: role.RoleId,
      roleName: role.RoleName ?? roleName,
      path: role.Path ?? '/',
      assumeRolePolicyDocument: role.AssumeRolePolicyDocument,
      instanceProfileNames: await this.listInstanceProfileNames(roleName),
      attachedPolicyArns: await this.listAttachedPolicyArns(roleName),
      tags: tagMap(role.Tags),
    };
  }

  async listAttachedPolicyArns(roleName: string): Promise<string[]> {
    const arns: string[] = [];
    for await (const page of paginateListAttachedRolePolicies(
      { client: this.client, pageSize: IAM_PAGE_SIZE },
      { RoleName: roleName },
    )) {
      for (const policy of page.AttachedPolicies ?? []) if (policy.PolicyArn) arns.push(policy.PolicyArn);
    }
    return arns;
  }

  /**
   * Attaches a managed policy. IAM treats attaching an attached policy as success, so this is
   * idempotent; NoSuchEntity and LimitExceeded are its documented errors:
   * https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html
   */
  async attachPolicy(roleName: string, policyArn: string): Promise<void> {
    try {
      await this.client.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
    } catch (error) {
      if (error instanceof AwsAccessDeniedError) {
        // The function's role may attach only the stack's instance policy (an iam:PolicyARN condition).
        throw withHint(
          error,
          `The remediation may attach only the session-guard instance policy: check that PolicyArn ${policyArn} is ` +
            `that policy.`,
        );
      }
      switch (awsErrorName(error)) {
        case 'NoSuchEntityException':
          // IAM says NoSuchEntity for a missing role and for a missing policy alike.
          throw (await this.policyExists(policyArn))
            ? new RoleNotFoundError(`Role ${roleName} was deleted while it was being remediated; nothing to do.`, {
                cause: error,
              })
            : new PolicyNotFoundError(
                `Policy ${policyArn} does not exist or cannot be attached. Check the remediation's ` +
                  `PolicyArn parameter; it must be the stack's Session Manager instance policy.`,
                { cause: error },
              );
        // Managed policies per role: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
        case 'LimitExceededException':
          throw new ManagedPolicyQuotaError(
            `Role ${roleName} already holds as many managed policies as its quota allows (a role holds at most ` +
              '10 managed policies by default, 20 with a quota increase). Detach a policy it no longer needs, or ' +
              'request a quota increase, then remediate again.',
            { cause: error },
          );
        default:
          throw error;
      }
    }
  }

  private async policyExists(policyArn: string): Promise<boolean> {
    try {
      await this.client.send(new GetPolicyCommand({ PolicyArn: policyArn }));
      return true;
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchEntityException') return false;
      throw error;
    }
  }

  private async listInstanceProfileNames(roleName: string): Promise<string[]> {
    const names: string[] = [];
    for await (const page of paginateListInstanceProfilesForRole(
      { client: this.client, pageSize: IAM_PAGE_SIZE },
      { RoleName: roleName },
    )) {
      for (const profile of page.InstanceProfiles ?? [])
        if (profile.InstanceProfileName) names.push(profile.InstanceProfileName);
    }
    return names;
  }
}
