import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import {
  BatchGetResourceConfigCommand,
  ConfigServiceClient,
  ConfigServiceServiceException,
  GetResourceConfigHistoryCommand,
  ResourceNotDiscoveredException,
} from '@aws-sdk/client-config-service';
import {
  AttachRolePolicyCommand,
  GetPolicyCommand,
  GetRoleCommand,
  IAMClient,
  IAMServiceException,
  LimitExceededException,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import {
  DescribeActivationsCommand,
  DescribeInstanceInformationCommand,
  GetServiceSettingCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { attachPolicyHandler, parseNodeRoleRegions } from '../../functions/attach-policy/handler';
import { NodeRoleGateway } from '../../functions/shared/adapters/ssm-node-roles';
import { ACCOUNT_REGIONS, listRegionsOf } from '../support/account-regions';
import { captureEmf, type EmfRecord, enabledTelemetry, metricNames } from '../support/emf';
import { EC2_TRUST, SSM_TRUST, urlEncoded } from '../support/iam-documents';
import { lambdaContext } from '../support/lambda';

const event = JSON.parse(
  readFileSync(new URL('../../sam/events/AttachPolicyFunction/invoke.json', import.meta.url), 'utf8'),
) as {
  RoleId: string;
  PolicyArn: string;
};
const ROLE_ID = event.RoleId;
const POLICY = event.PolicyArn;
const ROLE_NAME = 'web-server';

const iamMock = mockClient(IAMClient);
const configMock = mockClient(ConfigServiceClient);
const accountMock = mockClient(AccountClient);
const ssmMock = mockClient(SSMClient);
const nodeRoles = new NodeRoleGateway(
  new AccountClient({ region: 'us-east-1' }),
  (region) => new SSMClient({ region }),
);

const handler = attachPolicyHandler({
  iam: new IAMClient({ region: 'us-east-1' }),
  config: new ConfigServiceClient({ region: 'us-east-1' }),
  exemptionTagKey: 'SessionManagerExempt',
  nodeRoles,
  sleep: async () => {},
});
const invoke = (e: unknown = event) => handler(e, lambdaContext('AttachPolicyFunction'));

const roleResponse = (tags: { Key: string; Value: string }[] = []) => ({
  Role: {
    Path: '/app/web/',
    RoleName: ROLE_NAME,
    RoleId: ROLE_ID,
    Arn: `arn:aws:iam::123456789012:role/app/web/${ROLE_NAME}`,
    CreateDate: new Date('2025-01-01T00:00:00Z'),
    AssumeRolePolicyDocument: urlEncoded(EC2_TRUST),
    Tags: tags,
  },
});

/** The item BatchGetResourceConfig returns for a role: resourceId is the RoleId, resourceName the name without path. */
const configItem = {
  version: '1.3',
  accountId: '123456789012',
  configurationItemCaptureTime: new Date('2025-01-02T00:00:00Z'),
  configurationItemStatus: 'OK' as const,
  arn: `arn:aws:iam::123456789012:role/app/web/${ROLE_NAME}`,
  resourceType: 'AWS::IAM::Role' as const,
  resourceId: ROLE_ID,
  resourceName: ROLE_NAME,
  awsRegion: 'global',
};

const throttled = () =>
  new IAMServiceException({ name: 'Throttling', $fault: 'client', $metadata: {}, message: 'Rate exceeded' });

beforeEach(() => {
  iamMock.reset();
  configMock.reset();
  configMock
    .on(BatchGetResourceConfigCommand)
    .resolves({ baseConfigurationItems: [configItem], unprocessedResourceKeys: [] });
  iamMock.on(GetRoleCommand, { RoleName: ROLE_NAME }).resolves(roleResponse());
  iamMock.on(ListInstanceProfilesForRoleCommand).resolves({
    InstanceProfiles: [
      {
        InstanceProfileName: 'web-server',
        Path: '/',
        InstanceProfileId: 'AIPAEXAMPLE',
        Arn: 'arn:aws:iam::123456789012:instance-profile/web-server',
        CreateDate: new Date(),
        Roles: [],
      },
    ],
    IsTruncated: false,
  });
  iamMock
    .on(ListAttachedRolePoliciesCommand)
    .resolvesOnce({ AttachedPolicies: [], IsTruncated: false })
    .resolves({ AttachedPolicies: [{ PolicyName: 'session-guard-instance', PolicyArn: POLICY }], IsTruncated: false });
  iamMock.on(AttachRolePolicyCommand).resolves({});
  accountMock.reset();
  ssmMock.reset();
  accountMock.on(ListRegionsCommand).callsFake(listRegionsOf(ACCOUNT_REGIONS));
  ssmMock.on(GetServiceSettingCommand).resolves({ ServiceSetting: { SettingValue: '$None', Status: 'Default' } });
  ssmMock.on(DescribeActivationsCommand).resolves({ ActivationList: [] });
  ssmMock.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
});

describe('AttachPolicyFunction handler', () => {
  it('resolves the role through Config, attaches the policy by ARN and returns the outcome', async () => {
    await expect(invoke()).resolves.toEqual({ roleName: ROLE_NAME, action: 'attached', policyArn: POLICY });
    expect(configMock).toHaveReceivedCommandWith(BatchGetResourceConfigCommand, {
      resourceKeys: [{ resourceType: 'AWS::IAM::Role', resourceId: ROLE_ID }],
    });
    expect(iamMock).toHaveReceivedCommandTimes(AttachRolePolicyCommand, 1);
    expect(iamMock).toHaveReceivedCommandWith(AttachRolePolicyCommand, { RoleName: ROLE_NAME, PolicyArn: POLICY });
    expect(iamMock).not.toHaveReceivedCommand(ListRolesCommand);
  });

  it('falls back to the configuration history when BatchGetResourceConfig has no item (deleted or unprocessed)', async () => {
    configMock.on(BatchGetResourceConfigCommand).resolves({ baseConfigurationItems: [], unprocessedResourceKeys: [] });
    configMock.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [configItem] });
    await expect(invoke()).resolves.toMatchObject({ roleName: ROLE_NAME, action: 'attached' });
    expect(configMock).toHaveReceivedCommandWith(GetResourceConfigHistoryCommand, {
      resourceType: 'AWS::IAM::Role',
      resourceId: ROLE_ID,
      limit: 1,
    });
  });

  it('falls back to a paged ListRoles when Config never discovered the role', async () => {
    configMock.on(BatchGetResourceConfigCommand).resolves({ baseConfigurationItems: [], unprocessedResourceKeys: [] });
    configMock.on(GetResourceConfigHistoryCommand).rejects(
      new ResourceNotDiscoveredException({
        $metadata: {},
        message: 'Resource is unknown or has not been discovered',
      }),
    );
    iamMock
      .on(ListRolesCommand)
      .resolvesOnce({
        Roles: [
          {
            Path: '/',
            RoleName: 'other',
            RoleId: 'AROAOTHERROLE0000001',
            Arn: 'arn:aws:iam::123456789012:role/other',
            CreateDate: new Date(),
          },
        ],
        IsTruncated: true,
        Marker: 'page-2',
      })
      .resolves({ Roles: [roleResponse().Role], IsTruncated: false });
    await expect(invoke()).resolves.toMatchObject({ roleName: ROLE_NAME, action: 'attached' });
    expect(iamMock).toHaveReceivedCommandTimes(ListRolesCommand, 2);
    expect(iamMock).toHaveReceivedNthCommandWith(ListRolesCommand, 2, { Marker: 'page-2' });
  });

  it('attaches to the DHMC role of a region after reading every enabled region, and to nothing Systems Manager no longer names', async () => {
    const dhmcRole = {
      ...roleResponse().Role,
      Path: '/service-role/',
      AssumeRolePolicyDocument: urlEncoded(SSM_TRUST),
    };
    iamMock.on(GetRoleCommand, { RoleName: ROLE_NAME }).resolves({ Role: dhmcRole });
    iamMock.on(ListInstanceProfilesForRoleCommand).resolves({ InstanceProfiles: [], IsTruncated: false });
    ssmMock
      .on(GetServiceSettingCommand)
      .resolves({ ServiceSetting: { SettingValue: `service-role/${ROLE_NAME}`, Status: 'Customized' } });

    await expect(invoke()).resolves.toMatchObject({ action: 'attached' });
    expect(accountMock).toHaveReceivedCommandTimes(ListRegionsCommand, 1);
    expect(ssmMock).toHaveReceivedCommandTimes(GetServiceSettingCommand, 2);

    iamMock.resetHistory();
    ssmMock
      .on(GetServiceSettingCommand)
      .resolves({ ServiceSetting: { SettingValue: 'service-role/another-role', Status: 'Customized' } });
    await expect(invoke()).resolves.toMatchObject({
      action: 'skipped-not-eligible',
      reason: expect.stringContaining('no DHMC, activation or hybrid-node role'),
    });
    expect(iamMock).not.toHaveReceivedCommand(AttachRolePolicyCommand);
  });

  it('skips a role tagged exempt, without attaching', async () => {
    iamMock
      .on(GetRoleCommand, { RoleName: ROLE_NAME })
      .resolves(roleResponse([{ Key: 'SessionManagerExempt', Value: 'true' }]));
    await expect(invoke()).resolves.toMatchObject({
      action: 'skipped-not-eligible',
      reason: expect.stringContaining('exempt'),
    });
    expect(iamMock).not.toHaveReceivedCommand(AttachRolePolicyCommand);
  });

  it('rejects a role name where the role ID belongs, naming the field', async () => {
    await expect(invoke({ ...event, RoleId: ROLE_NAME })).rejects.toThrow(/RoleId: must be an IAM role ID/);
    expect(iamMock).not.toHaveReceivedCommand(AttachRolePolicyCommand);
  });

  it('explains a denied Config lookup, pointing at service control policies', async () => {
    configMock.on(BatchGetResourceConfigCommand).rejects(
      new ConfigServiceServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: {},
        message: 'with an explicit deny in a service control policy',
      }),
    );
    await expect(invoke()).rejects.toMatchObject({
      name: 'AwsAccessDeniedError',
      message: expect.stringMatching(
        /config:BatchGetResourceConfig was denied .*service control policy or permissions boundary/,
      ),
    });
    expect(iamMock).not.toHaveReceivedCommand(AttachRolePolicyCommand);
  });

  it('explains a denied attach', async () => {
    iamMock.on(AttachRolePolicyCommand).rejects(
      new IAMServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: {},
        message: 'not authorized to perform: iam:AttachRolePolicy',
      }),
    );
    await expect(invoke()).rejects.toMatchObject({
      name: 'AwsAccessDeniedError',
      message: expect.stringMatching(/iam:AttachRolePolicy was denied.*check that PolicyArn .* is that policy/),
    });
  });

  it('fails with AwsThrottledError when IAM keeps throttling after the SDK retries', async () => {
    iamMock.on(AttachRolePolicyCommand).rejects(throttled());
    await expect(invoke()).rejects.toMatchObject({
      name: 'AwsThrottledError',
      message: expect.stringContaining('iam:AttachRolePolicy was still throttled'),
    });
  });

  it('fails with AwsThrottledError when Config keeps throttling', async () => {
    configMock.on(BatchGetResourceConfigCommand).rejects(
      new ConfigServiceServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        $metadata: {},
        message: 'Rate exceeded',
      }),
    );
    await expect(invoke()).rejects.toMatchObject({ name: 'AwsThrottledError' });
  });

  it('fails with the managed-policy quota explained when the role is full', async () => {
    iamMock
      .on(AttachRolePolicyCommand)
      .rejects(new LimitExceededException({ $metadata: {}, message: 'Cannot exceed quota for PoliciesPerRole: 10' }));
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [], IsTruncated: false });
    await expect(invoke()).rejects.toMatchObject({
      name: 'ManagedPolicyQuotaError',
      message: expect.stringContaining('a role holds at most 10 managed policies by default, 20 with a quota increase'),
    });
  });

  it.each([
    ['the policy is missing', false, 'PolicyNotFoundError'],
    ['the role was deleted meanwhile', true, 'RoleNotFoundError'],
  ])('tells from IAM NoSuchEntity on attach that %s', async (_, policyExists, errorName) => {
    iamMock
      .on(AttachRolePolicyCommand)
      .rejects(new NoSuchEntityException({ $metadata: {}, message: 'The entity does not exist.' }));
    if (policyExists)
      iamMock.on(GetPolicyCommand).resolves({ Policy: { Arn: POLICY, PolicyName: 'session-guard-instance' } });
    else
      iamMock
        .on(GetPolicyCommand)
        .rejects(new NoSuchEntityException({ $metadata: {}, message: `Policy ${POLICY} was not found.` }));
    await expect(invoke()).rejects.toMatchObject({ name: errorName });
    expect(iamMock).toHaveReceivedCommandWith(GetPolicyCommand, { PolicyArn: POLICY });
  });
});

