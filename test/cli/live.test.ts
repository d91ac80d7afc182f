/**
 * The live-account path: the real SDK clients over HTTP against moto_server, seeded with roles and
 * a session-guard stack; access errors from a stand-in endpoint that denies everything.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RemediatorFactory, RoleToRemediate } from '../../cli/remediation/remediator';
import { runCli } from '../support/cli';
import { EC2_TRUST, LAMBDA_TRUST } from '../support/iam-documents';
import { motoAvailable, useMoto } from '../support/moto';

/** Credentials and settings from the environment only: never a developer's ~/.aws files. */
function isolateAwsEnvironment(): void {
  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_ENDPOINT_URL', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
  });
  afterAll(() => vi.unstubAllEnvs());
}

describe.skipIf(!motoAvailable)('session-guard against a live account (moto_server)', () => {
  const moto = useMoto();
  isolateAwsEnvironment();
  let instancePolicyArn = '';
  const live = () => ['--endpoint-url', moto.endpoint, '--region', 'us-east-1'];

  beforeEach(async () => {
    const iam = new IAMClient(moto.clientSettings());
    const cloudFormation = new CloudFormationClient(moto.clientSettings());
    // A session-guard stack as deployed: the instance policy as an output, the rule settings as parameters.
    await cloudFormation.send(
      new CreateStackCommand({
        StackName: 'session-guard',
        Parameters: [
          { ParameterKey: 'ExemptionTagKey', ParameterValue: 'NoSessionManager' },
          { ParameterKey: 'AlternativePolicyArns', ParameterValue: '' },
        ],
        TemplateBody: JSON.stringify({
          Parameters: { ExemptionTagKey: { Type: 'String' }, AlternativePolicyArns: { Type: 'String' } },
          Resources: {
            SessionManagerInstancePolicy: {
              Type: 'AWS::IAM::ManagedPolicy',
              Properties: { PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ssm:UpdateInstanceInformation', Resource: '*' }] } },
            },
          },
          Outputs: { SessionManagerInstancePolicyArn: { Value: { Ref: 'SessionManagerInstancePolicy' } } },
        }),
      }),
    );
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: 'session-guard' }));
    instancePolicyArn = Stacks?.[0]?.Outputs?.[0]?.OutputValue ?? '';

    const instanceRole = async (name: string, tags: Record<string, string> = {}) => {
      await iam.send(
        new CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: JSON.stringify(EC2_TRUST),
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }));
    };
    await instanceRole('app-server');
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app-server', PolicyArn: instancePolicyArn }));
    await instanceRole('worker');
    await instanceRole('jump-host', { NoSessionManager: 'true' });
    await iam.send(new CreateRoleCommand({ RoleName: 'order-fn', AssumeRolePolicyDocument: JSON.stringify(LAMBDA_TRUST) }));
  });

  interface JsonResult {
    resourceName: string;
    resourceId: string;
    compliance: string;
    annotation: string;
  }

  it('scans every role with the stack\'s policy and parameters as defaults', async () => {
    const run = await runCli(['scan', '--json', ...live()]);

    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as {
      account: { id: string; source: string };
      checks: { parameters: Record<string, string>; results: JsonResult[] }[];
    };
    expect(report.account).toMatchObject({ id: '123456789012', source: 'live' });
    expect(report.checks[0]?.parameters).toEqual({ PolicyArn: instancePolicyArn, ExemptionTagKey: 'NoSessionManager', AlternativePolicyArns: '' });
    const verdicts = Object.fromEntries((report.checks[0]?.results ?? []).map((r) => [r.resourceName, r.compliance]));
    expect(verdicts).toEqual({ 'app-server': 'COMPLIANT', worker: 'NON_COMPLIANT', 'jump-host': 'NOT_APPLICABLE', 'order-fn': 'NOT_APPLICABLE' });
    expect(report.checks[0]?.results.find((r) => r.resourceName === 'worker')?.resourceId).toMatch(/^AROA/);
  });

  it('--fail-on non-compliant exits 1 on the live account', async () => {
    expect((await runCli(['scan', '--fail-on', 'non-compliant', ...live()])).code).toBe(1);
  });

  it('exits 2 naming --policy-arn when no stack supplies it', async () => {
    const run = await runCli(['scan', ...live(), '--stack-name', 'not-deployed']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('The role-policy check needs PolicyArn: pass --policy-arn');
    expect(run.stderr).toContain('--stack-name');
    // With the flag, the scan runs without any stack.
    const flagged = await runCli(['scan', ...live(), '--stack-name', 'not-deployed', '--policy-arn', instancePolicyArn]);
    expect(flagged.code, flagged.stderr).toBe(0);
  });

  it('shows progress on stderr only when stderr is a terminal', async () => {
    const onTerminal = await runCli(['scan', ...live()], { stderrIsTTY: true });
    expect(onTerminal.stderr).toContain('Reading IAM roles (GetAccountAuthorizationDetails): 4 so far');
    expect(onTerminal.stderr.endsWith('\r\x1b[K')).toBe(true);
    const inPipeline = await runCli(['scan', ...live()], { stderrIsTTY: false });
    expect(inPipeline.stderr).toBe('');
  });

  it('exits 2 when no region is configured', async () => {
    const run = await runCli(['scan', '--endpoint-url', moto.endpoint]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/No AWS region \(Region is missing\): pass --region/);
  });

  describe('remediate', () => {
    const fakeRemediator = (outcome: 'ATTACHED' | 'FAILED' = 'ATTACHED') => {
      const calls: RoleToRemediate[] = [];
      const factory: RemediatorFactory = () => ({
        remediate: async (role) => {
          calls.push(role);
          return { outcome, message: `${outcome.toLowerCase()} for ${role.roleName}` };
        },
      });
      return { calls, factory };
    };

    it('--dry-run shows the plan from the rule\'s NON_COMPLIANT verdicts and changes nothing', async () => {
      const run = await runCli(['remediate', '--all', '--dry-run', ...live()]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`attach ${instancePolicyArn} to 1 role(s)`);
      expect(run.stdout).toMatch(/worker\s+AROA\S+\s+Role worker lacks the Session Manager policy/);
      expect(run.stdout).not.toContain('app-server');
    });

    it('--role on a role that needs nothing says why and exits 0', async () => {
      const run = await runCli(['remediate', '--role', 'order-fn', ...live()]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Nothing to do: NOT_APPLICABLE: Role order-fn is in no instance profile');
    });

    it('says it is not yet available until the remediation service lands', async () => {
      const run = await runCli(['remediate', '--all', '--yes', ...live()]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('remediate is not yet available');
      expect(run.stderr).toContain('--dry-run');
    });

    it('refuses without --yes when stdin is not a terminal', async () => {
      const { calls, factory } = fakeRemediator();
      const run = await runCli(['remediate', '--all', ...live()], { stdinIsTTY: false }, { remediatorFor: factory });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('Refusing to change 1 role(s) without confirmation: stdin is not a terminal. Add --yes');
      expect(calls).toEqual([]);
    });

    it('asks on a terminal and changes nothing unless the answer is yes', async () => {
      const { calls, factory } = fakeRemediator();
      const declined = await runCli(['remediate', '--role', 'worker', ...live()], { stdinIsTTY: true, answers: ['y'] }, { remediatorFor: factory });
      expect(declined.questions).toEqual([expect.stringContaining(`Attach ${instancePolicyArn} to 1 role(s) in account 123456789012? Type "yes"`)]);
      expect(declined.code).toBe(1);
      expect(declined.stderr).toContain('Nothing changed.');
      expect(calls).toEqual([]);

      const accepted = await runCli(['remediate', '--role', 'worker', ...live()], { stdinIsTTY: true, answers: ['yes'] }, { remediatorFor: factory });
      expect(accepted.code, accepted.stderr).toBe(0);
      expect(calls).toEqual([{ roleId: expect.stringMatching(/^AROA/), roleName: 'worker' }]);
      expect(accepted.stdout).toMatch(/worker\s+AROA\S+\s+ATTACHED\s+attached for worker/);
    });

    it('--yes runs every planned role through the remediator and exits 1 when one fails', async () => {
      const { calls, factory } = fakeRemediator('FAILED');
      const run = await runCli(['remediate', '--all', '--yes', ...live()], {}, { remediatorFor: factory });
      expect(calls.map((c) => c.roleName)).toEqual(['worker']);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/worker\s+AROA\S+\s+FAILED/);
    });

    it('never changes the bundled sample', async () => {
      const { calls, factory } = fakeRemediator();
      const run = await runCli(['remediate', '--all', '--yes'], {}, { remediatorFor: factory });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('bundled sample account is only data');
      expect(calls).toEqual([]);
    });

    it('needs exactly one of --role and --all', async () => {
      expect((await runCli(['remediate', '--dry-run'])).stderr).toContain('exactly one of --role NAME or --all');
      expect((await runCli(['remediate', '--all', '--role', 'worker', '--dry-run'])).code).toBe(2);
    });
  });
});

