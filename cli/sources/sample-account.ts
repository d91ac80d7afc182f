/**
 * The bundled sample account: realistic data in the shapes AWS returns (GetAccountAuthorizationDetails,
 * GetPolicy tags, GetDocument, DescribeStacks), read from disk. No credentials, no network: the
 * rules' own adapters read it through SDK clients that answer from the file (recorded-client.ts).
 */
import { AccountClient } from '@aws-sdk/client-account';
import {
  type AttachedPermissionsBoundary,
  IAMClient,
  type ManagedPolicyDetail,
  NoSuchEntityException,
  type PolicyDetail,
  type Tag,
} from '@aws-sdk/client-iam';
import {
  type DocumentKeyValuesFilter,
  type InstanceInformationStringFilter,
  InvalidDocument,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { IamGateway } from '../../functions/shared/adapters/iam';
import { NodeRoleGateway } from '../../functions/shared/adapters/ssm-node-roles';
import { SsmSessionDocumentsGateway } from '../../functions/shared/adapters/ssm-session-documents';
import type { ConfigurationItem, ConfigurationItemSummary } from '../../functions/shared/config-rule/event';
import { tagMap } from '../../functions/shared/core/tags';
import { SSM_DOCUMENT_RESOURCE_TYPE } from '../../functions/shared/resources/ssm-document';
import { UsageError } from '../io';
import { type AccountSource, deploymentFromStack } from './account-source';
import { answeringFrom } from './recorded-client';
import { readSampleAccountFile, type SampleAccountFile } from './sample-account-file';

export function loadSampleAccount(path?: URL | string): AccountSource {
  const raw = readSampleAccountFile(path);
  const iam = new IamGateway(
    answeringFrom(new IAMClient({ region: raw.region }), (command, input) => iamAnswer(raw, command, input)),
  );
  const ssm = new SsmSessionDocumentsGateway(
    answeringFrom(new SSMClient({ region: raw.region }), (command, input) => ssmAnswer(raw, command, input)),
  );
  const nodeRoles = new NodeRoleGateway(
    answeringFrom(new AccountClient({ region: raw.region }), (command, input) => accountAnswer(raw, command, input)),
    (region) =>
      answeringFrom(new SSMClient({ region }), (command, input) => regionalSsmAnswer(raw, region, command, input)),
  );
  return {
    kind: 'sample',
    description: 'bundled sample account',
    accountId: async () => raw.accountId,
    listRoles: () => iam.listRoles(),
    listNodeRoles: (regions) => nodeRoles.listNodeRoles(regions),
    listPolicySubjects: () => iam.listPolicySubjects(),
    getPolicySummary: (policyArn) => iam.getPolicySummary(policyArn),
    getManagedPolicyDocument: (policyArn) => iam.getManagedPolicyDocument(policyArn),
    listGroupPolicies: () => iam.listGroupPolicies(),
    listOwnSessionDocumentNames: () => ssm.listOwnSessionDocumentNames(),
    getDocument: (name) => ssm.getDocument(name),
    yamlParserFor: (content) => ssm.yamlParserFor(content),
    deployment: async () => deploymentFromStack(raw.Stack),
    config: {
      // The sample has no Config history; it answers from the same data a live Config would hold.
      async getConfigurationItem(summary) {
        const item = configurationItem(raw, summary);
        if (!item) {
          throw new UsageError(
            `The bundled sample account holds no ${summary.resourceType} ${summary.resourceId}; ` +
              'evaluate this oversized event against a live account (--live).',
          );
        }
        return item;
      },
      // Nothing was ever reported from the sample, so a sweep has no stale results to retire.
      listEvaluatedResources: async () => [],
    },
  };
}

/** GetAccountAuthorizationDetails (one page, honouring Filter), GetPolicy and GetPolicyVersion, from the file. */
function iamAnswer(account: SampleAccountFile, command: string, input: Record<string, unknown>): object {
  switch (command) {
    case 'GetAccountAuthorizationDetails': {
      const filter = (input.Filter as string[] | undefined) ?? ['Role', 'User', 'Group', 'LocalManagedPolicy'];
      return {
        RoleDetailList: filter.includes('Role') ? account.RoleDetailList : [],
        UserDetailList: filter.includes('User') ? account.UserDetailList : [],
        GroupDetailList: filter.includes('Group') ? account.GroupDetailList : [],
        Policies: [
          ...(filter.includes('LocalManagedPolicy') ? account.Policies : []),
          ...(filter.includes('AWSManagedPolicy') ? account.AWSManagedPolicies : []),
        ],
        IsTruncated: false,
      };
    }
    case 'GetPolicy': {
      const { PolicyVersionList: _versions, ...summary } = managedPolicy(account, input.PolicyArn);
      return { Policy: { ...summary, Tags: account.PolicyTags[summary.Arn ?? ''] ?? [] } };
    }
    case 'GetPolicyVersion': {
      const version = managedPolicy(account, input.PolicyArn).PolicyVersionList?.find(
        (v) => v.VersionId === input.VersionId,
      );
      if (!version)
        throw new NoSuchEntityException({
          message: `Policy ${String(input.PolicyArn)} version ${String(input.VersionId)} does not exist.`,
          $metadata: {},
        });
      return { PolicyVersion: version };
    }
    default:
      throw new Error(`The bundled sample account does not answer iam:${command}.`);
  }
}

function managedPolicy(account: SampleAccountFile, arn: unknown): ManagedPolicyDetail {
  const policy = [...account.Policies, ...account.AWSManagedPolicies].find((p) => p.Arn === arn);
  if (!policy) throw new NoSuchEntityException({ message: `Policy ${String(arn)} was not found.`, $metadata: {} });
  return policy;
}

/** ListDocuments (the account's own, honouring the DocumentType filter) and GetDocument, from the file. */
function ssmAnswer(account: SampleAccountFile, command: string, input: Record<string, unknown>): object {
  switch (command) {
    case 'ListDocuments': {
      const types = (input.Filters as DocumentKeyValuesFilter[] | undefined)?.find(
        (f) => f.Key === 'DocumentType',
      )?.Values;
      const documents = account.Documents.filter((d) => !types || types.includes(d.DocumentType ?? ''));
      return {
        DocumentIdentifiers: documents.map((d) => ({
          Name: d.Name,
          DocumentType: d.DocumentType,
          DocumentFormat: d.DocumentFormat,
          Owner: account.accountId,
        })),
      };
    }
    case 'GetDocument': {
      const document = account.Documents.find((d) => d.Name === input.Name);
      if (!document) throw new InvalidDocument({ message: 'The specified document does not exist.', $metadata: {} });
      return document;
    }
    default:
      throw new Error(`The bundled sample account does not answer ssm:${command}.`);
  }
}

/** ListRegions, honouring RegionOptStatusContains as the Account Management API does; one page. */
function accountAnswer(account: SampleAccountFile, command: string, input: Record<string, unknown>): object {
  if (command !== 'ListRegions') throw new Error(`The bundled sample account does not answer account:${command}.`);
  const statuses = input.RegionOptStatusContains as string[] | undefined;
  return {
    Regions: account.Regions.filter((region) => !statuses?.length || statuses.includes(region.RegionOptStatus ?? '')),
  };
}

/**
 * GetServiceSetting, DescribeActivations and DescribeInstanceInformation (honouring ResourceType) of
 * one region, from the file.
 */
function regionalSsmAnswer(
  account: SampleAccountFile,
  region: string,
  command: string,
  input: Record<string, unknown>,
): object {
  const regional = account.SystemsManager[region];
  if (!regional)
    throw new Error(
      'The bundled sample account holds no Systems Manager data for ' +
        `${region}; it has ${Object.keys(account.SystemsManager).join(', ')}.`,
    );
  switch (command) {
    case 'GetServiceSetting':
      return regional.GetServiceSetting;
    case 'DescribeActivations':
      return { ActivationList: regional.ActivationList };
    case 'DescribeInstanceInformation': {
      const types = (input.Filters as InstanceInformationStringFilter[] | undefined)?.find(
        (f) => f.Key === 'ResourceType',
      )?.Values;
      return {
        InstanceInformationList: regional.InstanceInformationList.filter(
          (i) => !types || types.includes(i.ResourceType ?? ''),
        ),
      };
    }
    default:
      throw new Error(`The bundled sample account does not answer ssm:${command}.`);
  }
}

/**
 * A resource as AWS Config records it (configuration in Config's camelCase shape, policy documents
 * URL-encoded), for oversized-change events evaluated against the sample.
 */
function configurationItem(
  account: SampleAccountFile,
  summary: ConfigurationItemSummary,
): ConfigurationItem | undefined {
  const item = (
    resourceName: string | undefined,
    arn: string | undefined,
    configuration: Record<string, unknown>,
    tags: Tag[] = [],
  ): ConfigurationItem => ({
    resourceType: summary.resourceType,
    resourceId: summary.resourceId,
    resourceName,
    ARN: arn,
    awsAccountId: account.accountId,
    awsRegion: summary.resourceType === SSM_DOCUMENT_RESOURCE_TYPE ? account.region : 'global',
    configurationItemCaptureTime: summary.configurationItemCaptureTime,
    configurationItemStatus: summary.configurationItemStatus,
    configuration,
    tags: tagMap(tags),
  });
  const id = summary.resourceId;
  switch (summary.resourceType) {
    case 'AWS::IAM::Role': {
      const role = account.RoleDetailList.find((r) => r.RoleId === id);
      return (
        role &&
        item(
          role.RoleName,
          role.Arn,
          {
            path: role.Path,
            roleName: role.RoleName,
            roleId: role.RoleId,
            arn: role.Arn,
            assumeRolePolicyDocument: role.AssumeRolePolicyDocument,
            instanceProfileList: (role.InstanceProfileList ?? []).map((p) => ({
              instanceProfileName: p.InstanceProfileName,
              arn: p.Arn,
            })),
            rolePolicyList: inlinePolicies(role.RolePolicyList),
            attachedManagedPolicies: attachedPolicies(role.AttachedManagedPolicies),
            permissionsBoundary: boundary(role.PermissionsBoundary),
            tags: tagPairs(role.Tags),
          },
          role.Tags,
        )
      );
    }
    case 'AWS::IAM::User': {
      const user = account.UserDetailList.find((u) => u.UserId === id);
      return (
        user &&
        item(
          user.UserName,
          user.Arn,
          {
            path: user.Path,
            userName: user.UserName,
            userId: user.UserId,
            arn: user.Arn,
            userPolicyList: inlinePolicies(user.UserPolicyList),
            groupList: user.GroupList ?? [],
            attachedManagedPolicies: attachedPolicies(user.AttachedManagedPolicies),
            permissionsBoundary: boundary(user.PermissionsBoundary),
            tags: tagPairs(user.Tags),
          },
          user.Tags,
        )
      );
    }
    case 'AWS::IAM::Group': {
      const group = account.GroupDetailList.find((g) => g.GroupId === id);
      return (
        group &&
        item(group.GroupName, group.Arn, {
          path: group.Path,
          groupName: group.GroupName,
          groupId: group.GroupId,
          arn: group.Arn,
          groupPolicyList: inlinePolicies(group.GroupPolicyList),
          attachedManagedPolicies: attachedPolicies(group.AttachedManagedPolicies),
        })
      );
    }
    case 'AWS::IAM::Policy': {
      const policy = account.Policies.find((p) => p.PolicyId === id);
      const tags = account.PolicyTags[policy?.Arn ?? ''] ?? [];
      return (
        policy &&
        item(
          policy.PolicyName,
          policy.Arn,
          {
            policyName: policy.PolicyName,
            policyId: policy.PolicyId,
            arn: policy.Arn,
            path: policy.Path,
            defaultVersionId: policy.DefaultVersionId,
            attachmentCount: policy.AttachmentCount,
            isAttachable: policy.IsAttachable,
            description: policy.Description,
            policyVersionList: (policy.PolicyVersionList ?? []).map((v) => ({
              document: v.Document,
              versionId: v.VersionId,
              isDefaultVersion: v.IsDefaultVersion,
            })),
            tags: tagPairs(tags),
          },
          tags,
        )
      );
    }
    case SSM_DOCUMENT_RESOURCE_TYPE: {
      // Config records an SSM document's name, type and format, not its content.
      const document = account.Documents.find((d) => d.Name === id);
      return (
        document &&
        item(document.Name, undefined, {
          Name: document.Name,
          DocumentType: document.DocumentType,
          DocumentFormat: document.DocumentFormat,
          Tags: [],
        })
      );
    }
    default:
      return undefined;
  }
}

const inlinePolicies = (policies: PolicyDetail[] | undefined) =>
  (policies ?? []).map((p) => ({ policyName: p.PolicyName, policyDocument: p.PolicyDocument }));
const attachedPolicies = (policies: { PolicyName?: string; PolicyArn?: string }[] | undefined) =>
  (policies ?? []).map((p) => ({ policyName: p.PolicyName, policyArn: p.PolicyArn }));
// Config records a role's or user's boundary as GetRole / GetUser return it, in camelCase.
const boundary = (b: AttachedPermissionsBoundary | undefined) =>
  b ? { permissionsBoundaryType: b.PermissionsBoundaryType, permissionsBoundaryArn: b.PermissionsBoundaryArn } : null;
const tagPairs = (tags: Tag[] | undefined) => (tags ?? []).map((t) => ({ key: t.Key, value: t.Value }));
