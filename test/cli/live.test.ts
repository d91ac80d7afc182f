/**
 * The live-account path: the real SDK clients over HTTP against moto_server, seeded with roles,
 * policies, users and a Session document; remediation through the attach-policy Lambda's own
 * service; access errors from a stand-in endpoint that denies everything.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  PutUserPolicyCommand,
  TagRoleCommand,
} from '@aws-sdk/client-iam';
import { CreateDocumentCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRoleRemediator, type RemediatorFactory } from '../../cli/remediation/remediator';
import { describeAwsAccessError } from '../../cli/sources/aws-errors';
import { toAwsAccessError } from '../../functions/shared/adapters/aws-errors';
import type { AwsAccessError } from '../../functions/shared/errors';
import { runCli } from '../support/cli';
import { EC2_TRUST, LAMBDA_TRUST, SSM_TRUST } from '../support/iam-documents';
import { motoAvailable, useMoto } from '../support/moto';
import { useSystemsManagerNodeRoles } from '../support/ssm-node-roles';
import { iamErrorResponse } from '../support/http';
import { answerCallerIdentity, standInEndpoint } from '../support/stand-in-endpoint';

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

const doc = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] });
const SHELL_ANYWHERE = doc({ Sid: 'AnyShell', Action: 'ssm:StartSession', Resource: '*' });
const TEAM_SHELLS = doc({
  Sid: 'TeamShells',
  Action: 'ssm:StartSession',
  Resource: 'arn:aws:ec2:*:*:instance/*',
  Condition: { StringEquals: { 'ssm:resourceTag/Team': 'web' } },
});
const UNENCRYPTED_PREFERENCES = JSON.stringify({
  schemaVersion: '1.0',
  description: 'Document to hold regional settings for Session Manager',
  sessionType: 'Standard_Stream',
  inputs: {
    cloudWatchLogGroupName: '/aws/ssm/sessions',
    cloudWatchEncryptionEnabled: true,
    kmsKeyId: '',
    idleSessionTimeout: '20',
    maxSessionDuration: '60',
  },
});

interface JsonReport {
  account: { id: string; source: string };
  checks: {
    id: string;
    parameters: Record<string, string>;
    results: { resourceName: string | null; resourceId: string; compliance: string; annotation: string }[];
  }[];
}

const verdicts = (report: JsonReport, id: string) =>
  Object.fromEntries(
    (report.checks.find((c) => c.id === id)?.results ?? []).map((r) => [r.resourceName ?? r.resourceId, r.compliance]),
  );

describe.skipIf(!motoAvailable)('session-guard against a live account (moto_server)', () => {
  // Every policy here is customer managed: skip loading AWS's, which costs a second per test.
  const moto = useMoto({ awsManagedPolicies: false });
  // moto lacks the Systems Manager calls that find DHMC and hybrid roles: the stand-in answers
  // them and passes everything else to moto.
  const nodeRoles = useSystemsManagerNodeRoles(moto);
  isolateAwsEnvironment();
  let instancePolicyArn = '';
  const iam = () => new IAMClient(moto.clientSettings());
  const live = () => ['--endpoint-url', nodeRoles.endpoint, '--region', 'us-east-1'];
  /** Most tests name the policy instead of deploying a stack: moto takes over a second per CreateStack. */
  const withPolicy = () => [...live(), '--policy-arn', instancePolicyArn];
  const attachedTo = async (roleName: string) =>
    ((await iam().send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []).map(
      (p) => p.PolicyArn,
    );

  beforeEach(async () => {
    const client = iam();
    const policy = await client.send(
      new CreatePolicyCommand({
        PolicyName: 'SessionGuardInstancePolicy',
        Path: '/session-guard/',
        PolicyDocument: doc({ Action: ['ssmmessages:*'], Resource: '*' }),
      }),
    );
    instancePolicyArn = policy.Policy?.Arn ?? '';

    const instanceRole = async (name: string, tags: Record<string, string> = {}) => {
      await client.send(
        new CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: JSON.stringify(EC2_TRUST),
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      await client.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
      await client.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }));
    };
    await instanceRole('app-server');
    await client.send(new AttachRolePolicyCommand({ RoleName: 'app-server', PolicyArn: instancePolicyArn }));
    await instanceRole('worker');
    await instanceRole('jump-host', { SessionManagerExempt: 'true' });
    await client.send(
      new CreateRoleCommand({ RoleName: 'order-fn', AssumeRolePolicyDocument: JSON.stringify(LAMBDA_TRUST) }),
    );

    // For the SSM access guardrails: a broad grant, a tag-scoped one, and a break-glass user.
    await client.send(new CreatePolicyCommand({ PolicyName: 'ops-shells', PolicyDocument: SHELL_ANYWHERE }));
    await client.send(new CreateUserCommand({ UserName: 'alice' }));
    await client.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'team', PolicyDocument: TEAM_SHELLS }));
    await client.send(
      new CreateUserCommand({ UserName: 'oncall', Tags: [{ Key: 'SessionGuardBreakGlass', Value: 'true' }] }),
    );
    await client.send(
      new PutUserPolicyCommand({ UserName: 'oncall', PolicyName: 'shells', PolicyDocument: SHELL_ANYWHERE }),
    );

    // For the session preferences: the account's preferences document, without a KMS key.
    await new SSMClient(moto.clientSettings()).send(
      new CreateDocumentCommand({
        Name: 'SSM-SessionManagerRunShell',
        Content: UNENCRYPTED_PREFERENCES,
        DocumentType: 'Session',
        DocumentFormat: 'JSON',
      }),
    );
  });

  it("runs all three rules with the stack's outputs and parameters as defaults", async () => {
    // A session-guard stack as deployed: the instance policy as an output, the rule settings as parameters.
    const parameters = {
      ExemptionTagKey: 'NoSessionManager',
      AlternativePolicyArns: '',
      SsmAccessBreakGlassTagKey: 'Emergency',
      PreferencesRuleMaxSessionDurationMinutes: '30',
    };
    await new CloudFormationClient(moto.clientSettings()).send(
      new CreateStackCommand({
        StackName: 'session-guard',
        Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
          ParameterKey,
          ParameterValue,
        })),
        TemplateBody: JSON.stringify({
          Parameters: Object.fromEntries(Object.keys(parameters).map((name) => [name, { Type: 'String' }])),
          Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
          Outputs: { SessionManagerInstancePolicyArn: { Value: instancePolicyArn } },
        }),
      }),
    );

    const run = await runCli(['scan', '--json', ...live()]);

    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.account).toMatchObject({ id: '123456789012', source: 'live' });
    expect(report.checks.map((c) => [c.id, c.parameters])).toEqual([
      [
        'instance-role',
        { PolicyArn: instancePolicyArn, ExemptionTagKey: 'NoSessionManager', AlternativePolicyArns: '' },
      ],
      ['ssm-access', { BreakGlassTagKey: 'Emergency' }],
      ['session-document', { MaxSessionDurationMinutes: '30' }],
    ]);
    // jump-host's SessionManagerExempt tag is not the stack's exemption tag.
    expect(verdicts(report, 'instance-role')).toEqual({
      'app-server': 'COMPLIANT',
      worker: 'NON_COMPLIANT',
      'jump-host': 'NON_COMPLIANT',
      'order-fn': 'NOT_APPLICABLE',
    });
    expect(report.checks[0]?.results.find((r) => r.resourceName === 'worker')?.resourceId).toMatch(/^AROA/);
    // oncall's SessionGuardBreakGlass tag is not the stack's break-glass tag either.
    expect(verdicts(report, 'ssm-access')).toMatchObject({
      'ops-shells': 'NON_COMPLIANT',
      SessionGuardInstancePolicy: 'COMPLIANT',
      alice: 'COMPLIANT',
      oncall: 'NON_COMPLIANT',
      worker: 'COMPLIANT',
    });
    expect(report.checks[1]?.results.find((r) => r.resourceName === 'ops-shells')).toMatchObject({
      // moto's policy IDs do not start with ANPA as AWS's do; the ID is still the policy's, not its name.
      resourceId: expect.not.stringMatching(/ops-shells/),
      annotation: expect.stringContaining(
        'IAM-SSM-2, SG-SSM-3 through policy ops-shells v1, statement AnyShell (ssm:StartSession on nodes it does not name; ssm:StartSession with AWS-StartSSHSession)',
      ),
    });
    expect(report.checks[2]?.results.map((r) => [r.resourceId, r.compliance, r.annotation])).toEqual([
      [
        'SSM-SessionManagerRunShell',
        'NON_COMPLIANT',
        'Session document SSM-SessionManagerRunShell: kmsKeyId empty (no session encryption beyond TLS); maxSessionDuration 60 above 30 minutes.',
      ],
      ['123456789012', 'COMPLIANT', expect.stringContaining('SSM-SessionManagerRunShell exists')],
    ]);
  });

  it('takes every rule parameter from flags when no stack is deployed, and --fail-on trips on the live account', async () => {
    const run = await runCli([
      'scan',
      '--json',
      ...withPolicy(),
      '--break-glass-arns',
      `arn:aws:iam::123456789012:policy/ops-shells`,
      '--max-idle-session-timeout-minutes',
      '10',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(verdicts(report, 'instance-role')).toMatchObject({ 'jump-host': 'NOT_APPLICABLE', worker: 'NON_COMPLIANT' });
    expect(verdicts(report, 'ssm-access')).toMatchObject({ 'ops-shells': 'NOT_APPLICABLE', oncall: 'NOT_APPLICABLE' });
    expect(report.checks[2]?.results[0]?.annotation).toContain('idleSessionTimeout 20 above 10 minutes');

    expect((await runCli(['scan', '--fail-on', 'non-compliant', ...withPolicy()])).code).toBe(1);
  });

  it('finds the DHMC role of a region and the role of an activation, and remediate attaches the policy to both', async () => {
    const client = iam();
    for (const RoleName of ['dhmc-role', 'edge-hybrid']) {
      await client.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: JSON.stringify(SSM_TRUST) }));
    }
    nodeRoles.setDhmcRole('eu-west-1', 'dhmc-role');
    nodeRoles.addActivation('us-east-1', {
      ActivationId: 'e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE',
      IamRole: 'edge-hybrid',
    });
    const regions = ['--node-role-regions', 'eu-west-1,us-east-1'];

    const scan = await runCli(['scan', '--json', '--rule', 'instance-role', ...withPolicy(), ...regions]);
    expect(scan.code, scan.stderr).toBe(0);
    const results = (JSON.parse(scan.stdout) as JsonReport).checks[0]!.results;
    expect(results.find((r) => r.resourceName === 'dhmc-role')).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining('DHMC role in eu-west-1'),
    });
    expect(results.find((r) => r.resourceName === 'edge-hybrid')).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining('Role of activation e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE (us-east-1)'),
    });
    expect(nodeRoles.calls.filter((c) => c.startsWith('GetServiceSetting')).sort()).toEqual([
      'GetServiceSetting eu-west-1',
      'GetServiceSetting us-east-1',
    ]);

    const run = await runCli(['remediate', '--all', '--yes', ...withPolicy(), ...regions]);
    expect(run.code, run.stderr).toBe(0);
    expect(await attachedTo('dhmc-role')).toEqual([instancePolicyArn]);
    expect(await attachedTo('edge-hybrid')).toEqual([instancePolicyArn]);
  });

  it('without --policy-arn or a stack, runs the other checks and says on stderr that instance-role was skipped and why', async () => {
    const run = await runCli(['scan', '--json', ...live(), '--stack-name', 'not-deployed']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /^Skipped instance-role \(Roles that run sessions \(EC2 instance, DHMC, hybrid\) carry the Session Manager instance policy\)\. The instance-role check needs PolicyArn: pass --policy-arn, or deploy session-guard .*--stack-name/m,
    );
    const report = JSON.parse(run.stdout) as JsonReport & { skipped: { id: string; reason: string }[] };
    expect(report.checks.map((c) => c.id)).toEqual(['ssm-access', 'session-document']);
    expect(report.skipped).toEqual([
      { id: 'instance-role', title: expect.any(String), reason: expect.stringContaining('pass --policy-arn') },
    ]);
    // The checks that ran decide the exit code.
    expect((await runCli(['scan', '--fail-on', 'non-compliant', ...live(), '--stack-name', 'not-deployed'])).code).toBe(
      1,
    );
  });

  it('exits 2 naming --policy-arn when --rule asks for instance-role and nothing supplies it', async () => {
    const run = await runCli(['scan', '--rule', 'instance-role', ...live(), '--stack-name', 'not-deployed']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('The instance-role check needs PolicyArn: pass --policy-arn');
    expect(run.stderr).toContain('--stack-name');
  });

  it('shows a finding longer than Config takes in full, in the table and in the HTML report', async () => {
    const client = iam();
    const roleName = `reporting-${'x'.repeat(54)}`;
    const profiles = Array.from({ length: 4 }, (_, i) => `${roleName.slice(0, 50)}-profile-${i}`);
    await client.send(
      new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(EC2_TRUST) }),
    );
    for (const profile of profiles) {
      await client.send(new CreateInstanceProfileCommand({ InstanceProfileName: profile }));
      await client.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: profile, RoleName: roleName }));
    }
    const htmlPath = join(mkdtempSync(join(tmpdir(), 'session-guard-long-')), 'report.html');

    const run = await runCli(['scan', '--rule', 'instance-role', ...withPolicy(), '--html', htmlPath]);

    expect(run.code, run.stderr).toBe(0);
    const row = run.stdout.split('\n').find((line) => line.startsWith(roleName)) ?? '';
    const finding = row.slice(row.indexOf('Role '));
    expect(finding.length).toBeGreaterThan(256);
    expect(finding).not.toContain('…');
    for (const profile of profiles) expect(finding).toContain(profile);
    expect(readFileSync(htmlPath, 'utf8')).toContain(`<td data-label="Finding">${finding}</td>`);
  });

  it('says the profile does not exist, naming the files it looked in and the profiles there', async () => {
    const files = mkdtempSync(join(tmpdir(), 'session-guard-profiles-'));
    writeFileSync(
      join(files, 'config'),
      '[default]\nregion = us-east-1\n\n[profile audit]\nregion = eu-west-1\n\n[sso-session corp]\nsso_region = us-east-1\n',
    );
    writeFileSync(
      join(files, 'credentials'),
      '[ci]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n',
    );
    const env = { AWS_CONFIG_FILE: join(files, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(files, 'credentials') };

    const run = await runCli(['scan', '--profile', 'nosuch'], { env });

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `session-guard: AWS profile "nosuch" does not exist: it is not in ${env.AWS_CONFIG_FILE} or ${env.AWS_SHARED_CREDENTIALS_FILE} (profiles there: default, audit, ci). ` +
        'Create it with `aws configure --profile nosuch` or `aws configure sso`, or pass another --profile.\n',
    );
    // A profile that exists gets past the check (and on to the endpoint).
    const audit = await runCli(
      ['scan', '--rule', 'session-document', '--profile', 'audit', '--endpoint-url', moto.endpoint],
      { env },
    );
    expect(audit.stderr).not.toContain('does not exist');
  });

  it('evaluate --live of a scheduled event says the endpoint lacks GetComplianceDetailsByConfigRule, without a stack trace', async () => {
    // moto answers GetComplianceDetailsByConfigRule with an HTML error page.
    const event = join(mkdtempSync(join(tmpdir(), 'session-guard-event-')), 'scheduled.json');
    writeFileSync(
      event,
      JSON.stringify({
        invokingEvent: JSON.stringify({
          messageType: 'ScheduledNotification',
          notificationCreationTime: '2026-11-30T00:00:00.000Z',
          awsAccountId: '123456789012',
        }),
        ruleParameters: JSON.stringify({ PolicyArn: instancePolicyArn }),
        resultToken: 'TESTMODE',
        eventLeftScope: false,
        configRuleName: 'session-guard-RolePolicyRule-ABC123',
        accountId: '123456789012',
        executionRoleArn: 'arn:aws:iam::123456789012:role/config-role',
        configRuleArn: 'arn:aws:config:us-east-1:123456789012:config-rule/config-rule-abc123',
        configRuleId: 'config-rule-abc123',
        version: '1.0',
        recordVersion: '1.0',
      }),
    );
    const run = await runCli(['evaluate', '--event', event, ...live()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /\nsession-guard: The endpoint did not answer config:GetComplianceDetailsByConfigRule the way AWS does \(HTTP 500, text\/html[^)]*\): check that --endpoint-url/,
    );
    expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /);
  });

  it('shows progress on stderr only when stderr is a terminal', async () => {
    const onTerminal = await runCli(['scan', ...withPolicy()], { stderrIsTTY: true });
    expect(onTerminal.stderr).toContain('Reading IAM roles (GetAccountAuthorizationDetails): 4 so far');
    // Two policies, four roles, two users.
    expect(onTerminal.stderr).toContain(
      'Reading IAM policies, roles, users and groups (GetAccountAuthorizationDetails): 8 so far',
    );
    expect(onTerminal.stderr.endsWith('\r\x1b[K')).toBe(true);
    const inPipeline = await runCli(['scan', ...withPolicy()], { stderrIsTTY: false });
    expect(inPipeline.stderr).toBe('');
  });

  it('exits 2 when no region is configured', async () => {
    const run = await runCli(['scan', '--endpoint-url', moto.endpoint]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/No AWS region \(Region is missing\): pass --region/);
  });

  describe('remediate, through the remediation service of the attach-policy Lambda', () => {
    it("--dry-run shows the plan from the rule's NON_COMPLIANT verdicts and changes nothing", async () => {
      const run = await runCli(['remediate', '--all', '--dry-run', ...withPolicy()]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`attach ${instancePolicyArn} to 1 role.`);
      expect(run.stdout).toMatch(/worker\s+AROA\S+\s+Role worker lacks the Session Manager policy/);
      expect(run.stdout).not.toContain('app-server');
      expect(await attachedTo('worker')).toEqual([]);
    });

    it('--yes attaches the policy to the scanned account, verifies it, and a second run has nothing to do', async () => {
      const run = await runCli(['remediate', '--all', '--yes', ...withPolicy()]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(`worker\\s+AROA\\S+\\s+attached\\s+attached ${instancePolicyArn} and verified it`),
      );
      expect(await attachedTo('worker')).toEqual([instancePolicyArn]);

      const again = await runCli(['remediate', '--all', '--yes', ...withPolicy()]);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe('Nothing to do: no instance role lacks the policy.\n');
    });

    it('reports a role that changed since the scan as skipped-not-eligible and leaves it alone', async () => {
      // Someone exempts the role between the scan and the attach.
      const exemptFirst: RemediatorFactory = (context) => {
        const real = createRoleRemediator(context);
        return {
          async remediate(role) {
            await iam().send(
              new TagRoleCommand({ RoleName: role.roleName, Tags: [{ Key: 'SessionManagerExempt', Value: 'true' }] }),
            );
            return real.remediate(role);
          },
        };
      };
      const run = await runCli(
        ['remediate', '--role', 'worker', '--yes', ...withPolicy()],
        {},
        { remediatorFor: exemptFirst },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        /worker\s+AROA\S+\s+skipped-not-eligible\s+left alone, the role changed since the scan: Role worker is exempt/,
      );
      expect(await attachedTo('worker')).toEqual([]);
    });

    it("reports failed with the service's message and exits 1 when the policy does not exist", async () => {
      const missing = 'arn:aws:iam::123456789012:policy/NoSuchPolicy';
      const run = await runCli(['remediate', '--all', '--yes', ...live(), '--policy-arn', missing]);
      expect(run.code).toBe(1);
      // Every instance role lacks a policy that does not exist; each gets its own line.
      expect(run.stdout).toMatch(
        new RegExp(
          `app-server\\s+AROA\\S+\\s+failed\\s+Policy ${missing} does not exist or cannot be attached: check --policy-arn`,
        ),
      );
      expect(run.stdout).not.toContain("remediation's PolicyArn parameter");
      expect(run.stdout).toMatch(/worker\s+AROA\S+\s+failed/);
      expect(run.stderr).toContain('2 of 2 roles failed');

      const json = await runCli(['remediate', '--all', '--yes', '--json', ...live(), '--policy-arn', missing]);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({
        status: 'applied',
        failed: 2,
        outcomes: [
          { roleName: 'app-server', outcome: 'failed', detail: expect.stringContaining('check --policy-arn') },
          { roleName: 'worker', outcome: 'failed' },
        ],
      });
    });

    it('refuses without --yes when stdin is not a terminal, and changes nothing', async () => {
      const run = await runCli(['remediate', '--all', ...withPolicy()], { stdinIsTTY: false });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        'Refusing to change 1 role without confirmation: stdin is not a terminal. Add --yes',
      );
      expect(await attachedTo('worker')).toEqual([]);
    });

    it('asks on a terminal, changes nothing unless the answer is y or yes, and reports --json', async () => {
      for (const answer of ['', 'n', 'no']) {
        const declined = await runCli(['remediate', '--role', 'worker', ...withPolicy()], {
          stdinIsTTY: true,
          answers: [answer],
        });
        expect(declined.questions).toEqual([`\nAttach ${instancePolicyArn} to 1 role in account 123456789012? [y/N] `]);
        expect(declined.code).toBe(1);
        expect(declined.stderr).toBe('Nothing changed.\n');
      }
      expect(await attachedTo('worker')).toEqual([]);

      const accepted = await runCli(['remediate', '--role', 'worker', ...withPolicy()], {
        stdinIsTTY: true,
        answers: ['y'],
      });
      expect(accepted.code, accepted.stderr).toBe(0);
      expect(accepted.stdout).toMatch(/worker\s+AROA\S+\s+attached/);
      expect(accepted.stderr).not.toContain('Nothing changed');
      expect(await attachedTo('worker')).toEqual([instancePolicyArn]);

      const again = await runCli(['remediate', '--all', '--json', ...withPolicy()], { stdinIsTTY: true });
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ status: 'nothing-to-do', plan: [], outcomes: [] });
    });

    it('--json --yes prints the plan and each verified outcome as one JSON document', async () => {
      const run = await runCli(['remediate', '--all', '--yes', '--json', ...withPolicy()]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        account: expect.stringContaining('live account'),
        policyArn: instancePolicyArn,
        dryRun: false,
        status: 'applied',
        plan: [
          {
            roleName: 'worker',
            roleId: expect.stringMatching(/^AROA/),
            annotation: expect.stringContaining('Role worker lacks the Session Manager policy'),
          },
        ],
        outcomes: [
          {
            roleName: 'worker',
            roleId: expect.stringMatching(/^AROA/),
            outcome: 'attached',
            detail: `attached ${instancePolicyArn} and verified it`,
          },
        ],
        failed: 0,
      });
    });

    it('--role on a role that needs nothing says why and exits 0', async () => {
      const run = await runCli(['remediate', '--role', 'order-fn', ...withPolicy()]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Nothing to do: NOT_APPLICABLE: Role order-fn is in no instance profile');
    });
  });
});

