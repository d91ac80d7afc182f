/**
 * The SSM access guardrail rule's periodic path against moto_server: real IAM and Config clients over
 * HTTP, policies with several versions, inline policies on roles, users and groups.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetGroupCommand,
  GetRoleCommand,
  GetUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  PutRolePermissionsBoundaryCommand,
  AttachRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigRecorder } from '../support/config-recorder';
import { createSsmAccessRule } from '../../functions/ssm-access-rule/rule';
import { IamGateway } from '../../functions/shared/adapters/iam';
import { NO_EXEMPTIONS } from '../../functions/shared/core/ssm-access-guardrails';
import { parseConfigRuleEvent } from '../../functions/shared/config-rule/event';
import { runConfigRule } from '../../functions/shared/config-rule/run';
import { configThroughMoto } from '../support/config-through-moto';
import { loadBuiltHandler, motoAvailable, useMoto } from '../support/moto';
import { lambdaContext, samEvent } from '../support/lambda';
import { EC2_TRUST } from '../support/iam-documents';
import type { ConfigurationItem } from '../../functions/shared/config-rule/event';

const doc = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] });
const BROAD = doc({ Sid: 'RunAnywhere', Action: ['ssm:SendCommand'], Resource: 'arn:aws:ec2:*:*:instance/*' });
const SESSIONS_ANYWHERE = doc({ Sid: 'ShellAnywhere', Action: 'ssm:Start*', Resource: '*' });
const DENY_SHELLS_BOUNDARY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: '*', Resource: '*' },
    {
      Effect: 'Deny',
      Action: ['ssm:SendCommand', 'ssm:StartSession', 'ssm:*Document*', 'ssm:*ServiceSetting'],
      Resource: '*',
    },
  ],
});
const SCOPED = doc({
  Action: ['ssm:SendCommand', 'ssm:StartSession'],
  Resource: 'arn:aws:ec2:*:*:instance/*',
  Condition: { StringEquals: { 'aws:ResourceTag/Team': 'payments' } },
});

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

describe.skipIf(!motoAvailable)('SsmAccessRuleFunction periodic sweep against moto_server', () => {
  // AWS managed policies loaded (MOTO_IAM_LOAD_MANAGED_POLICIES): users and groups attach the real ones.
  const moto = useMoto({ awsManagedPolicies: true });
  const AWS_MANAGED = 'arn:aws:iam::aws:policy/';
  const rule = (iam: IAMClient) => createSsmAccessRule(new IamGateway(iam));
  const params = NO_EXEMPTIONS;

  /**
   * Users who get shells from AWS managed policies, directly or through a group, and a role whose
   * boundary takes them away (moto has no PutUserPermissionsBoundary; the handler tests cover a user's).
   */
  async function effectiveAccessAccount(iam: IAMClient): Promise<Record<string, string>> {
    await iam.send(new CreateUserCommand({ UserName: 'dana' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'dana', PolicyArn: `${AWS_MANAGED}AmazonSSMFullAccess` }));
    await iam.send(new CreateGroupCommand({ GroupName: 'platform-admins' }));
    await iam.send(
      new AttachGroupPolicyCommand({ GroupName: 'platform-admins', PolicyArn: `${AWS_MANAGED}AdministratorAccess` }),
    );
    await iam.send(new CreateUserCommand({ UserName: 'erin' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'platform-admins', UserName: 'erin' }));
    const boundary = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'deny-shells-boundary', PolicyDocument: DENY_SHELLS_BOUNDARY }),
    );
    await iam.send(
      new CreateRoleCommand({ RoleName: 'power-users', AssumeRolePolicyDocument: JSON.stringify(EC2_TRUST) }),
    );
    await iam.send(
      new AttachRolePolicyCommand({ RoleName: 'power-users', PolicyArn: `${AWS_MANAGED}PowerUserAccess` }),
    );
    await iam.send(
      new PutRolePermissionsBoundaryCommand({ RoleName: 'power-users', PermissionsBoundary: boundary.Policy!.Arn! }),
    );
    const ids: Record<string, string> = {};
    for (const name of ['dana', 'erin'])
      ids[name] = (await iam.send(new GetUserCommand({ UserName: name }))).User!.UserId!;
    ids['power-users'] = (await iam.send(new GetRoleCommand({ RoleName: 'power-users' }))).Role!.RoleId!;
    ids['platform-admins'] = (await iam.send(new GetGroupCommand({ GroupName: 'platform-admins' }))).Group!.GroupId!;
    return ids;
  }

  it("judges principals on their AWS managed policies, their groups' and their boundary, on the sweep", async () => {
    const iam = new IAMClient(moto.clientSettings());
    const ids = await effectiveAccessAccount(iam);
    const event = parseConfigRuleEvent(samEvent('SsmAccessRuleFunction', 'scheduled'));
    const evaluations = await runConfigRule(
      rule(iam),
      event,
      configThroughMoto(new ConfigServiceClient(moto.clientSettings())),
    );
    const byId = new Map(evaluations.map((e) => [e.resourceId, e]));
    expect(byId.get(ids.dana!)).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining('through AWS managed policy AmazonSSMFullAccess, statement'),
    });
    expect(byId.get(ids.erin!)).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining(
        'through group platform-admins: AWS managed policy AdministratorAccess, statement #0',
      ),
    });
    expect(byId.get(ids['platform-admins']!)).toMatchObject({ compliance: 'NON_COMPLIANT' });
    expect(byId.get(ids['power-users']!)).toMatchObject({ compliance: 'COMPLIANT' });
    // AWS managed policies are read, never reported: Config does not record them.
    expect(evaluations.every((e) => !e.annotation.startsWith('Policy AmazonSSMFullAccess'))).toBe(true);
  });

  it('reads the same users from their Config items on a change, fetching each managed policy from IAM', async () => {
    const iam = new IAMClient(moto.clientSettings());
    await effectiveAccessAccount(iam);
    const userItem = (userName: string, configuration: Record<string, unknown>): ConfigurationItem => ({
      resourceType: 'AWS::IAM::User',
      resourceId: `AIDA${userName.toUpperCase()}`,
      resourceName: userName,
      ARN: `arn:aws:iam::123456789012:user/${userName}`,
      awsAccountId: '123456789012',
      awsRegion: 'global',
      configurationItemCaptureTime: '2026-11-20T10:14:58.337Z',
      configurationItemStatus: 'OK',
      tags: {},
      configuration: {
        userName,
        arn: `arn:aws:iam::123456789012:user/${userName}`,
        userPolicyList: [],
        groupList: [],
        attachedManagedPolicies: [],
        permissionsBoundary: null,
        tags: [],
        ...configuration,
      },
    });
    const evaluate = (item: ConfigurationItem) => rule(iam).evaluateItem(item, params);
    await expect(
      evaluate(
        userItem('dana', {
          attachedManagedPolicies: [
            { policyName: 'AmazonSSMFullAccess', policyArn: `${AWS_MANAGED}AmazonSSMFullAccess` },
          ],
        }),
      ),
    ).resolves.toMatchObject({ compliance: 'NON_COMPLIANT' });
    await expect(evaluate(userItem('erin', { groupList: ['platform-admins'] }))).resolves.toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining('group platform-admins: AWS managed policy AdministratorAccess'),
    });
    await expect(
      evaluate(
        userItem('frank', {
          attachedManagedPolicies: [{ policyName: 'PowerUserAccess', policyArn: `${AWS_MANAGED}PowerUserAccess` }],
          permissionsBoundary: {
            permissionsBoundaryType: 'PermissionsBoundaryPolicy',
            permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/deny-shells-boundary',
          },
        }),
      ),
    ).resolves.toMatchObject({ compliance: 'COMPLIANT' });
    await expect(
      evaluate(
        userItem('frank', {
          attachedManagedPolicies: [{ policyName: 'PowerUserAccess', policyArn: `${AWS_MANAGED}PowerUserAccess` }],
        }),
      ),
    ).resolves.toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining('AWS managed policy PowerUserAccess'),
    });
  });

  it('reports every customer managed policy on its default version and every inline-policy holder by its ID', async () => {
    const iam = new IAMClient(moto.clientSettings());
    // v1 was broad; v2, the default, is scoped: only v2 counts.
    const tightened = await iam.send(new CreatePolicyCommand({ PolicyName: 'fleet-operators', PolicyDocument: BROAD }));
    await iam.send(
      new CreatePolicyVersionCommand({ PolicyArn: tightened.Policy!.Arn!, PolicyDocument: SCOPED, SetAsDefault: true }),
    );
    // v1 was scoped; v2, the default, is broad.
    const loosened = await iam.send(new CreatePolicyCommand({ PolicyName: 'ops-runbook', PolicyDocument: SCOPED }));
    await iam.send(
      new CreatePolicyVersionCommand({ PolicyArn: loosened.Policy!.Arn!, PolicyDocument: BROAD, SetAsDefault: true }),
    );
    const breakGlass = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'break-glass',
        PolicyDocument: SESSIONS_ANYWHERE,
        Tags: [{ Key: 'SessionGuardBreakGlass', Value: 'true' }],
      }),
    );

    await iam.send(new CreateRoleCommand({ RoleName: 'oncall', AssumeRolePolicyDocument: JSON.stringify(EC2_TRUST) }));
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'oncall', PolicyName: 'shells', PolicyDocument: SESSIONS_ANYWHERE }),
    );
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'team', PolicyDocument: SCOPED }));
    await iam.send(new CreateGroupCommand({ GroupName: 'admins' }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'admins', PolicyName: 'run', PolicyDocument: BROAD }));
    const roleId = (await iam.send(new GetRoleCommand({ RoleName: 'oncall' }))).Role!.RoleId!;
    const userId = (await iam.send(new GetUserCommand({ UserName: 'alice' }))).User!.UserId!;
    const groupId = (await iam.send(new GetGroupCommand({ GroupName: 'admins' }))).Group!.GroupId!;

    const event = parseConfigRuleEvent(samEvent('SsmAccessRuleFunction', 'scheduled'));
    const evaluations = await runConfigRule(
      rule(iam),
      event,
      configThroughMoto(new ConfigServiceClient(moto.clientSettings())),
    );

    const byId = new Map(evaluations.map((e) => [e.resourceId, e]));
    // The six subjects made here; moto's AWS managed policies are read, not reported.
    expect(evaluations).toHaveLength(6);
    expect(byId.get(tightened.Policy!.PolicyId!)).toMatchObject({
      resourceType: 'AWS::IAM::Policy',
      compliance: 'COMPLIANT',
    });
    expect(byId.get(loosened.Policy!.PolicyId!)).toMatchObject({
      resourceType: 'AWS::IAM::Policy',
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining(
        'IAM-SSM-1 through policy ops-runbook v2, statement RunAnywhere (ssm:SendCommand on nodes it does not name)',
      ),
    });
    expect(byId.get(breakGlass.Policy!.PolicyId!)).toMatchObject({
      compliance: 'NOT_APPLICABLE',
      annotation: expect.stringContaining('break-glass'),
    });
    expect(byId.get(roleId)).toMatchObject({
      resourceType: 'AWS::IAM::Role',
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining(
        'IAM-SSM-2, SG-SSM-3 through inline policy shells, statement ShellAnywhere (ssm:StartSession on nodes it does not name; ssm:StartSession with AWS-StartSSHSession)',
      ),
    });
    expect(byId.get(userId)).toMatchObject({ resourceType: 'AWS::IAM::User', compliance: 'COMPLIANT' });
    expect(byId.get(groupId)).toMatchObject({ resourceType: 'AWS::IAM::Group', compliance: 'NON_COMPLIANT' });
    expect(evaluations.every((e) => e.orderingTimestamp.toISOString() === '2026-11-20T06:00:00.000Z')).toBe(true);
  });
  describe('the built bundle, on the policies that show how IAM combines and matches, and the four findings', () => {
    let recorder: ConfigRecorder | undefined;
    afterAll(async () => recorder?.close());

    const statement = (extra: Record<string, unknown>) => ({ Effect: 'Allow', Action: 'ssm:StartSession', ...extra });
    const inline = (...statements: Record<string, unknown>[]) =>
      JSON.stringify({ Version: '2012-10-17', Statement: statements });
    const ACCOUNT = '123456789012';
    const tagged = statement({
      Resource: `arn:aws:ec2:*:${ACCOUNT}:instance/*`,
      Condition: { StringEquals: { 'ssm:resourceTag/Team': 'ops' } },
    });
    const cases: [string, string, 'COMPLIANT' | 'NON_COMPLIANT'][] = [
      // Each alone misses some nodes; together they cover every one.
      [
        'split',
        inline(
          statement({ Resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*` }),
          statement({ NotResource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*` }),
        ),
        'NON_COMPLIANT',
      ],
      // No aws-partition node is in a cn-* region.
      ['not-china', inline(statement({ NotResource: 'arn:aws:ec2:cn-*:*:instance/*' })), 'NON_COMPLIANT'],
      [
        'tag-exists',
        inline(statement({ Resource: '*', Condition: { StringLike: { 'aws:ResourceTag/Team': '?*' } } })),
        'NON_COMPLIANT',
      ],
      [
        'tag-any',
        inline(statement({ Resource: '*', Condition: { StringLike: { 'aws:ResourceTag/Team': ['ops', '*'] } } })),
        'NON_COMPLIANT',
      ],
      // Instances only: StartSession on "*" would also reach every session document (SG-SSM-3).
      [
        'tag-literal-star',
        inline(
          statement({
            Resource: `arn:aws:ec2:*:${ACCOUNT}:instance/*`,
            Condition: { StringEquals: { 'ssm:resourceTag/Team': '*' } },
          }),
        ),
        'COMPLIANT',
      ],
      [
        'tag-empty',
        inline(
          statement({
            Resource: `arn:aws:ec2:*:${ACCOUNT}:instance/*`,
            Condition: { StringEquals: { 'aws:ResourceTag/Team': '' } },
          }),
        ),
        'COMPLIANT',
      ],
      [
        'hybrid',
        inline({ Effect: 'Allow', Action: 'ssm:SendCommand', Resource: `arn:aws:ssm:*:${ACCOUNT}:managed-instance/*` }),
        'NON_COMPLIANT',
      ],
      [
        'listed',
        inline(
          statement({
            Resource: [
              `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`,
              `arn:aws:ssm:us-east-1:${ACCOUNT}:managed-instance/mi-0123456789abcdef0`,
            ],
          }),
        ),
        'COMPLIANT',
      ],
      // SG-SSM-3: sessions on tagged instances, with any document or with the preferences' only.
      ['any-document', inline(tagged, statement({ Resource: 'arn:aws:ssm:*:*:document/*' })), 'NON_COMPLIANT'],
      [
        'preferences-document',
        inline(tagged, statement({ Resource: `arn:aws:ssm:*:${ACCOUNT}:document/SSM-SessionManagerRunShell` })),
        'COMPLIANT',
      ],
      // SG-SSM-4: may rewrite the preferences, or only another document.
      ['edit-any-document', inline({ Effect: 'Allow', Action: 'ssm:UpdateDocument', Resource: '*' }), 'NON_COMPLIANT'],
      [
        'edit-team-document',
        inline({
          Effect: 'Allow',
          Action: 'ssm:UpdateDocument',
          Resource: `arn:aws:ssm:*:${ACCOUNT}:document/TeamShell`,
        }),
        'COMPLIANT',
      ],
    ];

    it('reports each user as IAM would decide it, through GetAccountAuthorizationDetails and PutEvaluations', async () => {
      recorder = await ConfigRecorder.start(moto.endpoint);
      const handler = await loadBuiltHandler<Handler>('SsmAccessRuleFunction', moto.endpoint, recorder.endpoint);
      const iam = new IAMClient(moto.clientSettings());
      const expected = new Map<string, [string, string]>();
      for (const [name, document, compliance] of cases) {
        await iam.send(new CreateUserCommand({ UserName: name }));
        await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: name, PolicyDocument: document }));
        expected.set((await iam.send(new GetUserCommand({ UserName: name }))).User!.UserId!, [name, compliance]);
      }

      await handler(samEvent('SsmAccessRuleFunction', 'scheduled'), lambdaContext());

      const reported = new Map(recorder.evaluations.map((e) => [e.ComplianceResourceId, e.ComplianceType]));
      expect([...expected].map(([id, [name]]) => [name, reported.get(id)])).toEqual(
        cases.map(([name, , compliance]) => [name, compliance]),
      );
    });
  });
});
