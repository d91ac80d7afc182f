/** How we read IAM: every role, user, group and managed policy, in as few calls as IAM allows. */
import type {
  AttachedPolicy,
  EntityType,
  GetAccountAuthorizationDetailsCommandOutput,
  GroupDetail,
  IAMClient,
  ManagedPolicyDetail,
  PolicyDetail,
  RoleDetail,
  Tag,
  UserDetail,
} from '@aws-sdk/client-iam';
import { type ClientSettings, type ClientSource, clientOnFirstUse } from './aws-clients';
import { awsErrorName } from './aws-errors';
import type { RoleFacts } from '../core/instance-role';
import {
  assembleSubject,
  defaultVersionDocument,
  type GroupPolicies,
  inlinePolicyLabel,
  isAwsManagedPolicyArn,
  managedPolicyLabel,
  type NamedPolicyDocument,
  type PolicyLookup,
  type PolicySubjectKind,
  type PolicySubjectParts,
  referencedPolicyArns,
} from '../core/policy-subject';
import { tagMap } from '../core/tags';
import { nameInArn } from '../core/arn';
import type { IamPolicySubjectType } from '../resources/iam-policy-subject';
import type { IdentifiedPolicySubject, PolicySummary } from '../../ssm-access-rule/rule';
import { SessionGuardError } from '../errors';

/** GetAccountAuthorizationDetails returns at most this many entries per page. */
export const AUTHORIZATION_DETAILS_PAGE_SIZE = 1000;

export class IamDetailError extends SessionGuardError {
  override name = 'IamDetailError';
}

/**
 * The IAM SDK, loaded when IAM is first called. The rules read IAM to sweep the account; on a
 * change event the access rule reads only what the configuration item names but does not hold
 * (managed policy documents, a user's groups, a policy's tags), and most items need none of it,
 * so a cold start does not compile the IAM client before it is needed.
 */
const loadIamSdk = () => import('./iam-sdk');

/** Creates the IAM client, and loads its code, on the first IAM call. */
export function iamClientOnFirstUse(settings: ClientSettings): () => Promise<IAMClient> {
  return async () => new (await loadIamSdk()).IAMClient(settings);
}

export class IamGateway {
  private readonly client: () => Promise<IAMClient>;

  constructor(source: ClientSource<IAMClient>) {
    this.client = clientOnFirstUse(source, 'iam');
  }

  /**
   * Every role with its trust policy, instance profiles, attached policies and tags. One
   * GetAccountAuthorizationDetails page holds up to 1000 roles, where per-role calls would need
   * three or four calls per role.
   */
  async listRoles(): Promise<RoleFacts[]> {
    const roles: RoleFacts[] = [];
    for await (const page of this.authorizationDetails(['Role'])) {
      for (const detail of page.RoleDetailList ?? []) roles.push(roleFactsFromDetail(detail));
    }
    return roles;
  }

