import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { GetAccountAuthorizationDetailsCommand, IAMClient, type RoleDetail } from '@aws-sdk/client-iam';
import {
  DescribeActivationsCommand,
  DescribeInstanceInformationCommand,
  GetServiceSettingCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/instance-role-rule/handler';
import { ACCOUNT_REGIONS, listRegionsOf } from '../support/account-regions';
import { EC2_TRUST, LAMBDA_TRUST, urlEncoded } from '../support/iam-documents';
import { lambdaContext, samEvent, withChanges } from '../support/lambda';
import { roleHistoryResponse } from '../support/recorded';

const config = mockClient(ConfigServiceClient);
const iam = mockClient(IAMClient);
const account = mockClient(AccountClient);
const ssm = mockClient(SSMClient);
const DHMC_SETTING = '/ssm/managed-instance/default-ec2-instance-management-role';
const context = lambdaContext('RolePolicyRuleFunction');
const POLICY = 'arn:aws:iam::111122223333:policy/session-guard/session-guard-instance-policy';

const event = (name: string) => samEvent('RolePolicyRuleFunction', name);
const putInputs = () => config.commandCalls(PutEvaluationsCommand).map((c) => c.args[0].input);
const evaluations = () => putInputs().flatMap((input) => input.Evaluations ?? []);

beforeEach(() => {
  config.reset();
  iam.reset();
  account.reset();
  ssm.reset();
  account.on(ListRegionsCommand).callsFake(listRegionsOf(ACCOUNT_REGIONS));
  ssm
    .on(GetServiceSettingCommand)
    .resolves({ ServiceSetting: { SettingId: DHMC_SETTING, SettingValue: '$None', Status: 'Default' } });
  ssm.on(DescribeActivationsCommand).resolves({ ActivationList: [] });
  ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
});

describe('RolePolicyRuleFunction on a configuration change', () => {
  it('reports exactly one evaluation for the changed role, keyed by RoleId, at the capture time', async () => {
    const summary = await handler(event('change'), context);

    expect(summary).toEqual({ evaluations: 1, compliant: 0, nonCompliant: 1, notApplicable: 0 });
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(putInputs()[0]).toMatchObject({ ResultToken: 'TESTMODE', TestMode: true });
    expect(evaluations()).toEqual([
      {
        ComplianceResourceType: 'AWS::IAM::Role',
        ComplianceResourceId: 'AROAQXAMPLEBATCHWORK2',
        ComplianceType: 'NON_COMPLIANT',
        Annotation: expect.stringContaining(`attach ${POLICY}`),
        OrderingTimestamp: new Date('2026-11-20T09:15:42.123Z'),
      },
    ]);
    expect(iam.calls()).toHaveLength(0);
    // EC2 alone can assume it: no region is read for DHMC or hybrid roles.
    expect([...account.calls(), ...ssm.calls()]).toHaveLength(0);
  });

  it('reads every enabled region for a role Systems Manager can assume, and names the region whose DHMC setting names it', async () => {
    ssm.on(GetServiceSettingCommand).callsFake(async (_input, getClient) => {
      const region = await (getClient() as SSMClient).config.region();
      return {
        ServiceSetting: {
          SettingId: DHMC_SETTING,
          SettingValue:
            region === 'eu-west-1' ? 'service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole' : '$None',
        },
      };
    });

    await handler(event('dhmc-role-change'), context);

    expect(account).toHaveReceivedCommandTimes(ListRegionsCommand, 1);
    expect(account).toHaveReceivedCommandWith(ListRegionsCommand, {
      RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'],
      MaxResults: 50,
    });
    // The two regions enabled by default; the disabled and the still-enabling opt-in regions are not read.
    expect(ssm).toHaveReceivedCommandTimes(GetServiceSettingCommand, 2);
    expect(ssm).toHaveReceivedCommandWith(GetServiceSettingCommand, { SettingId: DHMC_SETTING });
    expect(ssm).toHaveReceivedCommandWith(DescribeInstanceInformationCommand, {
      Filters: [{ Key: 'ResourceType', Values: ['ManagedInstance'] }],
      MaxResults: 50,
    });
    expect(evaluations()).toEqual([
      expect.objectContaining({
        ComplianceResourceId: 'AROAQXAMPLEDHMCROLE11',
        ComplianceType: 'NON_COMPLIANT',
        Annotation: expect.stringMatching(/DHMC role in eu-west-1\.$/),
      }),
    ]);
  });

  it('puts the role of an unexpired activation or a hybrid node in scope, and reads only the regions NodeRoleRegions names', async () => {
    ssm.on(DescribeActivationsCommand).resolves({
      ActivationList: [
        { ActivationId: 'expired-1', IamRole: 'edge-devices-hybrid', Expired: true },
        { ActivationId: 'e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE', IamRole: 'edge-devices-hybrid', Expired: false },
      ],
    });
    ssm.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [
        { InstanceId: 'mi-0123456789abcdef0', IamRole: 'edge-devices-hybrid', ResourceType: 'ManagedInstance' },
      ],
    });
    const sample = event('activation-role-change');
    const inOneRegion = withChanges(sample, {
      ruleParameters: {
        ...(JSON.parse(sample.ruleParameters!) as Record<string, string>),
        NodeRoleRegions: 'ap-southeast-2',
      },
    });

    await handler(inOneRegion, context);

    expect(account).not.toHaveReceivedCommand(ListRegionsCommand);
    expect(ssm).toHaveReceivedCommandTimes(DescribeActivationsCommand, 1);
    // Clipped at Config's 256 characters, after the fix and the reasons.
    expect(evaluations()[0]?.Annotation).toContain(
      'Role of activation e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE (ap-southeast-2); role of hybrid node mi-01',
    );
    expect(evaluations()[0]?.Annotation).not.toContain('expired-1');
  });

  it('follows every page of ListRegions and never reads a region the account cannot use, even one the listing holds', async () => {
    account
      .on(ListRegionsCommand)
      .resolvesOnce({
        Regions: [
          { RegionName: 'eu-west-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
          { RegionName: 'me-south-1', RegionOptStatus: 'DISABLING' },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Regions: [
          { RegionName: 'ap-east-1', RegionOptStatus: 'ENABLED' },
          { RegionName: 'af-south-1', RegionOptStatus: 'DISABLED' },
        ],
      });
    const read: string[] = [];
    ssm.on(GetServiceSettingCommand).callsFake(async (_input, getClient) => {
      read.push(await (getClient() as SSMClient).config.region());
      return { ServiceSetting: { SettingId: DHMC_SETTING, SettingValue: '$None', Status: 'Default' } };
    });

    await handler(event('dhmc-role-change'), context);

    expect(account).toHaveReceivedNthCommandWith(ListRegionsCommand, 2, { NextToken: 'page-2' });
    expect(read.sort()).toEqual(['ap-east-1', 'eu-west-1']);
  });

  it('fails, reporting nothing, when the region list is denied, and names the parameter that avoids it', async () => {
    account.on(ListRegionsCommand).rejects(
      Object.assign(new Error('with an explicit deny in a service control policy'), {
        name: 'AccessDeniedException',
      }),
    );
    await expect(handler(event('dhmc-role-change'), context)).rejects.toThrow(
      /account:ListRegions was denied .* NodeRoleRegions/,
    );
    expect(ssm.calls()).toHaveLength(0);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('fails, reporting nothing, when a region cannot be read, and says how to leave it out', async () => {
    ssm.on(DescribeActivationsCommand).rejects(
      Object.assign(new Error('with an explicit deny in a service control policy'), {
        name: 'AccessDeniedException',
      }),
    );
    await expect(handler(event('dhmc-role-change'), context)).rejects.toThrow(
      /ssm:DescribeActivations in eu-west-1 was denied .* NodeRoleRegions/,
    );
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('is COMPLIANT once the policy is attached, and records the result outside test mode', async () => {
    const attached = withChanges(event('change'), {
      invokingEvent: (invoking) =>
        invoking.configurationItem.configuration.attachedManagedPolicies.push({
          policyName: 'instance',
          policyArn: POLICY,
        }),
      resultToken: 'eyJlbmNyeXB0ZWREYXRhIjpbMTExXX0=',
    });
    await handler(attached, context);

    expect(evaluations()[0]?.ComplianceType).toBe('COMPLIANT');
    expect(putInputs()[0]).toMatchObject({ ResultToken: 'eyJlbmNyeXB0ZWREYXRhIjpbMTExXX0=', TestMode: false });
  });

  it('accepts trust policies delivered as objects as well as URL-encoded text', async () => {
    const asObject = withChanges(event('change'), {
      invokingEvent: (invoking) => (invoking.configurationItem.configuration.assumeRolePolicyDocument = LAMBDA_TRUST),
    });
    await handler(asObject, context);
    expect(evaluations()[0]?.ComplianceType).toBe('NOT_APPLICABLE');
  });

  it('reports a deleted role NOT_APPLICABLE without reading its (null) configuration', async () => {
    await handler(event('deleted'), context);
    expect(evaluations()).toEqual([
      expect.objectContaining({
        ComplianceResourceId: 'AROAQXAMPLEBATCHWORK2',
        ComplianceType: 'NOT_APPLICABLE',
        Annotation: expect.stringContaining('ResourceDeleted'),
      }),
    ]);
  });

  it.each(['ResourceDeletedNotRecorded', 'ResourceNotRecorded'])('reports status %s NOT_APPLICABLE', async (status) => {
    await handler(
      withChanges(event('change'), {
        invokingEvent: (invoking) => (invoking.configurationItem.configurationItemStatus = status),
      }),
      context,
    );
    expect(evaluations()[0]?.ComplianceType).toBe('NOT_APPLICABLE');
  });

  it('reports a role that left the rule scope NOT_APPLICABLE', async () => {
    await handler({ ...event('change'), eventLeftScope: true }, context);
    expect(evaluations()).toHaveLength(1);
    expect(evaluations()[0]?.ComplianceType).toBe('NOT_APPLICABLE');
  });
});

describe('RolePolicyRuleFunction on an oversized change', () => {
  it('fetches the item from Config at the capture time and evaluates it', async () => {
    config.on(GetResourceConfigHistoryCommand).resolves(roleHistoryResponse());

    await handler(event('oversized'), context);

    expect(config).toHaveReceivedCommandWith(GetResourceConfigHistoryCommand, {
      resourceType: 'AWS::IAM::Role',
      resourceId: 'AROAQXAMPLEBATCHWORK2',
      laterTime: new Date('2026-11-20T09:15:42.123Z'),
      limit: 1,
    });
    expect(evaluations()).toEqual([
      expect.objectContaining({ ComplianceResourceId: 'AROAQXAMPLEBATCHWORK2', ComplianceType: 'NON_COMPLIANT' }),
    ]);
  });

  it('fails with a clear message when Config holds no such item, and reports nothing', async () => {
    config.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [] });
    await expect(handler(event('oversized'), context)).rejects.toThrow(
      /no configuration item for AWS::IAM::Role AROAQXAMPLEBATCHWORK2/,
    );
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });
});

describe('RolePolicyRuleFunction on a periodic sweep', () => {
  const roleDetail = (i: number, attached: string[] = []): RoleDetail => ({
    RoleName: `app-${i}`,
    RoleId: `AROAEXAMPLE${String(i).padStart(6, '0')}`,
    Path: '/',
    Arn: `arn:aws:iam::111122223333:role/app-${i}`,
    AssumeRolePolicyDocument: urlEncoded(EC2_TRUST),
    InstanceProfileList: [
      {
        InstanceProfileName: `app-${i}`,
        InstanceProfileId: `AIPA${i}`,
        Path: '/',
        Arn: `arn:aws:iam::111122223333:instance-profile/app-${i}`,
        CreateDate: new Date(),
        Roles: [],
      },
    ],
    AttachedManagedPolicies: attached.map((PolicyArn) => ({ PolicyArn, PolicyName: 'x' })),
    Tags: [],
  });

  it('reads roles with paged GetAccountAuthorizationDetails, reports in batches of 100, and clears stale results', async () => {
    const firstPage = Array.from({ length: 150 }, (_, i) => roleDetail(i, i % 2 === 0 ? [POLICY] : []));
    const secondPage = Array.from({ length: 100 }, (_, i) => roleDetail(150 + i));
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({ RoleDetailList: firstPage, IsTruncated: true, Marker: 'page-2' })
      .resolvesOnce({ RoleDetailList: secondPage, IsTruncated: false });
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [
        {
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: {
              ConfigRuleName: 'r',
              ResourceType: 'AWS::IAM::Role',
              ResourceId: 'AROAEXAMPLE000001',
            },
          },
        },
        {
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: {
              ConfigRuleName: 'r',
              ResourceType: 'AWS::IAM::Role',
              ResourceId: 'AROADELETEDLONGAGO',
            },
          },
        },
      ],
    });

    const summary = await handler(event('scheduled'), context);

    expect(iam).toHaveReceivedCommandTimes(GetAccountAuthorizationDetailsCommand, 2);
    expect(iam).toHaveReceivedNthCommandWith(GetAccountAuthorizationDetailsCommand, 1, {
      Filter: ['Role'],
      MaxItems: 1000,
    });
    expect(iam).toHaveReceivedNthCommandWith(GetAccountAuthorizationDetailsCommand, 2, {
      Filter: ['Role'],
      MaxItems: 1000,
      Marker: 'page-2',
    });
    expect(config).toHaveReceivedCommandWith(GetComplianceDetailsByConfigRuleCommand, {
      ConfigRuleName: 'session-guard-RolePolicyRule-1XYZ',
      ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
    });
    expect(summary).toEqual({ evaluations: 251, compliant: 75, nonCompliant: 175, notApplicable: 1 });
    // The node roles of every enabled region, read once for the whole sweep.
    expect(account).toHaveReceivedCommandTimes(ListRegionsCommand, 1);
    expect(ssm).toHaveReceivedCommandTimes(GetServiceSettingCommand, 2);
    expect(putInputs().map((input) => input.Evaluations?.length)).toEqual([100, 100, 51]);
    expect(evaluations().find((e) => e.ComplianceResourceId === 'AROADELETEDLONGAGO')).toMatchObject({
      ComplianceType: 'NOT_APPLICABLE',
      OrderingTimestamp: new Date('2026-11-21T00:00:00.000Z'),
    });
    expect(new Set(evaluations().map((e) => e.OrderingTimestamp?.toISOString()))).toEqual(
      new Set(['2026-11-21T00:00:00.000Z']),
    );
  });

  it('sends the evaluations Config reports as failed again', async () => {
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({ RoleDetailList: [roleDetail(1)], IsTruncated: false });
    const rejected = {
      ComplianceResourceType: 'AWS::IAM::Role',
      ComplianceResourceId: 'AROAEXAMPLE000001',
      ComplianceType: 'NON_COMPLIANT' as const,
      OrderingTimestamp: new Date(),
    };
    config
      .on(PutEvaluationsCommand)
      .resolvesOnce({ FailedEvaluations: [rejected] })
      .resolves({ FailedEvaluations: [] });

    await handler(event('scheduled'), context);
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 2);
    expect(putInputs()[1]?.Evaluations).toEqual([rejected]);
  });
});

