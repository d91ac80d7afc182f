import { AccountClient } from '@aws-sdk/client-account';
import {
  BatchGetResourceConfigCommand,
  ConfigServiceClient,
  GetResourceConfigHistoryCommand,
  ResourceNotDiscoveredException,
} from '@aws-sdk/client-config-service';
import {
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { attachPolicyHandler } from '../../functions/attach-policy/handler';
import { boundedClientSettings, REMEDIATION_RETRY_BUDGET } from '../../functions/shared/adapters/aws-clients';
import { NodeRoleGateway } from '../../functions/shared/adapters/ssm-node-roles';
import { IamStandIn } from '../support/iam-stand-in';
import { LAMBDA_TRUST } from '../support/iam-documents';
import { lambdaContext } from '../support/lambda';
import { MOTO_CLIENT_SETTINGS, motoAvailable, useMoto } from '../support/moto';
import {
  attachOtherPolicies,
  createInstancePolicy,
  createInstanceRole,
  DEFAULT_MANAGED_POLICIES_PER_ROLE,
} from '../support/moto-iam';
import { useSystemsManagerNodeRoles } from '../support/ssm-node-roles';

// moto's Config answers for IAM roles carry text timestamps the SDK cannot read and use the role
// name as resourceId, so Config is mocked here; IAM is moto's.
const configMock = mockClient(ConfigServiceClient);

describe.skipIf(!motoAvailable)('AttachPolicyFunction against moto IAM', () => {
  // No AWS managed policy is attached or read here: skip loading them, which costs a second per reset.
  const moto = useMoto({ awsManagedPolicies: false });
  let standIn: IamStandIn;
  // The DHMC setting and activations moto lacks (none set here: no role is a node role).
  const systemsManager = useSystemsManagerNodeRoles(moto);
  let iam: IAMClient;
  let policyArn: string;

  beforeAll(async () => {
    standIn = await IamStandIn.start(moto.endpoint);
  });
  afterAll(() => standIn.close());

  // The function's own client settings (retries, timeouts), with IAM behind the stand-in.
  const invoke = (roleId: string, arn = policyArn) => {
    const handler = attachPolicyHandler({
      iam: new IAMClient({
        ...MOTO_CLIENT_SETTINGS,
        ...boundedClientSettings('IAM', { AWS_ENDPOINT_URL_IAM: standIn.endpoint }),
      }),
      config: new ConfigServiceClient(moto.clientSettings()),
      exemptionTagKey: 'SessionManagerExempt',
      nodeRoles: new NodeRoleGateway(
        new AccountClient({ ...moto.clientSettings(), endpoint: systemsManager.endpoint }),
        (region) => new SSMClient({ ...moto.clientSettings(), endpoint: systemsManager.endpoint, region }),
      ),
      nodeRoleRegions: ['us-east-1'],
    });
    return handler({ RoleId: roleId, PolicyArn: arn }, lambdaContext('AttachPolicyFunction'));
  };
  const attachedTo = async (roleName: string) =>
    ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []).map(
      (p) => p.PolicyArn,
    );

  beforeEach(async () => {
    iam = new IAMClient(moto.clientSettings());
    policyArn = await createInstancePolicy(iam);
    standIn.reset();
    configMock.reset();
    configMock.on(BatchGetResourceConfigCommand).resolves({ baseConfigurationItems: [], unprocessedResourceKeys: [] });
    configMock
      .on(GetResourceConfigHistoryCommand)
      .rejects(new ResourceNotDiscoveredException({ $metadata: {}, message: 'not discovered' }));
  });

  it('finds a role with a path by listing IAM roles and attaches the policy', async () => {
    const roleId = await createInstanceRole(iam, { name: 'web', path: '/app/team/' });
    await expect(invoke(roleId)).resolves.toEqual({ roleName: 'web', action: 'attached', policyArn });
    expect(await attachedTo('web')).toEqual([policyArn]);
  });

  it('uses the name Config recorded, without listing roles', async () => {
    const roleId = await createInstanceRole(iam, { name: 'batch', path: '/jobs/' });
    configMock.on(BatchGetResourceConfigCommand).resolves({
      baseConfigurationItems: [
        {
          resourceType: 'AWS::IAM::Role',
          resourceId: roleId,
          resourceName: 'batch',
          arn: 'arn:aws:iam::123456789012:role/jobs/batch',
        },
      ],
    });
    await expect(invoke(roleId)).resolves.toMatchObject({ roleName: 'batch', action: 'attached' });
  });

  it('reports already-attached for a role that carries the policy', async () => {
    const roleId = await createInstanceRole(iam, { name: 'web' });
    await invoke(roleId);
    await expect(invoke(roleId)).resolves.toMatchObject({ action: 'already-attached' });
    expect(await attachedTo('web')).toEqual([policyArn]);
  });

  it('leaves a role outside the rule unchanged', async () => {
    const lambdaRoleId = await createInstanceRole(iam, { name: 'fn', trust: LAMBDA_TRUST });
    const noProfileId = await createInstanceRole(iam, { name: 'loose', instanceProfile: null });
    await expect(invoke(lambdaRoleId)).resolves.toMatchObject({
      action: 'skipped-not-eligible',
      reason: expect.stringContaining('cannot be assumed by EC2'),
    });
    await expect(invoke(noProfileId)).resolves.toMatchObject({
      action: 'skipped-not-eligible',
      reason: expect.stringContaining('no instance profile'),
    });
    expect(await attachedTo('fn')).toEqual([]);
    expect(await attachedTo('loose')).toEqual([]);
  });

  it('fails with PolicyNotFoundError for a policy that does not exist', async () => {
    const roleId = await createInstanceRole(iam, { name: 'web' });
    await expect(invoke(roleId, 'arn:aws:iam::123456789012:policy/deleted-meanwhile')).rejects.toMatchObject({
      name: 'PolicyNotFoundError',
      message: expect.stringContaining('arn:aws:iam::123456789012:policy/deleted-meanwhile does not exist'),
    });
  });

  it('fails with RoleNotFoundError for a deleted role', async () => {
    const roleId = await createInstanceRole(iam, { name: 'gone' });
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'gone', RoleName: 'gone' }));
    await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'gone' }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'gone' }));
    await expect(invoke(roleId)).rejects.toMatchObject({
      name: 'RoleNotFoundError',
      message: expect.stringContaining(roleId),
    });
  });

  it('fails on the first LimitExceeded, with the quota explained and no retry, when the role already holds 10 managed policies', async () => {
    const roleId = await createInstanceRole(iam, { name: 'full' });
    await attachOtherPolicies(iam, 'full', DEFAULT_MANAGED_POLICIES_PER_ROLE);
    await expect(invoke(roleId)).rejects.toMatchObject({
      name: 'ManagedPolicyQuotaError',
      message: expect.stringContaining('at most 10 managed policies by default'),
    });
    expect(standIn.attachRequests).toBe(1);
    expect(await attachedTo('full')).not.toContain(policyArn);
  });

  it('retries a throttled attach within its budget, then fails saying it was throttled', async () => {
    const roleId = await createInstanceRole(iam, { name: 'busy' });
    standIn.throttleAttach = true;
    await expect(invoke(roleId)).rejects.toMatchObject({
      name: 'AwsThrottledError',
      message: expect.stringContaining('iam:AttachRolePolicy was still throttled'),
    });
    expect(standIn.attachRequests).toBe(REMEDIATION_RETRY_BUDGET.maxAttempts);
  });

  it('ends two concurrent runs for one role both attached or already-attached, with the policy attached once', async () => {
    const roleId = await createInstanceRole(iam, { name: 'web', path: '/app/' });
    const outcomes = await Promise.all([invoke(roleId), invoke(roleId), invoke(roleId)]);
    for (const outcome of outcomes) {
      expect(['attached', 'already-attached']).toContain(outcome.action);
      expect(outcome).toMatchObject({ roleName: 'web', policyArn });
    }
    expect(await attachedTo('web')).toEqual([policyArn]);
  });

  it('attaches the policy as the tenth of a role holding nine', async () => {
    const roleId = await createInstanceRole(iam, { name: 'nine' });
    await attachOtherPolicies(iam, 'nine', DEFAULT_MANAGED_POLICIES_PER_ROLE - 1);
    await expect(invoke(roleId)).resolves.toMatchObject({ action: 'attached' });
    expect(await attachedTo('nine')).toHaveLength(DEFAULT_MANAGED_POLICIES_PER_ROLE);
  });
});
