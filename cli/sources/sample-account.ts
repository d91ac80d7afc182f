/**
 * The bundled sample account: realistic IAM data in the shapes AWS returns
 * (GetAccountAuthorizationDetails, DescribeStacks), read from disk. No credentials, no network.
 */
import { readFileSync } from 'node:fs';
import type { Stack } from '@aws-sdk/client-cloudformation';
import type { RoleDetail } from '@aws-sdk/client-iam';
import { roleFactsFromDetail } from '../../functions/shared/adapters/iam';
import type { ConfigurationItem, ConfigurationItemSummary } from '../../functions/shared/config-rule/event';
import { IAM_ROLE_RESOURCE_TYPE } from '../../functions/shared/resources/iam-role';
import { UsageError } from '../io';
import { type AccountSource, deploymentFromStack } from './account-source';

export const SAMPLE_ACCOUNT_PATH = new URL('../sample-account/account.json', import.meta.url);

interface SampleAccountFile {
  accountId: string;
  region: string;
  Stack: Stack;
  RoleDetailList: RoleDetail[];
}

export function loadSampleAccount(path: URL | string = SAMPLE_ACCOUNT_PATH): AccountSource {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as SampleAccountFile;
  const roleDetails = raw.RoleDetailList;
  return {
    kind: 'sample',
    description: 'bundled sample account',
    accountId: async () => raw.accountId,
    listRoles: async () => roleDetails.map(roleFactsFromDetail),
    deployment: async () => deploymentFromStack(raw.Stack),
    config: {
      // The sample has no Config history; it answers from the same IAM data a live Config would hold.
      async getConfigurationItem(summary) {
        const detail = summary.resourceType === IAM_ROLE_RESOURCE_TYPE ? roleDetails.find((r) => r.RoleId === summary.resourceId) : undefined;
        if (!detail) {
          throw new UsageError(
            `The bundled sample account holds no ${summary.resourceType} ${summary.resourceId}; evaluate this oversized event against a live account (--live).`,
          );
        }
        return roleConfigurationItem(detail, summary, raw);
      },
      // Nothing was ever reported from the sample, so a sweep has no stale results to retire.
      listEvaluatedResources: async () => [],
    },
  };
}

/** A role as AWS Config records it: the configuration in Config's camelCase shape. */
function roleConfigurationItem(detail: RoleDetail, summary: ConfigurationItemSummary, account: SampleAccountFile): ConfigurationItem {
  return {
    resourceType: IAM_ROLE_RESOURCE_TYPE,
    resourceId: summary.resourceId,
    resourceName: detail.RoleName,
    ARN: detail.Arn,
    awsAccountId: account.accountId,
    awsRegion: 'global',
    configurationItemCaptureTime: summary.configurationItemCaptureTime,
    configurationItemStatus: summary.configurationItemStatus,
    configuration: {
      path: detail.Path,
      roleName: detail.RoleName,
      roleId: detail.RoleId,
      arn: detail.Arn,
      assumeRolePolicyDocument: detail.AssumeRolePolicyDocument,
      instanceProfileList: (detail.InstanceProfileList ?? []).map((p) => ({ instanceProfileName: p.InstanceProfileName, arn: p.Arn })),
      attachedManagedPolicies: (detail.AttachedManagedPolicies ?? []).map((p) => ({ policyName: p.PolicyName, policyArn: p.PolicyArn })),
      tags: (detail.Tags ?? []).map((t) => ({ key: t.Key, value: t.Value })),
    },
    tags: Object.fromEntries((detail.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
}
