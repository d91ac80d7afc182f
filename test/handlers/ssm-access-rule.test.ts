import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import {
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/ssm-access-rule/handler';
import { lambdaContext, samEvent, withChanges } from '../support/lambda';
import { urlEncoded } from '../support/iam-documents';

const iam = mockClient(IAMClient);
const config = mockClient(ConfigServiceClient);
const context = lambdaContext('session-guard-SsmAccessRuleFunction-Q1W2E3R4');
const ACCOUNT = '123456789012';

const sentEvaluations = () =>
  config.commandCalls(PutEvaluationsCommand).flatMap((c) => c.args[0].input.Evaluations ?? []);

const broad = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Everything', Effect: 'Allow', Action: 'ssm:*', Resource: '*' }],
};
const scoped = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'TeamShells',
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: 'arn:aws:ec2:*:*:instance/*',
      Condition: { StringEquals: { 'ssm:resourceTag/Team': 'payments' } },
    },
    {
      Sid: 'PreferencesOnly',
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: 'arn:aws:ssm:*:*:document/SSM-SessionManagerRunShell',
    },
  ],
};

const FLEET_OPERATORS = `arn:aws:iam::${ACCOUNT}:policy/fleet-operators`;
const INSTANCE_CORE = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
const SSM_FULL_ACCESS = 'arn:aws:iam::aws:policy/AmazonSSMFullAccess';
const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';
const DENY_SHELLS = `arn:aws:iam::${ACCOUNT}:policy/deny-shells-boundary`;
// The AWS managed policies' default versions as IAM returns them (documents URL-encoded).
const managedPolicies: Record<string, { version: string; document: unknown }> = {
  [FLEET_OPERATORS]: { version: 'v3', document: scoped },
  [INSTANCE_CORE]: {
    version: 'v2',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel', 'ec2messages:GetMessages'],
          Resource: '*',
        },
      ],
    },
  },
  [SSM_FULL_ACCESS]: {
    version: 'v4',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['cloudwatch:PutMetricData', 'ds:CreateComputer', 'logs:*', 'ssm:*', 'ec2messages:*'],
          Resource: '*',
        },
      ],
    },
  },
  [ADMINISTRATOR_ACCESS]: {
    version: 'v1',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  },
  [DENY_SHELLS]: {
    version: 'v1',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        {
          Sid: 'NoShellsNorSessionControls',
          Effect: 'Deny',
          Action: ['ssm:SendCommand', 'ssm:StartSession', 'ssm:*Document*', 'ssm:*ServiceSetting'],
          Resource: '*',
        },
      ],
    },
  },
};

beforeEach(() => {
  iam.reset();
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  iam.on(GetPolicyCommand).callsFake(({ PolicyArn }: { PolicyArn: string }) => {
    const policy = managedPolicies[PolicyArn];
    if (!policy) throw new NoSuchEntityException({ message: `Policy ${PolicyArn} was not found.`, $metadata: {} });
    return { Policy: { Arn: PolicyArn, PolicyName: PolicyArn.split('/').pop(), DefaultVersionId: policy.version } };
  });
  iam.on(GetPolicyVersionCommand).callsFake(({ PolicyArn, VersionId }: { PolicyArn: string; VersionId: string }) => ({
    PolicyVersion: { VersionId, IsDefaultVersion: true, Document: urlEncoded(managedPolicies[PolicyArn]!.document) },
  }));
});

/** The role-change sample turned into a user's configuration item, as Config records users. */
const userChange = (configuration: Record<string, unknown>) =>
  withChanges(samEvent('SsmAccessRuleFunction', 'role-change'), {
    invokingEvent: (invoking) => {
      invoking.configurationItem = {
        ...invoking.configurationItem,
        resourceType: 'AWS::IAM::User',
        resourceId: 'AIDAR3CQWEXAMPLE0005',
        resourceName: 'alice',
        ARN: `arn:aws:iam::${ACCOUNT}:user/alice`,
        tags: {},
        configuration: {
          path: '/',
          userName: 'alice',
          userId: 'AIDAR3CQWEXAMPLE0005',
          arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
          userPolicyList: [],
          groupList: [],
          attachedManagedPolicies: [],
          permissionsBoundary: null,
          tags: [],
          ...configuration,
        },
      };
    },
  });

