/**
 * The instance-role rule end to end: the bundle SAM would deploy, real SDK clients over HTTP,
 * IAM (and the region list) served by moto_server, the DHMC setting, activations and hybrid nodes
 * by the Systems Manager stand-in, a periodic sweep over a few hundred roles of every kind.
 */
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateServiceLinkedRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigRecorder } from '../support/config-recorder';
import { EC2_TRUST, LAMBDA_TRUST, SSM_TRUST, trustFor } from '../support/iam-documents';
import { lambdaContext, samEvent } from '../support/lambda';
import { loadBuiltHandler, motoAvailable, useMoto } from '../support/moto';
import { STAND_IN_REGIONS, useSystemsManagerNodeRoles } from '../support/ssm-node-roles';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

interface Expected {
  roleName: string;
  compliance: 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';
}

describe.skipIf(!motoAvailable)('instance-role rule against moto_server', () => {
  const moto = useMoto();
  const systemsManager = useSystemsManagerNodeRoles(moto);
  let recorder: ConfigRecorder;
  let handler: Handler;
  let iam: IAMClient;

  beforeAll(async () => {
    recorder = await ConfigRecorder.start(moto.endpoint);
    handler = await loadBuiltHandler<Handler>(
      'RolePolicyRuleFunction',
      moto.endpoint,
      recorder.endpoint,
      systemsManager.endpoint,
    );
    iam = new IAMClient(moto.clientSettings());
  });

  afterAll(async () => {
    await recorder?.close();
  });

  beforeEach(() => recorder.reset());

  /** Creates a role the way a team would, and says what the rule must conclude about it. */
  async function seedRole(
    roleName: string,
    trust: unknown,
    options: { path?: string; profile?: boolean; policies?: string[]; tags?: Record<string, string> },
  ): Promise<string> {
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        Path: options.path ?? '/',
        AssumeRolePolicyDocument: JSON.stringify(trust),
        Tags: Object.entries(options.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    if (options.profile) {
      await iam.send(
        new CreateInstanceProfileCommand({ InstanceProfileName: `${roleName}-profile`, Path: options.path ?? '/' }),
      );
      await iam.send(
        new AddRoleToInstanceProfileCommand({ InstanceProfileName: `${roleName}-profile`, RoleName: roleName }),
      );
    }
    for (const PolicyArn of options.policies ?? [])
      await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn }));
    return Role!.RoleId!;
  }

  // Seeding 280 roles takes over a thousand IAM calls; the long timeout only guards against a hang
  // on a busy machine.
  it('sweeps every role with the real SDK and reaches the right verdict for each', { timeout: 180_000 }, async () => {
    const instancePolicy = (
      await iam.send(
        new CreatePolicyCommand({
          PolicyName: 'SessionGuardInstancePolicy',
          Path: '/session-guard/',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'ssmmessages:CreateControlChannel', Resource: '*' }],
          }),
        }),
      )
    ).Policy!.Arn!;
    // Same name, other path: must not count.
    const lookalike = (
      await iam.send(
        new CreatePolicyCommand({
          PolicyName: 'SessionGuardInstancePolicy',
          Path: '/lookalike/',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
          }),
        }),
      )
    ).Policy!.Arn!;

    const expected = new Map<string, Expected>();
    const add = async (
      roleName: string,
      compliance: Expected['compliance'],
      trust: unknown,
      options: Parameters<typeof seedRole>[2],
    ) => {
      expected.set(await seedRole(roleName, trust, options), { roleName, compliance });
    };
    for (let i = 0; i < 60; i++)
      await add(`web-${i}`, 'COMPLIANT', EC2_TRUST, {
        profile: true,
        policies: [instancePolicy, 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy'],
      });
    for (let i = 0; i < 60; i++)
      await add(`batch-${i}`, 'NON_COMPLIANT', EC2_TRUST, {
        path: '/app/batch/',
        profile: true,
        policies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
      });
    for (let i = 0; i < 20; i++)
      await add(
        `lookalike-${i}`,
        'NON_COMPLIANT',
        trustFor({ Service: ['ssm.amazonaws.com', 'ec2.amazonaws.com'] }, ['sts:AssumeRole']),
        { profile: true, policies: [lookalike] },
      );
    for (let i = 0; i < 40; i++) await add(`lambda-${i}`, 'NOT_APPLICABLE', LAMBDA_TRUST, { profile: i % 2 === 0 });
    for (let i = 0; i < 40; i++) await add(`no-profile-${i}`, 'NOT_APPLICABLE', EC2_TRUST, {});
    for (let i = 0; i < 30; i++)
      await add(`break-glass-${i}`, 'NOT_APPLICABLE', EC2_TRUST, {
        profile: true,
        tags: { SessionManagerExempt: 'true' },
      });
    for (let i = 0; i < 30; i++) {
      const conditionOnly = trustFor({ AWS: 'arn:aws:iam::123456789012:root' }, 'sts:AssumeRole', {
        Condition: { StringEquals: { 'aws:PrincipalTag/origin': 'ec2.amazonaws.com' } },
      });
      await add(`condition-only-${i}`, 'NOT_APPLICABLE', conditionOnly, { profile: true });
    }
    for (let i = 0; i < 20; i++)
      await add(`wildcard-action-${i}`, 'NON_COMPLIANT', trustFor({ Service: 'ec2.amazonaws.com' }, 'sts:*'), {
        profile: true,
      });
    // Roles Systems Manager hands to nodes: DHMC in two regions, an activation, a registered hybrid
    // node; an expired activation's role and an SSM-trusted role nothing names stay out of scope.
    await add('dhmc', 'NON_COMPLIANT', SSM_TRUST, { path: '/service-role/' });
    systemsManager.setDhmcRole('eu-west-1', 'service-role/dhmc');
    systemsManager.setDhmcRole('us-east-1', 'service-role/dhmc');
    await add('edge-activation', 'COMPLIANT', SSM_TRUST, { policies: [instancePolicy] });
    systemsManager.addActivation('ap-southeast-2', {
      ActivationId: 'e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE',
      IamRole: 'edge-activation',
    });
    await add('datacenter-node', 'NON_COMPLIANT', SSM_TRUST, {});
    systemsManager.addHybridNode('eu-central-1', { InstanceId: 'mi-0123456789abcdef0', IamRole: 'datacenter-node' });
    await add('expired-activation', 'NOT_APPLICABLE', SSM_TRUST, {});
    systemsManager.addActivation('us-east-1', { ActivationId: 'pilot', IamRole: 'expired-activation', Expired: true });
    await add('automation', 'NOT_APPLICABLE', SSM_TRUST, {});
    const { Role: serviceLinked } = await iam.send(
      new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com' }),
    );
    expected.set(serviceLinked!.RoleId!, { roleName: serviceLinked!.RoleName!, compliance: 'NOT_APPLICABLE' });
    recorder.previousResults = [
      { resourceType: 'AWS::IAM::Role', resourceId: 'AROADELETEDROLE000001', compliance: 'NON_COMPLIANT' },
    ];

    const event = samEvent('RolePolicyRuleFunction', 'scheduled');
    await handler({ ...event, ruleParameters: JSON.stringify({ PolicyArn: instancePolicy }) }, lambdaContext());

    const reported = new Map(recorder.evaluations.map((e) => [e.ComplianceResourceId, e]));
    expect(reported.size).toBe(expected.size + 1);
    const wrong = [...expected].filter(([roleId, want]) => reported.get(roleId)?.ComplianceType !== want.compliance);
    expect(wrong.map(([, want]) => `${want.roleName} should be ${want.compliance}`)).toEqual([]);
    expect(reported.get('AROADELETEDROLE000001')?.ComplianceType).toBe('NOT_APPLICABLE');
    const annotationOf = (roleName: string) =>
      reported.get([...expected].find(([, want]) => want.roleName === roleName)![0])?.Annotation;
    expect(annotationOf('dhmc')).toContain(
      'DHMC role in eu-west-1, us-east-1. It lacks ssm:UpdateInstanceInformation too.',
    );
    expect(annotationOf('datacenter-node')).toMatch(/Role of hybrid node mi-0123456789abcdef0 \(eu-central-1\)\./);
    // Every region the account can use was read, once per sweep, and no disabled or still-enabling opt-in region.
    const enabled = [...STAND_IN_REGIONS]
      .filter(([, status]) => status === 'ENABLED' || status === 'ENABLED_BY_DEFAULT')
      .map(([region]) => region);
    const readRegions = systemsManager.calls
      .filter((c) => c.startsWith('GetServiceSetting '))
      .map((c) => c.split(' ')[1]);
    expect(readRegions.sort()).toEqual(enabled.sort());
    expect(new Set(systemsManager.calls).size).toBe(systemsManager.calls.length);
    expect(recorder.putEvaluationsCalls.every((call) => call.Evaluations.length <= 100 && call.TestMode === true)).toBe(
      true,
    );
    expect(recorder.putEvaluationsCalls).toHaveLength(Math.ceil((expected.size + 1) / 100));
  });
});