/**
 * An endpoint that denies every call, in the query-protocol error shape IAM and CloudFormation
 * use, except sts:GetCallerIdentity, which IAM policies cannot deny.
 */
function denyingEndpoint(): { url: () => string } {
  let server: Server;
  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const action = new URLSearchParams(body).get('Action') ?? 'Unknown';
        if (action === 'GetCallerIdentity') {
          response.writeHead(200, { 'content-type': 'text/xml' });
          response.end('<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account><Arn>arn:aws:iam::123456789012:user/auditor</Arn><UserId>AIDAEXAMPLE</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>');
          return;
        }
        const service = action === 'DescribeStacks' ? 'cloudformation' : action === 'GetCallerIdentity' ? 'sts' : 'iam';
        response.writeHead(403, { 'content-type': 'text/xml' });
        response.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: ${service}:${action} on resource: * because no identity-based policy allows the ${service}:${action} action</Message></Error><RequestId>0000</RequestId></ErrorResponse>`,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('access errors name the missing permission', () => {
  const endpoint = denyingEndpoint();
  isolateAwsEnvironment();

  it('exits 2 naming iam:GetAccountAuthorizationDetails when the roles cannot be read', async () => {
    const run = await runCli(['scan', '--endpoint-url', endpoint.url(), '--region', 'us-east-1', '--policy-arn', 'arn:aws:iam::123456789012:policy/P']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Access denied: these credentials may not call iam:GetAccountAuthorizationDetails');
    expect(run.stderr).toContain('Grant iam:GetAccountAuthorizationDetails');
  });

  it('without --policy-arn, names cloudformation:DescribeStacks and the flag that avoids it', async () => {
    const run = await runCli(['scan', '--endpoint-url', endpoint.url(), '--region', 'us-east-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('needs PolicyArn: pass --policy-arn');
    expect(run.stderr).toContain('cloudformation:DescribeStacks');
  });
});