describe('RolePolicyRuleFunction with bad input', () => {
  it('rejects an invalid PolicyArn parameter by name and reports nothing', async () => {
    const bad = { ...event('change'), ruleParameters: JSON.stringify({ PolicyArn: 'SessionGuardInstancePolicy' }) };
    await expect(handler(bad, context)).rejects.toThrow(/rule parameter PolicyArn: must be an IAM policy ARN/);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('rejects a missing PolicyArn parameter by name', async () => {
    await expect(handler({ ...event('change'), ruleParameters: '{}' }, context)).rejects.toThrow(
      /rule parameter PolicyArn/,
    );
  });

  it('rejects an event that is not a Config rule event, naming the field', async () => {
    await expect(handler({ ...event('change'), invokingEvent: '{"messageType":"Nope"}' }, context)).rejects.toThrow(
      /invokingEvent\.messageType/,
    );
    await expect(handler({ hello: 'world' }, context)).rejects.toThrow(/Not an AWS Config rule event/);
  });

  it('fails, reporting nothing, when IAM refuses the sweep', async () => {
    iam.on(GetAccountAuthorizationDetailsCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: iam:GetAccountAuthorizationDetails'), {
        name: 'AccessDenied',
      }),
    );
    await expect(handler(event('scheduled'), context)).rejects.toThrow(/iam:GetAccountAuthorizationDetails/);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });
});