describe('SsmAccessRuleFunction on configuration changes', () => {
  it('reports a customer managed policy on its default version (v2), citing guardrail and statement', async () => {
    const summary = await handler(samEvent('SsmAccessRuleFunction', 'policy-change'), context);

    expect(summary).toEqual({ evaluations: 1, compliant: 0, nonCompliant: 1, notApplicable: 0 });
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, { ResultToken: 'TESTMODE', TestMode: true });
    const [evaluation] = sentEvaluations();
    expect(evaluation).toMatchObject({
      ComplianceResourceType: 'AWS::IAM::Policy',
      ComplianceResourceId: 'ANPAR3CQWEXAMPLE0001',
      ComplianceType: 'NON_COMPLIANT',
      OrderingTimestamp: new Date('2026-11-20T10:14:58.337Z'),
    });
    expect(evaluation?.Annotation).toMatch(
      /^Policy fleet-operators allows IAM-SSM-1, IAM-SSM-2(, SG-SSM-3)? through policy fleet-operators v2, statement OperateFleet \(ssm:SendCommand and ssm:StartSession on nodes it does not name/,
    );
    // The change event carries everything: IAM is not asked.
    expect(iam).not.toHaveReceivedAnyCommand();
  });

  it('asks IAM for the tags of a broad policy whose item does not record them, so a break-glass tag still counts', async () => {
    const untagged = withChanges(samEvent('SsmAccessRuleFunction', 'policy-change'), {
      invokingEvent: (invoking) => {
        delete invoking.configurationItem.configuration.tags;
        invoking.configurationItem.tags = {};
      },
    });
    iam.on(GetPolicyCommand).resolves({
      Policy: {
        PolicyName: 'fleet-operators',
        PolicyId: 'ANPAR3CQWEXAMPLE0001',
        Arn: FLEET_OPERATORS,
        Tags: [{ Key: 'SessionGuardBreakGlass', Value: 'true' }],
      },
    });

    await handler(untagged, context);

    expect(iam).toHaveReceivedCommandWith(GetPolicyCommand, {
      PolicyArn: 'arn:aws:iam::123456789012:policy/fleet-operators',
    });
    expect(sentEvaluations()).toEqual([
      expect.objectContaining({ ComplianceType: 'NOT_APPLICABLE', Annotation: expect.stringContaining('break-glass') }),
    ]);
  });

  it('passes a role whose inline and attached policies limit sessions by resource tag, reading the attached one from IAM', async () => {
    await handler(samEvent('SsmAccessRuleFunction', 'role-change'), context);
    expect(sentEvaluations()).toEqual([
      expect.objectContaining({
        ComplianceResourceType: 'AWS::IAM::Role',
        ComplianceResourceId: 'AROAR3CQWEXAMPLE0002',
        ComplianceType: 'COMPLIANT',
      }),
    ]);
    expect(iam).toHaveReceivedCommandExactlyOnceWith(GetPolicyCommand, { PolicyArn: INSTANCE_CORE });
    expect(iam).toHaveReceivedCommandExactlyOnceWith(GetPolicyVersionCommand, {
      PolicyArn: INSTANCE_CORE,
      VersionId: 'v2',
    });
  });

  it('fails a user with AmazonSSMFullAccess attached, naming the AWS managed policy, with two calls for it', async () => {
    await handler(
      userChange({ attachedManagedPolicies: [{ policyName: 'AmazonSSMFullAccess', policyArn: SSM_FULL_ACCESS }] }),
      context,
    );
    expect(sentEvaluations()).toEqual([
      expect.objectContaining({
        ComplianceResourceType: 'AWS::IAM::User',
        ComplianceResourceId: 'AIDAR3CQWEXAMPLE0005',
        ComplianceType: 'NON_COMPLIANT',
        Annotation: expect.stringMatching(
          /^User alice allows IAM-SSM-1, IAM-SSM-2, SG-SSM-3, SG-SSM-4 through AWS managed policy AmazonSSMFullAccess, statement #0 \(/,
        ),
      }),
    ]);
    expect(iam.calls()).toHaveLength(2);
  });

  it("reads the policies of a user's groups with one listing, and fails a user whose group has AdministratorAccess", async () => {
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({
      GroupDetailList: [
        {
          GroupName: 'admins',
          GroupId: 'AGPAR3CQWEXAMPLE0006',
          Arn: `arn:aws:iam::${ACCOUNT}:group/admins`,
          GroupPolicyList: [],
          AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: ADMINISTRATOR_ACCESS }],
        },
        {
          GroupName: 'other',
          GroupId: 'AGPAR3CQWEXAMPLE0007',
          Arn: `arn:aws:iam::${ACCOUNT}:group/other`,
          GroupPolicyList: [{ PolicyName: 'everything', PolicyDocument: urlEncoded(broad) }],
        },
      ],
      IsTruncated: false,
    });
    await handler(userChange({ groupList: ['admins'] }), context);
    expect(iam).toHaveReceivedCommandExactlyOnceWith(GetAccountAuthorizationDetailsCommand, {
      Filter: ['Group'],
      MaxItems: 1000,
    });
    expect(sentEvaluations()).toEqual([
      expect.objectContaining({
        ComplianceType: 'NON_COMPLIANT',
        Annotation: expect.stringContaining(
          'through group admins: AWS managed policy AdministratorAccess, statement #0',
        ),
      }),
    ]);
  });

  it('passes a user with AdministratorAccess whose permissions boundary denies shells and the session controls', async () => {
    const event = userChange({
      attachedManagedPolicies: [{ policyName: 'AdministratorAccess', policyArn: ADMINISTRATOR_ACCESS }],
      permissionsBoundary: {
        permissionsBoundaryType: 'PermissionsBoundaryPolicy',
        permissionsBoundaryArn: DENY_SHELLS,
      },
    });
    await handler(event, context);
    expect(sentEvaluations()).toEqual([expect.objectContaining({ ComplianceType: 'COMPLIANT' })]);
    expect(iam).toHaveReceivedCommandWith(GetPolicyVersionCommand, { PolicyArn: DENY_SHELLS, VersionId: 'v1' });
  });

  it('fails a role whose attached policy IAM no longer has, rather than passing it', async () => {
    const event = withChanges(samEvent('SsmAccessRuleFunction', 'role-change'), {
      invokingEvent: (invoking) => {
        invoking.configurationItem.configuration.attachedManagedPolicies = [
          { policyName: 'gone', policyArn: `arn:aws:iam::${ACCOUNT}:policy/gone` },
        ];
      },
    });
    await handler(event, context);
    expect(sentEvaluations()).toEqual([
      expect.objectContaining({
        ComplianceType: 'NON_COMPLIANT',
        Annotation: expect.stringContaining('policy gone (not found in IAM) that could not be read'),
      }),
    ]);
  });

  it('fails the same role once an inline policy grants every instance, and exempts it by its break-glass tag', async () => {
    const withInline = (tags: { key: string; value: string }[]) =>
      withChanges(samEvent('SsmAccessRuleFunction', 'role-change'), {
        invokingEvent: (invoking) => {
          invoking.configurationItem.configuration.rolePolicyList.push({
            policyName: 'everything',
            policyDocument: urlEncoded(broad),
          });
          invoking.configurationItem.configuration.tags = tags;
        },
      });
    await handler(withInline([]), context);
    await handler(withInline([{ key: 'SessionGuardBreakGlass', value: 'true' }]), context);
    expect(sentEvaluations()).toEqual([
      expect.objectContaining({
        ComplianceType: 'NON_COMPLIANT',
        Annotation: expect.stringMatching(
          /^Role payments-oncall allows IAM-SSM-1, IAM-SSM-2, SG-SSM-3, SG-SSM-4 through inline policy everything, statement Everything/,
        ),
      }),
      expect.objectContaining({
        ComplianceType: 'NOT_APPLICABLE',
        Annotation: expect.stringMatching(/^Role payments-oncall is break-glass \(tag SessionGuardBreakGlass=true\)/),
      }),
    ]);
  });

  it('exempts a group listed by ARN in BreakGlassArns', async () => {
    const event = withChanges(samEvent('SsmAccessRuleFunction', 'role-change'), {
      ruleParameters: { BreakGlassArns: `arn:aws:iam::${ACCOUNT}:group/break-glass` },
      invokingEvent: (invoking) => {
        invoking.configurationItem = {
          ...invoking.configurationItem,
          resourceType: 'AWS::IAM::Group',
          resourceId: 'AGPAR3CQWEXAMPLE0003',
          resourceName: 'break-glass',
          ARN: `arn:aws:iam::${ACCOUNT}:group/break-glass`,
          tags: {},
          configuration: {
            path: '/',
            groupName: 'break-glass',
            groupId: 'AGPAR3CQWEXAMPLE0003',
            arn: `arn:aws:iam::${ACCOUNT}:group/break-glass`,
            groupPolicyList: [{ policyName: 'everything', policyDocument: urlEncoded(broad) }],
            attachedManagedPolicies: [],
          },
        };
      },
    });
    await handler(event, context);
    expect(sentEvaluations()).toEqual([
      expect.objectContaining({ ComplianceResourceId: 'AGPAR3CQWEXAMPLE0003', ComplianceType: 'NOT_APPLICABLE' }),
    ]);
  });

  it('reads an oversized item from Config, whose history API returns the configuration as text', async () => {
    const original = JSON.parse(samEvent('SsmAccessRuleFunction', 'policy-change').invokingEvent).configurationItem;
    config.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [
        {
          resourceType: 'AWS::IAM::Policy',
          resourceId: original.resourceId,
          resourceName: original.resourceName,
          arn: original.ARN,
          accountId: ACCOUNT,
          configurationItemCaptureTime: new Date(original.configurationItemCaptureTime),
          configurationItemStatus: 'OK',
          configuration: JSON.stringify(original.configuration),
          tags: {},
        },
      ],
    });
    const event = withChanges(samEvent('SsmAccessRuleFunction', 'policy-change'), {
      invokingEvent: (invoking) => {
        const { resourceType, resourceId, resourceName, configurationItemCaptureTime, configurationItemStatus } =
          invoking.configurationItem;
        invoking.messageType = 'OversizedConfigurationItemChangeNotification';
        invoking.configurationItemSummary = {
          resourceType,
          resourceId,
          resourceName,
          configurationItemCaptureTime,
          configurationItemStatus,
          changeType: 'UPDATE',
        };
        delete invoking.configurationItem;
      },
    });
    await handler(event, context);
    expect(config).toHaveReceivedCommandWith(GetResourceConfigHistoryCommand, {
      resourceType: 'AWS::IAM::Policy',
      resourceId: 'ANPAR3CQWEXAMPLE0001',
      limit: 1,
    });
    expect(sentEvaluations()).toEqual([
      expect.objectContaining({ ComplianceResourceId: 'ANPAR3CQWEXAMPLE0001', ComplianceType: 'NON_COMPLIANT' }),
    ]);
  });

  it('fails a policy whose default version is not in the item rather than passing it', async () => {
    const event = withChanges(samEvent('SsmAccessRuleFunction', 'policy-change'), {
      invokingEvent: (invoking) => {
        const configuration = invoking.configurationItem.configuration;
        configuration.defaultVersionId = 'v9';
        for (const version of configuration.policyVersionList) version.isDefaultVersion = false;
      },
    });
    await handler(event, context);
    expect(sentEvaluations()).toEqual([
      expect.objectContaining({
        ComplianceType: 'NON_COMPLIANT',
        Annotation: expect.stringContaining(
          'policy fleet-operators (default version v9 not in the item) that could not be read',
        ),
      }),
    ]);
  });

  it('refuses a BreakGlassArns entry that is not an IAM ARN, naming it, and reports nothing', async () => {
    const event = withChanges(samEvent('SsmAccessRuleFunction', 'policy-change'), {
      ruleParameters: { BreakGlassArns: 'break-glass-role' },
    });
    await expect(handler(event, context)).rejects.toThrow(
      /rule parameter BreakGlassArns.*must be the ARN of an IAM policy, role, user or group/,
    );
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });
});

