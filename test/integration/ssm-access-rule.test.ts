/**
 * The SSM access guardrail rule's periodic path against moto_server: real IAM and Config clients over
 * HTTP, policies with several versions, inline policies on roles, users and groups.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import {
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
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { createSsmAccessRule } from '../../functions/ssm-access-rule/rule';
import { IamGateway } from '../../functions/shared/adapters/iam';
import { parseConfigRuleEvent } from '../../functions/shared/config-rule/event';
import { runConfigRule } from '../../functions/shared/config-rule/run';
import { configThroughMoto } from '../support/config-through-moto';
import { motoAvailable, useMoto } from '../support/moto';
import { samEvent } from '../support/lambda';
import { EC2_TRUST } from '../support/iam-documents';

const doc = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] });
const BROAD = doc({ Sid: 'RunAnywhere', Action: ['ssm:SendCommand'], Resource: 'arn:aws:ec2:*:*:instance/*' });
const SESSIONS_ANYWHERE = doc({ Sid: 'ShellAnywhere', Action: 'ssm:Start*', Resource: '*' });
const SCOPED = doc({ Action: ['ssm:SendCommand', 'ssm:StartSession'], Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/Team': 'payments' } } });

describe.skipIf(!motoAvailable)('SsmAccessRuleFunction periodic sweep against moto_server', () => {
  const moto = useMoto();

  it('reports every customer managed policy on its default version and every inline-policy holder by its ID', async () => {
    const iam = new IAMClient(moto.clientSettings());
    // v1 was broad; v2, the default, is scoped: only v2 counts.
    const tightened = await iam.send(new CreatePolicyCommand({ PolicyName: 'fleet-operators', PolicyDocument: BROAD }));
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: tightened.Policy!.Arn!, PolicyDocument: SCOPED, SetAsDefault: true }));
    // v1 was scoped; v2, the default, is broad.
    const loosened = await iam.send(new CreatePolicyCommand({ PolicyName: 'ops-runbook', PolicyDocument: SCOPED }));
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: loosened.Policy!.Arn!, PolicyDocument: BROAD, SetAsDefault: true }));
    const breakGlass = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'break-glass', PolicyDocument: SESSIONS_ANYWHERE, Tags: [{ Key: 'SessionGuardBreakGlass', Value: 'true' }] }),
    );

    await iam.send(new CreateRoleCommand({ RoleName: 'oncall', AssumeRolePolicyDocument: JSON.stringify(EC2_TRUST) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'oncall', PolicyName: 'shells', PolicyDocument: SESSIONS_ANYWHERE }));
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'team', PolicyDocument: SCOPED }));
    await iam.send(new CreateGroupCommand({ GroupName: 'admins' }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'admins', PolicyName: 'run', PolicyDocument: BROAD }));
    const roleId = (await iam.send(new GetRoleCommand({ RoleName: 'oncall' }))).Role!.RoleId!;
    const userId = (await iam.send(new GetUserCommand({ UserName: 'alice' }))).User!.UserId!;
    const groupId = (await iam.send(new GetGroupCommand({ GroupName: 'admins' }))).Group!.GroupId!;

    const rule = createSsmAccessRule(new IamGateway(iam));
    const event = parseConfigRuleEvent(samEvent('SsmAccessRuleFunction', 'scheduled'));
    const evaluations = await runConfigRule(rule, event, configThroughMoto(new ConfigServiceClient(moto.clientSettings())));

    const byId = new Map(evaluations.map((e) => [e.resourceId, e]));
    expect(evaluations).toHaveLength(6);
    expect(byId.get(tightened.Policy!.PolicyId!)).toMatchObject({ resourceType: 'AWS::IAM::Policy', compliance: 'COMPLIANT' });
    expect(byId.get(loosened.Policy!.PolicyId!)).toMatchObject({
      resourceType: 'AWS::IAM::Policy',
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining('IAM-SSM-1 ssm:SendCommand (policy ops-runbook v2, statement RunAnywhere)'),
    });
    expect(byId.get(breakGlass.Policy!.PolicyId!)).toMatchObject({ compliance: 'NOT_APPLICABLE', annotation: expect.stringContaining('break-glass') });
    expect(byId.get(roleId)).toMatchObject({
      resourceType: 'AWS::IAM::Role',
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining('IAM-SSM-2 ssm:StartSession (inline policy shells, statement ShellAnywhere)'),
    });
    expect(byId.get(userId)).toMatchObject({ resourceType: 'AWS::IAM::User', compliance: 'COMPLIANT' });
    expect(byId.get(groupId)).toMatchObject({ resourceType: 'AWS::IAM::Group', compliance: 'NON_COMPLIANT' });
    expect(evaluations.every((e) => e.orderingTimestamp.toISOString() === '2026-11-20T06:00:00.000Z')).toBe(true);
  });
});
