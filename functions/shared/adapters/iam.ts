/** How we read IAM: every role of the account, with what the rule needs, in as few calls as IAM allows. */
import { type IAMClient, paginateGetAccountAuthorizationDetails, type RoleDetail } from '@aws-sdk/client-iam';
import type { RoleFacts } from '../core/instance-role';

/** GetAccountAuthorizationDetails returns at most this many entries per page. */
export const AUTHORIZATION_DETAILS_PAGE_SIZE = 1000;

export class IamGateway {
  constructor(private readonly client: IAMClient) {}

  /**
   * Every role with its trust policy, instance profiles, attached policies and tags. One
   * GetAccountAuthorizationDetails page holds up to 1000 roles, where per-role calls would need
   * three or four calls per role.
   */
  async listRoles(): Promise<RoleFacts[]> {
    const roles: RoleFacts[] = [];
    const pages = paginateGetAccountAuthorizationDetails(
      { client: this.client, pageSize: AUTHORIZATION_DETAILS_PAGE_SIZE },
      { Filter: ['Role'] },
    );
    for await (const page of pages) {
      for (const detail of page.RoleDetailList ?? []) roles.push(roleFactsFromDetail(detail));
    }
    return roles;
  }
}

export function roleFactsFromDetail(detail: RoleDetail): RoleFacts {
  return {
    roleId: detail.RoleId ?? '',
    roleName: detail.RoleName ?? '',
    path: detail.Path ?? '/',
    assumeRolePolicyDocument: detail.AssumeRolePolicyDocument,
    instanceProfileNames: (detail.InstanceProfileList ?? []).flatMap((p) => (p.InstanceProfileName ? [p.InstanceProfileName] : [])),
    attachedPolicyArns: (detail.AttachedManagedPolicies ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : [])),
    tags: Object.fromEntries((detail.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
}