  /**
   * Every customer managed policy (default version) and every role, user and group with every
   * policy in force for it: inline, attached customer and AWS managed, a user's groups', and the
   * permissions boundary. One paged GetAccountAuthorizationDetails returns all of it, AWS managed
   * policy documents included (filter AWSManagedPolicy); a policy it leaves out (one that serves
   * only as a permissions boundary, say) is read with GetPolicy and GetPolicyVersion. AWS managed
   * policies are read, not reported: AWS owns them and Config does not record them.
   */
  async listPolicySubjects(): Promise<IdentifiedPolicySubject[]> {
    const policies: ManagedPolicyDetail[] = [];
    const roles: RoleDetail[] = [];
    const users: UserDetail[] = [];
    const groups: GroupDetail[] = [];
    for await (const page of this.authorizationDetails([
      'LocalManagedPolicy',
      'AWSManagedPolicy',
      'Role',
      'User',
      'Group',
    ])) {
      policies.push(...(page.Policies ?? []));
      roles.push(...(page.RoleDetailList ?? []));
      users.push(...(page.UserDetailList ?? []));
      groups.push(...(page.GroupDetailList ?? []));
    }

    const documents = new Map(
      policies.map((p) => [required(p.Arn, 'Arn of a managed policy'), managedPolicyDocument(p)]),
    );
    const groupsByName = new Map(
      groups.map((g) => [required(g.GroupName, `GroupName of ${g.GroupId}`), groupPolicies(g)]),
    );
    const parts = [
      ...roles.map((r) =>
        principalParts(
          'AWS::IAM::Role',
          'Role',
          r.RoleId,
          r.RoleName,
          r.Arn,
          r.RolePolicyList,
          r.AttachedManagedPolicies,
          r.Tags,
          r.PermissionsBoundary?.PermissionsBoundaryArn,
          [],
        ),
      ),
      ...users.map((u) =>
        principalParts(
          'AWS::IAM::User',
          'User',
          u.UserId,
          u.UserName,
          u.Arn,
          u.UserPolicyList,
          u.AttachedManagedPolicies,
          u.Tags,
          u.PermissionsBoundary?.PermissionsBoundaryArn,
          u.GroupList ?? [],
        ),
      ),
      // IAM groups cannot be tagged: an empty map is the whole truth.
      ...groups.map((g) =>
        principalParts(
          'AWS::IAM::Group',
          'Group',
          g.GroupId,
          g.GroupName,
          g.Arn,
          g.GroupPolicyList,
          g.AttachedManagedPolicies,
          [],
          undefined,
          [],
        ),
      ),
    ];
    // Every group's policies once, not once per principal: the sweep may hold thousands of each.
    const referenced = new Set([
      ...parts.flatMap((p) => referencedPolicyArns(p.parts)),
      ...[...groupsByName.values()].flatMap((group) => group.attachedPolicyArns),
    ]);
    for (const arn of referenced) {
      if (!documents.has(arn)) {
        const document = await this.getManagedPolicyDocument(arn);
        if (document) documents.set(arn, document);
      }
    }
    const lookup: PolicyLookup = {
      managedPolicy: (arn) => documents.get(arn),
      group: (name) => groupsByName.get(name),
    };

    const subjects: IdentifiedPolicySubject[] = [];
    for (const policy of policies) {
      if (isAwsManagedPolicyArn(policy.Arn ?? '')) continue;
      subjects.push(await this.customerManagedPolicySubject(policy, documents.get(policy.Arn!)!));
    }
    for (const { resourceType, resourceId, parts: p } of parts)
      subjects.push({ resourceType, resourceId, subject: assembleSubject(p, lookup) });
    return subjects;
  }

  /** Every group with its inline policies and attached policy ARNs (one GetAccountAuthorizationDetails listing). */
  async listGroupPolicies(): Promise<GroupPolicies[]> {
    const groups: GroupPolicies[] = [];
    for await (const page of this.authorizationDetails(['Group']))
      for (const group of page.GroupDetailList ?? []) groups.push(groupPolicies(group));
    return groups;
  }

  /** The pages of one GetAccountAuthorizationDetails listing, as large as IAM serves them. */
  private async *authorizationDetails(
    filter: EntityType[],
  ): AsyncGenerator<GetAccountAuthorizationDetailsCommandOutput> {
    const [client, { paginateGetAccountAuthorizationDetails }] = await Promise.all([this.client(), loadIamSdk()]);
    yield* paginateGetAccountAuthorizationDetails(
      { client, pageSize: AUTHORIZATION_DETAILS_PAGE_SIZE },
      { Filter: filter },
    );
  }

