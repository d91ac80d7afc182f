/**
 * The remediation end to end: the real Automation document, run by the test runner, invoking the
 * real AttachPolicyFunction handler, against moto's IAM (and, for the DHMC setting, activations and
 * hybrid nodes moto lacks, the Systems Manager stand-in); then the instance-role rule evaluates the
 * role again from live IAM.
 */
import { AccountClient } from '@aws-sdk/client-account';
import {
  BatchGetResourceConfigCommand,
  type BatchGetResourceConfigCommandInput,
  ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import * as iamSdk from '@aws-sdk/client-iam';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createInstanceRoleRule } from '../../functions/instance-role-rule/rule';
import { IamGateway } from '../../functions/shared/adapters/iam';
import { NodeRoleGateway } from '../../functions/shared/adapters/ssm-node-roles';
import { parsePolicyDocument, statementCoversAction } from '../../functions/shared/core/policy-document';
import type { RemediationOutcome } from '../../functions/attach-policy/remediate';
import { type AutomationEnvironment, loadAutomationDocument, runAutomation } from '../support/automation-runner';
import { lambdaContext } from '../support/lambda';
import { motoAvailable, useMoto } from '../support/moto';
import { createInstancePolicy, createInstanceRole } from '../support/moto-iam';
import { SSM_TRUST } from '../support/iam-documents';
import { useSystemsManagerNodeRoles } from '../support/ssm-node-roles';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:session-guard-AttachPolicyFunction-AbCdEf123456';
const AUTOMATION_ROLE = 'arn:aws:iam::123456789012:role/session-guard-AttachPolicyAutomationRole-AbCdEf123456';
const DOCUMENT = loadAutomationDocument(
  fileURLToPath(new URL('../../automation-docs/attach-instance-policy.yaml', import.meta.url)),
  {
    'AttachPolicyFunction.Arn': FUNCTION_ARN,
  },
);

// moto's Config cannot answer for IAM roles in a shape the SDK reads; this answers as Config does
// for a recorded role: resourceId is the RoleId, resourceName the name.
const configMock = mockClient(ConfigServiceClient);
const recordedRoles = new Map<string, string>();

