/** How we read IAM: every role, user, group and customer managed policy, in as few calls as IAM allows. */
import type { GroupDetail, IAMClient, ManagedPolicyDetail, PolicyDetail, RoleDetail, Tag } from '@aws-sdk/client-iam';
import type { ClientSettings } from './aws-clients';
import type { RoleFacts } from '../core/instance-role';
import { defaultVersionDocument, type PolicySubject, type PolicySubjectKind } from '../core/ssm-access-guardrails';
import type { IamPolicySubjectType } from '../resources/iam-policy-subject';

/** GetAccountAuthorizationDetails returns at most this many entries per page. */
export const AUTHORIZATION_DETAILS_PAGE_SIZE = 1000;

/** A policy subject with the type and ID AWS Config knows it by. */
export interface IdentifiedPolicySubject {
  readonly resourceType: IamPolicySubjectType;
  /** PolicyId (ANPA...), RoleId (AROA...), UserId (AIDA...) or GroupId (AGPA...). */
  readonly resourceId: string;
  readonly subject: PolicySubject;
}

export interface PolicySummary {
  readonly policyId: string;
  readonly tags: Record<string, string>;
}

export class IamDetailError extends Error {
  override name = 'IamDetailError';
}

/**
 * The IAM SDK, loaded when IAM is first called. The rules read IAM only to sweep the account (and
 * the access rule for a few policies' tags); a change event is decided from its configuration
 * item alone, so its cold start does not compile the IAM client.
 */
const loadIamSdk = () => import('./iam-sdk');

/** An IAM client, or a way to create one when it is first needed. */
export type IamClientSource = IAMClient | (() => Promise<IAMClient>);

/** Creates the IAM client, and loads its code, on the first IAM call. */
export function iamClientOnFirstUse(settings: ClientSettings): () => Promise<IAMClient> {
  return async () => new (await loadIamSdk()).IAMClient(settings);
}

export class IamGateway {
  private readonly client: () => Promise<IAMClient>;

  constructor(source: IamClientSource) {
    let created: Promise<IAMClient> | undefined;
    this.client = typeof source === 'function' ? () => (created ??= source()) : () => Promise.resolve(source);
  }

  /**
   * Every role with its trust policy, instance profiles, attached policies and tags. One
   * GetAccountAuthorizationDetails page holds up to 1000 roles, where per-role calls would need
   * three or four calls per role.
   */
  async listRoles(): Promise<RoleFacts[]> {
    const roles: RoleFacts[] = [];
    const [client, { paginateGetAccountAuthorizationDetails }] = await Promise.all([this.client(), loadIamSdk()]);
    const pages = paginateGetAccountAuthorizationDetails(
      { client, pageSize: AUTHORIZATION_DETAILS_PAGE_SIZE },
      { Filter: ['Role'] },
    );
    for await (const page of pages) {
      for (const detail of page.RoleDetailList ?? []) roles.push(roleFactsFromDetail(detail));
    }
    return roles;
  }

  /**
   * Every customer managed policy (default version) and every role, user and group with its inline
   * policies, from one paged GetAccountAuthorizationDetails. AWS managed policies are left out: AWS
   * owns them and Config does not record them as `AWS::IAM::Policy`.
   */
  async listPolicySubjects(): Promise<IdentifiedPolicySubject[]> {
    const subjects: IdentifiedPolicySubject[] = [];
    const [client, { paginateGetAccountAuthorizationDetails }] = await Promise.all([this.client(), loadIamSdk()]);
    const pages = paginateGetAccountAuthorizationDetails(
      { client, pageSize: AUTHORIZATION_DETAILS_PAGE_SIZE },
      { Filter: ['LocalManagedPolicy', 'Role', 'User', 'Group'] },
    );
    for await (const page of pages) {
      for (const policy of page.Policies ?? []) subjects.push(await this.managedPolicySubject(policy));
      for (const role of page.RoleDetailList ?? []) subjects.push(inlineSubject('AWS::IAM::Role', 'Role', role.RoleId, role.RoleName, role.Arn, role.RolePolicyList, role.Tags));
      for (const user of page.UserDetailList ?? []) subjects.push(inlineSubject('AWS::IAM::User', 'User', user.UserId, user.UserName, user.Arn, user.UserPolicyList, user.Tags));
      for (const group of page.GroupDetailList ?? []) subjects.push(groupSubject(group));
    }
    return subjects;
  }