describe('remediate on the bundled sample', () => {
  it('shows the plan, then refuses a real run: the sample is not a live account', async () => {
    const run = await runCli(['remediate', '--all', '--yes']);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      'Plan for bundled sample account: attach arn:aws:iam::111122223333:policy/session-guard/session-guard-instance-policy to 4 roles.',
    );
    expect(run.stderr).toContain(
      'The bundled sample account is only data and cannot be changed: add --dry-run, or remediate a live account',
    );
  });

  it('--dry-run on the sample exits 0', async () => {
    const run = await runCli(['remediate', '--role', 'batch-worker', '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('to 1 role.');
    expect(run.stdout).toMatch(/batch-worker\s+AROAQXAMPLEBATCHWORK2\s+Role batch-worker lacks/);
  });

  it('--dry-run --json prints the plan as JSON and nothing else', async () => {
    const run = await runCli(['remediate', '--all', '--dry-run', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout) as {
      status: string;
      dryRun: boolean;
      plan: { roleName: string }[];
      outcomes: unknown[];
    };
    expect(plan).toMatchObject({ status: 'planned', dryRun: true, outcomes: [] });
    expect(plan.plan.map((r) => r.roleName)).toEqual(
      expect.arrayContaining(['batch-worker', 'legacy-reporting', 'analytics-notebook']),
    );
  });

  it('needs exactly one of --role and --all, and a known role', async () => {
    expect((await runCli(['remediate', '--dry-run'])).stderr).toContain('exactly one of --role NAME or --all');
    expect((await runCli(['remediate', '--all', '--role', 'worker', '--dry-run'])).code).toBe(2);
    const unknown = await runCli(['remediate', '--role', 'no-such-role', '--dry-run']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No role named no-such-role');
  });
});

/**
 * An endpoint that denies every call, in the query-protocol error shape IAM and CloudFormation
 * use, except sts:GetCallerIdentity, which IAM policies cannot deny.
 */
const denyingEndpoint = () =>
  standInEndpoint((body, response) => {
    const action = new URLSearchParams(body).get('Action') ?? 'Unknown';
    if (action === 'GetCallerIdentity') return answerCallerIdentity(response);
    const service = action === 'DescribeStacks' ? 'cloudformation' : 'iam';
    iamErrorResponse(
      response,
      403,
      'AccessDenied',
      `User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: ${service}:${action} on resource: * because no identity-based policy allows the ${service}:${action} action`,
    );
  });

describe('access errors name the missing permission', () => {
  const endpoint = denyingEndpoint();
  isolateAwsEnvironment();

  it('exits 2 naming iam:GetAccountAuthorizationDetails when the roles cannot be read', async () => {
    const run = await runCli([
      'scan',
      '--endpoint-url',
      endpoint.url(),
      '--region',
      'us-east-1',
      '--policy-arn',
      'arn:aws:iam::123456789012:policy/P',
    ]);
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

describe('the access-denied message', () => {
  const denied = Object.assign(new Error('User: arn:aws:iam::123456789012:user/x is not authorized'), {
    name: 'AccessDenied',
  });

  it('calls a read a read-only permission and says what it is for', () => {
    expect(describeAwsAccessError(toAwsAccessError(denied, 'ssm:GetDocument') as AwsAccessError)).toBe(
      "Access denied: these credentials may not call ssm:GetDocument, which session-guard needs to read each Session document's settings, and whether SSM-SessionManagerRunShell exists. " +
        'Grant ssm:GetDocument (a read-only permission) or use other credentials. AWS said: User: arn:aws:iam::123456789012:user/x is not authorized',
    );
  });

  it("does not call remediate's attach read-only", () => {
    expect(describeAwsAccessError(toAwsAccessError(denied, 'iam:AttachRolePolicy') as AwsAccessError)).toContain(
      'which session-guard needs to attach the Session Manager instance policy (remediate). Grant iam:AttachRolePolicy or use other credentials.',
    );
  });
});