describe.skipIf(!motoAvailable)('remediation end to end (document + function + rule, against moto IAM)', () => {
  // No AWS managed policy is attached or read here: skip loading them, which costs a second per reset.
  const moto = useMoto({ awsManagedPolicies: false });
  const systemsManager = useSystemsManagerNodeRoles(moto);
  let iam: IAMClient;
  let policyArn: string;
  let handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<RemediationOutcome>;

  beforeAll(async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_IAM', moto.endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    vi.stubEnv('EXEMPTION_TAG_KEY', 'SessionManagerExempt');
    // The account's regions (ListRegions) and the Systems Manager reads from the stand-in.
    vi.stubEnv('AWS_ENDPOINT_URL_ACCOUNT', systemsManager.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_SSM', systemsManager.endpoint);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    // The deployed module, with the clients it builds from its environment.
    ({ handler } = await import('../../functions/attach-policy/handler'));
  });

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  beforeEach(async () => {
    iam = new IAMClient(moto.clientSettings());
    policyArn = await createInstancePolicy(iam);
    recordedRoles.clear();
    configMock.reset();
    configMock.on(BatchGetResourceConfigCommand).callsFake(async (input: BatchGetResourceConfigCommandInput) => ({
      baseConfigurationItems: (input.resourceKeys ?? []).flatMap(({ resourceType, resourceId }) => {
        const name = recordedRoles.get(resourceId!);
        return name
          ? [{ resourceType, resourceId, resourceName: name, accountId: '123456789012', awsRegion: 'global' }]
          : [];
      }),
      unprocessedResourceKeys: [],
    }));
  });

  const environment = (overrides: Partial<AutomationEnvironment> = {}): AutomationEnvironment => ({
    functionErrorFailsStep: false,
    invokeFunction: async (functionName, payload) => {
      expect(functionName).toBe(FUNCTION_ARN);
      return handler(payload, lambdaContext('AttachPolicyFunction'));
    },
    callAwsApi: async (service, api, input) => {
      expect(service).toBe('iam');
      const Command = (iamSdk as unknown as Record<string, new (input: unknown) => Parameters<IAMClient['send']>[0]>)[
        `${api}Command`
      ];
      if (!Command) throw new Error(`@aws-sdk/client-iam has no ${api}Command`);
      const { $metadata: _metadata, ...response } = (await iam.send(new Command(input))) as { $metadata: unknown };
      return response;
    },
    ...overrides,
  });

  const createRole = async (spec: Parameters<typeof createInstanceRole>[1]) => {
    const roleId = await createInstanceRole(iam, spec);
    recordedRoles.set(roleId, spec.name);
    return roleId;
  };

  /** The rule's periodic evaluation over live IAM, for one role. */
  const ruleVerdict = async (roleId: string) => {
    const nodeRoles = new NodeRoleGateway(
      new AccountClient({ ...moto.clientSettings(), endpoint: systemsManager.endpoint }),
      (region) => new SSMClient({ ...moto.clientSettings(), endpoint: systemsManager.endpoint, region }),
    );
    const rule = createInstanceRoleRule({
      listRoles: () => new IamGateway(iam).listRoles(),
      listNodeRoles: (regions) => nodeRoles.listNodeRoles(regions),
    });
    const verdicts = await rule.sweep!(
      rule.parseParameters({ PolicyArn: policyArn, ExemptionTagKey: 'SessionManagerExempt' }),
      { accountId: '123456789012' },
    );
    return verdicts.find((v) => v.resourceId === roleId);
  };

  const run = (roleId: string, env = environment(), arn = policyArn) =>
    runAutomation(DOCUMENT, { AutomationAssumeRole: AUTOMATION_ROLE, RoleId: roleId, PolicyArn: arn }, env);

  it('turns a NON_COMPLIANT instance role COMPLIANT, with the proof in the execution outputs', async () => {
    const roleId = await createRole({ name: 'web', path: '/app/team/' });
    expect(await ruleVerdict(roleId)).toMatchObject({ compliance: 'NON_COMPLIANT' });

    const execution = await run(roleId);

    expect(execution.status).toBe('Success');
    expect(execution.steps.map((s) => s.name)).toEqual([
      'AttachPolicy',
      'ReadOutcome',
      'ChooseByAction',
      'VerifyAttached',
      'AssertAttached',
    ]);
    expect(execution.outputs).toEqual({
      'ReadOutcome.RoleName': 'web',
      'ReadOutcome.Action': 'attached',
      'ReadOutcome.Reason': '',
      'AssertAttached.VerifiedPolicyArn': policyArn,
    });
    expect(await ruleVerdict(roleId)).toMatchObject({ compliance: 'COMPLIANT' });
  });

  it('runs again on a remediated role as already-attached', async () => {
    const roleId = await createRole({ name: 'web' });
    await run(roleId);
    const again = await run(roleId);
    expect(again.status).toBe('Success');
    expect(again.outputs['ReadOutcome.Action']).toBe('already-attached');
  });

  it('ends cleanly for a role the rule does not apply to, changing nothing', async () => {
    const roleId = await createRole({ name: 'exempt', tags: { SessionManagerExempt: 'true' } });
    const execution = await run(roleId);

    expect(execution.status).toBe('Success');
    expect(execution.steps.map((s) => s.name)).toEqual([
      'AttachPolicy',
      'ReadOutcome',
      'ChooseByAction',
      'NotEligible',
    ]);
    expect(execution.outputs).toMatchObject({
      'ReadOutcome.Action': 'skipped-not-eligible',
      'ReadOutcome.Reason': expect.stringContaining('exempt'),
    });
    expect(execution.outputs).not.toHaveProperty('AssertAttached.VerifiedPolicyArn');
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'exempt' }))).AttachedPolicies).toEqual([]);
    expect(await ruleVerdict(roleId)).toMatchObject({ compliance: 'NOT_APPLICABLE' });
  });

  it.each([true, false])(
    'fails the execution with the function error whether or not the invoke step itself fails (functionErrorFailsStep=%s)',
    async (functionErrorFailsStep) => {
      const roleId = await createRole({ name: 'web' });
      const execution = await run(
        roleId,
        environment({ functionErrorFailsStep }),
        'arn:aws:iam::123456789012:policy/not-there',
      );

      expect(execution.status).toBe('Failed');
      expect(execution.failureMessage).toMatch(
        /PolicyNotFoundError.*arn:aws:iam::123456789012:policy\/not-there does not exist/,
      );
      expect(execution.steps.map((s) => s.name)).not.toContain('VerifyAttached');
      expect(await ruleVerdict(roleId)).toMatchObject({ compliance: 'NON_COMPLIANT' });
    },
  );

  it('does not take the function at its word: a claimed attach that IAM does not show fails the execution', async () => {
    const roleId = await createRole({ name: 'web' });
    const lying = environment({ invokeFunction: async () => ({ roleName: 'web', action: 'attached', policyArn }) });
    const execution = await run(roleId, lying);

    expect(execution.status).toBe('Failed');
    expect(execution.failureMessage).toMatch(
      /^Step AssertAttached failed: .* is not attached to role web; attached: none/,
    );
    expect(execution.outputs).not.toHaveProperty('AssertAttached.VerifiedPolicyArn');
  });

  it('turns the NON_COMPLIANT DHMC role of a region COMPLIANT, and leaves it without ssm:UpdateInstanceInformation', async () => {
    const roleId = await createRole({
      name: 'AWSSystemsManagerDefaultEC2InstanceManagementRole',
      path: '/service-role/',
      trust: SSM_TRUST,
      instanceProfile: null,
    });
    systemsManager.setDhmcRole('eu-west-1', 'service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole');
    const before = await ruleVerdict(roleId);
    expect(before).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining('DHMC role in eu-west-1'),
    });
    // The role has no Systems Manager permissions of its own: the rule says so.
    expect(before?.annotation).toContain('It lacks ssm:UpdateInstanceInformation too.');

    const execution = await run(roleId);

    expect(execution.status).toBe('Success');
    expect(execution.outputs).toMatchObject({
      'ReadOutcome.Action': 'attached',
      'AssertAttached.VerifiedPolicyArn': policyArn,
    });
    expect(await ruleVerdict(roleId)).toMatchObject({
      compliance: 'COMPLIANT',
      annotation: expect.stringContaining('nodes need AmazonSSMManagedEC2InstanceDefaultPolicy to register'),
    });
    expect(await grantsUpdateInstanceInformation('AWSSystemsManagerDefaultEC2InstanceManagementRole')).toBe(false);
  });

  it('turns the NON_COMPLIANT role of a hybrid activation COMPLIANT', async () => {
    const roleId = await createRole({ name: 'edge-hybrid', trust: SSM_TRUST, instanceProfile: null });
    systemsManager.addActivation('us-east-1', {
      ActivationId: 'e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE',
      IamRole: 'edge-hybrid',
    });
    expect(await ruleVerdict(roleId)).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining('Role of activation e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE (us-east-1)'),
    });

    const execution = await run(roleId);

    expect(execution.status).toBe('Success');
    expect(execution.outputs['ReadOutcome.Action']).toBe('attached');
    expect(await ruleVerdict(roleId)).toMatchObject({ compliance: 'COMPLIANT' });
  });

  it('leaves an instance role under DHMC without ssm:UpdateInstanceInformation, so the agent stays on DHMC', async () => {
    systemsManager.setDhmcRole('us-east-1', 'AWSSystemsManagerDefaultEC2InstanceManagementRole');
    const roleId = await createRole({ name: 'app-no-ssm' });
    expect(await ruleVerdict(roleId)).toMatchObject({ compliance: 'NON_COMPLIANT' });

    expect((await run(roleId)).status).toBe('Success');

    expect(await grantsUpdateInstanceInformation('app-no-ssm')).toBe(false);
    expect(await ruleVerdict(roleId)).toMatchObject({
      compliance: 'COMPLIANT',
      annotation: expect.stringContaining('its instances run under DHMC or unmanaged'),
    });
  });

  it('re-checks eligibility: a role DHMC no longer names is left alone', async () => {
    const roleId = await createRole({ name: 'old-dhmc', trust: SSM_TRUST, instanceProfile: null });
    systemsManager.setDhmcRole('eu-west-1', 'old-dhmc');
    expect(await ruleVerdict(roleId)).toMatchObject({ compliance: 'NON_COMPLIANT' });
    systemsManager.setDhmcRole('eu-west-1', 'new-dhmc');

    const execution = await run(roleId);

    expect(execution.outputs).toMatchObject({
      'ReadOutcome.Action': 'skipped-not-eligible',
      'ReadOutcome.Reason': expect.stringContaining('no DHMC, activation or hybrid-node role'),
    });
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'old-dhmc' }))).AttachedPolicies).toEqual(
      [],
    );
  });

  /** Whether any managed policy attached to the role, read back from IAM, allows the agent's registration call. */
  async function grantsUpdateInstanceInformation(roleName: string): Promise<boolean> {
    const { AttachedPolicies = [] } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    expect(AttachedPolicies.length).toBeGreaterThan(0);
    for (const { PolicyArn } of AttachedPolicies) {
      const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn }));
      const { PolicyVersion } = await iam.send(
        new GetPolicyVersionCommand({ PolicyArn, VersionId: Policy!.DefaultVersionId }),
      );
      const statements = parsePolicyDocument(PolicyVersion!.Document).statements;
      if (statements.some((st) => st.effect === 'Allow' && statementCoversAction(st, 'ssm:UpdateInstanceInformation')))
        return true;
    }
    return false;
  }

  it('will not start for a role name where Config passes the role ID', async () => {
    await expect(run('web')).rejects.toThrow(/parameter RoleId=web does not match/);
  });
});