  /** A customer managed policy's ID and tags (GetAccountAuthorizationDetails carries no policy tags). */
  async getPolicySummary(policyArn: string): Promise<PolicySummary> {
    const [client, { GetPolicyCommand }] = await Promise.all([this.client(), loadIamSdk()]);
    const { Policy: policy } = await client.send(new GetPolicyCommand({ PolicyArn: policyArn }));
    if (!policy?.PolicyId) throw new IamDetailError(`GetPolicy returned no PolicyId for ${policyArn}.`);
    return { policyId: policy.PolicyId, tags: tagMap(policy.Tags) };
  }

  private async managedPolicySubject(policy: ManagedPolicyDetail): Promise<IdentifiedPolicySubject> {
    const arn = required(policy.Arn, 'Arn of a managed policy');
    const name = policy.PolicyName ?? arn.slice(arn.lastIndexOf('/') + 1);
    // The API marks PolicyId optional and some emulators leave it out; Config reports on it, so ask.
    const policyId = policy.PolicyId ?? (await this.getPolicySummary(arn)).policyId;
    const versions = (policy.PolicyVersionList ?? []).map((v) => ({ versionId: v.VersionId, isDefaultVersion: v.IsDefaultVersion, document: v.Document }));
    return {
      resourceType: 'AWS::IAM::Policy',
      resourceId: policyId,
      subject: { kind: 'Policy', name, arn, documents: [defaultVersionDocument(name, policy.DefaultVersionId, versions)], tags: undefined },
    };
  }
}

function groupSubject(group: GroupDetail): IdentifiedPolicySubject {
  // IAM groups cannot be tagged: an empty map is the whole truth.
  return inlineSubject('AWS::IAM::Group', 'Group', group.GroupId, group.GroupName, group.Arn, group.GroupPolicyList, []);
}

function inlineSubject(
  resourceType: IamPolicySubjectType,
  kind: PolicySubjectKind,
  id: string | undefined,
  name: string | undefined,
  arn: string | undefined,
  policies: PolicyDetail[] | undefined,
  tags: Tag[] | undefined,
): IdentifiedPolicySubject {
  return {
    resourceType,
    resourceId: required(id, `${kind}Id of ${arn ?? name}`),
    subject: {
      kind,
      name: required(name, `${kind}Name of ${id}`),
      arn: required(arn, `Arn of ${kind} ${name}`),
      documents: (policies ?? []).map((p) => ({ name: `inline policy ${p.PolicyName ?? '(unnamed)'}`, document: p.PolicyDocument })),
      tags: tagMap(tags),
    },
  };
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new IamDetailError(`GetAccountAuthorizationDetails returned no ${what}; cannot report it to Config.`);
  return value;
}

function tagMap(tags: Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

export function roleFactsFromDetail(detail: RoleDetail): RoleFacts {
  return {
    roleId: detail.RoleId ?? '',
    roleName: detail.RoleName ?? '',
    path: detail.Path ?? '/',
    assumeRolePolicyDocument: detail.AssumeRolePolicyDocument,
    instanceProfileNames: (detail.InstanceProfileList ?? []).flatMap((p) => (p.InstanceProfileName ? [p.InstanceProfileName] : [])),
    attachedPolicyArns: (detail.AttachedManagedPolicies ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : [])),
    tags: tagMap(detail.Tags),
    inlinePolicyDocuments: (detail.RolePolicyList ?? []).map((p) => p.PolicyDocument),
  };
}