  /**
   * A managed policy's default version (GetPolicy, then GetPolicyVersion), customer or AWS
   * managed; undefined when IAM has no such policy.
   */
  async getManagedPolicyDocument(policyArn: string): Promise<NamedPolicyDocument | undefined> {
    const [client, { GetPolicyCommand, GetPolicyVersionCommand }] = await Promise.all([this.client(), loadIamSdk()]);
    try {
      const { Policy: policy } = await client.send(new GetPolicyCommand({ PolicyArn: policyArn }));
      const versionId = required(policy?.DefaultVersionId, `DefaultVersionId of ${policyArn}`, 'GetPolicy');
      const { PolicyVersion: version } = await client.send(
        new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }),
      );
      return { name: managedPolicyLabel(policyArn, versionId), document: version?.Document ?? null };
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchEntityException') return undefined;
      throw error;
    }
  }

  /**
   * A customer managed policy's ID and tags (GetAccountAuthorizationDetails carries no policy tags:
   * https://docs.aws.amazon.com/IAM/latest/APIReference/API_ManagedPolicyDetail.html).
   */
  async getPolicySummary(policyArn: string): Promise<PolicySummary> {
    const [client, { GetPolicyCommand }] = await Promise.all([this.client(), loadIamSdk()]);
    const { Policy: policy } = await client.send(new GetPolicyCommand({ PolicyArn: policyArn }));
    if (!policy?.PolicyId) throw new IamDetailError(`GetPolicy returned no PolicyId for ${policyArn}.`);
    return { policyId: policy.PolicyId, tags: tagMap(policy.Tags) };
  }

  private async customerManagedPolicySubject(
    policy: ManagedPolicyDetail,
    document: NamedPolicyDocument,
  ): Promise<IdentifiedPolicySubject> {
    const arn = policy.Arn!;
    const name = policy.PolicyName ?? nameInArn(arn);
    // The API marks PolicyId optional and some emulators leave it out; Config reports on it, so ask.
    const policyId = policy.PolicyId ?? (await this.getPolicySummary(arn)).policyId;
    return {
      resourceType: 'AWS::IAM::Policy',
      resourceId: policyId,
      subject: { kind: 'Policy', name, arn, documents: [document], tags: undefined },
    };
  }
}

function managedPolicyDocument(policy: ManagedPolicyDetail): NamedPolicyDocument {
  const versions = (policy.PolicyVersionList ?? []).map((v) => ({
    versionId: v.VersionId,
    isDefaultVersion: v.IsDefaultVersion,
    document: v.Document,
  }));
  return defaultVersionDocument(policy.Arn!, policy.DefaultVersionId, versions);
}

function groupPolicies(group: GroupDetail): GroupPolicies {
  return {
    name: group.GroupName ?? '',
    inline: inlineDocuments(group.GroupPolicyList),
    attachedPolicyArns: attachedArns(group.AttachedManagedPolicies),
  };
}

const inlineDocuments = (policies: PolicyDetail[] | undefined): NamedPolicyDocument[] =>
  (policies ?? []).map((p) => ({ name: inlinePolicyLabel(p.PolicyName ?? '(unnamed)'), document: p.PolicyDocument }));

const attachedArns = (policies: AttachedPolicy[] | undefined): string[] =>
  (policies ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : []));

function principalParts(
  resourceType: IamPolicySubjectType,
  kind: PolicySubjectKind,
  id: string | undefined,
  name: string | undefined,
  arn: string | undefined,
  policies: PolicyDetail[] | undefined,
  attachedPolicies: AttachedPolicy[] | undefined,
  tags: Tag[] | undefined,
  boundaryArn: string | undefined,
  groupNames: string[],
): { resourceType: IamPolicySubjectType; resourceId: string; parts: PolicySubjectParts } {
  return {
    resourceType,
    resourceId: required(id, `${kind}Id of ${arn ?? name}`),
    parts: {
      kind,
      name: required(name, `${kind}Name of ${id}`),
      arn: required(arn, `Arn of ${kind} ${name}`),
      own: inlineDocuments(policies),
      attachedPolicyArns: attachedArns(attachedPolicies),
      ...(boundaryArn ? { boundaryArn } : {}),
      groupNames,
      tags: tagMap(tags),
    },
  };
}

function required(value: string | undefined, what: string, call = 'GetAccountAuthorizationDetails'): string {
  if (!value) throw new IamDetailError(`${call} returned no ${what}; cannot report it to Config.`);
  return value;
}

export function roleFactsFromDetail(detail: RoleDetail): RoleFacts {
  return {
    roleId: detail.RoleId ?? '',
    roleName: detail.RoleName ?? '',
    path: detail.Path ?? '/',
    assumeRolePolicyDocument: detail.AssumeRolePolicyDocument,
    instanceProfileNames: (detail.InstanceProfileList ?? []).flatMap((p) =>
      p.InstanceProfileName ? [p.InstanceProfileName] : [],
    ),
    attachedPolicyArns: attachedArns(detail.AttachedManagedPolicies),
    tags: tagMap(detail.Tags),
    inlinePolicyDocuments: (detail.RolePolicyList ?? []).map((p) => p.PolicyDocument),
  };
}