describe('SsmAccessRuleFunction on its periodic sweep', () => {
  it('reads the account in one GetAccountAuthorizationDetails listing, asks for tags only where they decide, and clears stale results', async () => {
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({
      Policies: [
        {
          PolicyName: 'break-glass-admin',
          PolicyId: 'ANPAR3CQWEXAMPLE0010',
          Arn: `arn:aws:iam::${ACCOUNT}:policy/break-glass-admin`,
          DefaultVersionId: 'v1',
          PolicyVersionList: [{ Document: urlEncoded(broad), VersionId: 'v1', IsDefaultVersion: true }],
        },
        {
          PolicyName: 'payments-shells',
          PolicyId: 'ANPAR3CQWEXAMPLE0011',
          Arn: `arn:aws:iam::${ACCOUNT}:policy/payments-shells`,
          DefaultVersionId: 'v3',
          PolicyVersionList: [
            { Document: urlEncoded(broad), VersionId: 'v2', IsDefaultVersion: false },
            { Document: urlEncoded(scoped), VersionId: 'v3', IsDefaultVersion: true },
          ],
        },
        {
          // AWS managed: read for the principals it is attached to, never reported itself.
          PolicyName: 'AmazonSSMFullAccess',
          PolicyId: 'ANPAAWSMANAGED000001',
          Arn: SSM_FULL_ACCESS,
          DefaultVersionId: 'v4',
          PolicyVersionList: [
            {
              Document: urlEncoded(managedPolicies[SSM_FULL_ACCESS]!.document),
              VersionId: 'v4',
              IsDefaultVersion: true,
            },
          ],
        },
      ],
      RoleDetailList: [
        {
          RoleName: 'ops',
          RoleId: 'AROAR3CQWEXAMPLE0012',
          Arn: `arn:aws:iam::${ACCOUNT}:role/ops`,
          Path: '/',
          RolePolicyList: [{ PolicyName: 'everything', PolicyDocument: urlEncoded(broad) }],
          Tags: [{ Key: 'team', Value: 'ops' }],
        },
      ],
      UserDetailList: [
        {
          UserName: 'alice',
          UserId: 'AIDAR3CQWEXAMPLE0013',
          Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
          UserPolicyList: [],
          GroupList: ['payments'],
        },
        {
          UserName: 'bob',
          UserId: 'AIDAR3CQWEXAMPLE0015',
          Arn: `arn:aws:iam::${ACCOUNT}:user/bob`,
          UserPolicyList: [],
          AttachedManagedPolicies: [{ PolicyName: 'AmazonSSMFullAccess', PolicyArn: SSM_FULL_ACCESS }],
        },
      ],
      GroupDetailList: [
        {
          GroupName: 'payments',
          GroupId: 'AGPAR3CQWEXAMPLE0014',
          Arn: `arn:aws:iam::${ACCOUNT}:group/payments`,
          GroupPolicyList: [{ PolicyName: 'shells', PolicyDocument: urlEncoded(scoped) }],
        },
      ],
      IsTruncated: false,
    });
    iam.on(GetPolicyCommand).resolves({
      Policy: {
        PolicyName: 'break-glass-admin',
        PolicyId: 'ANPAR3CQWEXAMPLE0010',
        Tags: [{ Key: 'SessionGuardBreakGlass', Value: 'true' }],
      },
    });
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [
        {
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: { ResourceType: 'AWS::IAM::Role', ResourceId: 'AROAR3CQWEXAMPLE0012' },
          },
        },
        {
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: { ResourceType: 'AWS::IAM::Role', ResourceId: 'AROAR3CQWEXAMPLEGONE' },
          },
        },
      ],
    });

    await handler(samEvent('SsmAccessRuleFunction', 'scheduled'), context);

    expect(iam).toHaveReceivedCommandExactlyOnceWith(GetAccountAuthorizationDetailsCommand, {
      Filter: ['LocalManagedPolicy', 'AWSManagedPolicy', 'Role', 'User', 'Group'],
      MaxItems: 1000,
    });
    expect(iam).toHaveReceivedCommandExactlyOnceWith(GetPolicyCommand, {
      PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/break-glass-admin`,
    });
    expect(sentEvaluations().map((e) => [e.ComplianceResourceType, e.ComplianceResourceId, e.ComplianceType])).toEqual([
      ['AWS::IAM::Policy', 'ANPAR3CQWEXAMPLE0010', 'NOT_APPLICABLE'],
      ['AWS::IAM::Policy', 'ANPAR3CQWEXAMPLE0011', 'COMPLIANT'],
      ['AWS::IAM::Role', 'AROAR3CQWEXAMPLE0012', 'NON_COMPLIANT'],
      ['AWS::IAM::User', 'AIDAR3CQWEXAMPLE0013', 'COMPLIANT'],
      ['AWS::IAM::User', 'AIDAR3CQWEXAMPLE0015', 'NON_COMPLIANT'],
      ['AWS::IAM::Group', 'AGPAR3CQWEXAMPLE0014', 'COMPLIANT'],
      ['AWS::IAM::Role', 'AROAR3CQWEXAMPLEGONE', 'NOT_APPLICABLE'],
    ]);
    expect(sentEvaluations().find((e) => e.ComplianceResourceId === 'AIDAR3CQWEXAMPLE0015')?.Annotation).toContain(
      'through AWS managed policy AmazonSSMFullAccess, statement #0',
    );
    expect(iam).not.toHaveReceivedCommand(GetPolicyVersionCommand);
    expect(new Set(sentEvaluations().map((e) => e.OrderingTimestamp?.toISOString()))).toEqual(
      new Set(['2026-11-20T06:00:00.000Z']),
    );
  });
});