describe('AttachPolicyFunction metrics', () => {
  const withMetrics = attachPolicyHandler({
    iam: new IAMClient({ region: 'us-east-1' }),
    config: new ConfigServiceClient({ region: 'us-east-1' }),
    exemptionTagKey: 'SessionManagerExempt',
    nodeRoles,
    telemetry: enabledTelemetry(),
    sleep: async () => {},
  });

  /** The EMF records one invocation writes, whether it succeeds or throws. */
  async function recordsOf(rawEvent: unknown, functionName = 'fix'): Promise<EmfRecord[]> {
    const emf = captureEmf();
    try {
      await withMetrics(rawEvent, lambdaContext(functionName)).catch(() => undefined);
    } finally {
      emf.stop();
    }
    return emf.records();
  }
  const metricsOf = async (rawEvent: unknown) => (await recordsOf(rawEvent)).flatMap(metricNames);

  it('counts an attach under RemediationAttached, for the function that did it', async () => {
    const records = await recordsOf(event, 'session-guard-AttachPolicyFunction-AbC');
    expect(records.flatMap(metricNames)).toEqual(['RemediationAttached']);
    expect(records[0]).toMatchObject({
      FunctionName: 'session-guard-AttachPolicyFunction-AbC',
      RemediationAttached: 1,
    });
  });

  it('counts a failure under RemediationFailed, the metric the remediation alarm watches', async () => {
    iamMock
      .on(AttachRolePolicyCommand)
      .rejects(new LimitExceededException({ $metadata: {}, message: 'Cannot exceed quota for PoliciesPerRole: 10' }));
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [], IsTruncated: false });
    expect(await metricsOf(event)).toEqual(['RemediationFailed']);
  });

  it('counts a malformed request as a failed remediation too', async () => {
    expect(await metricsOf({ RoleId: 'web-server', PolicyArn: POLICY })).toEqual(['RemediationFailed']);
  });
});

describe('NODE_ROLE_REGIONS, as the template sets it from NodeRoleRegions', () => {
  it('reads empty as every enabled region, and a comma-separated list as those regions', () => {
    expect(parseNodeRoleRegions(undefined)).toEqual([]);
    expect(parseNodeRoleRegions('')).toEqual([]);
    expect(parseNodeRoleRegions('eu-west-1, us-gov-west-1,cn-north-1')).toEqual([
      'eu-west-1',
      'us-gov-west-1',
      'cn-north-1',
    ]);
  });

  it('refuses what is not a region name, naming the variable and the stack parameter', () => {
    expect(() => parseNodeRoleRegions('eu-west-1,Ireland')).toThrow(
      /NODE_ROLE_REGIONS .*AWS Region name.*NodeRoleRegions/,
    );
  });
});
