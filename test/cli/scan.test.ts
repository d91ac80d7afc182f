/** `session-guard scan` over the bundled sample account: output, JSON shape, exit codes, help. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';

const root = resolve(import.meta.dirname, '../..');
const SAMPLE_POLICY = 'arn:aws:iam::111122223333:policy/session-guard/session-guard-instance-policy';

interface JsonReport {
  account: { id: string; source: string; description: string };
  generatedAt: string;
  summary: Record<string, number>;
  checks: {
    id: string;
    title: string;
    ruleName: string;
    parameters: Record<string, string>;
    summary: Record<string, number>;
    results: {
      resourceType: string;
      resourceId: string;
      resourceName: string | null;
      compliance: string;
      annotation: string;
    }[];
  }[];
}

async function scanJson(...args: string[]): Promise<JsonReport> {
  const run = await runCli(['scan', '--json', ...args]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as JsonReport;
}

const resultOf = (report: JsonReport, checkId: string, name: string) =>
  report.checks.find((c) => c.id === checkId)?.results.find((r) => (r.resourceName ?? r.resourceId) === name);
const verdictOf = (report: JsonReport, roleName: string) => resultOf(report, 'instance-role', roleName)?.compliance;
const verdictsOf = (report: JsonReport, checkId: string) =>
  Object.fromEntries(
    (report.checks.find((c) => c.id === checkId)?.results ?? []).map((r) => [
      r.resourceName ?? r.resourceId,
      r.compliance,
    ]),
  );

/** The lines of one rule's section of the text output. */
const sectionOf = (stdout: string, checkId: string) => {
  const start = stdout.indexOf(`\n${checkId}: `);
  const end = stdout.indexOf(' resources)', start);
  return stdout.slice(start, end);
};

describe('session-guard scan (bundled sample account)', () => {
  it('prints a table per rule (all three) with each resource, verdict and annotation, then a summary', async () => {
    const run = await runCli(['scan']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('session-guard scan of account 111122223333: bundled sample account');
    const rolePolicy = sectionOf(run.stdout, 'instance-role');
    expect(rolePolicy).toContain(
      'instance-role: Roles that run sessions (EC2 instance, DHMC, hybrid) carry the Session Manager instance policy',
    );
    expect(rolePolicy).toMatch(
      /batch-worker\s+AROAQXAMPLEBATCHWORK2\s+NON_COMPLIANT\s+Role batch-worker lacks the Session Manager policy/,
    );
    expect(rolePolicy).toMatch(/web-server\s+AROAQXAMPLEWEBSERVER1\s+COMPLIANT/);
    // Problems first, then compliant roles, then the rest.
    const verdicts = rolePolicy.split('\n').flatMap((line) => /^\S+\s+AROA\S+\s+(\S+)/.exec(line)?.[1] ?? []);
    expect(verdicts).toEqual([
      ...Array(4).fill('NON_COMPLIANT'),
      ...Array(2).fill('COMPLIANT'),
      ...Array(6).fill('NOT_APPLICABLE'),
    ]);

    const ssmAccess = sectionOf(run.stdout, 'ssm-access');
    expect(ssmAccess).toContain('  BreakGlassTagKey: SessionGuardBreakGlass');
    expect(ssmAccess).toMatch(
      /ops-session-access\s+ANPAQXAMPLEOPSSESS002\s+NON_COMPLIANT\s+Policy ops-session-access allows IAM-SSM-2, SG-SSM-3 through policy ops-session-access v2, statement AnyShell/,
    );
    expect(ssmAccess).toMatch(/fleet-patching\s+ANPAQXAMPLEFLEETPAT03\s+COMPLIANT/);
    const preferences = sectionOf(run.stdout, 'session-document');
    expect(preferences).toMatch(
      /SSM-SessionManagerRunShell\s+SSM-SessionManagerRunShell\s+NON_COMPLIANT\s+Session document SSM-SessionManagerRunShell: kmsKeyId empty/,
    );
    expect(preferences).toMatch(/AWS account\s+111122223333\s+COMPLIANT/);

    expect(run.stdout).toMatch(
      /Summary\nRULE\s+NON_COMPLIANT\s+COMPLIANT\s+NOT_APPLICABLE\s+TOTAL\n[-\s]+\ninstance-role\s+4\s+2\s+6\s+12\nssm-access\s+16\s+17\s+4\s+37\nsession-document\s+3\s+4\s+0\s+7\nall\s+23\s+23\s+10\s+56\n$/,
    );
    expect(run.stderr).toBe('');
  });

  it('ssm-access: flags broad grants, passes tag-scoped ones, exempts break-glass by tag and by ARN', async () => {
    const report = await scanJson('--rule', 'ssm-access');

    expect(report.checks[0]).toMatchObject({
      ruleName: 'session-guard SSM access guardrail rule',
      parameters: {
        BreakGlassTagKey: 'SessionGuardBreakGlass',
        BreakGlassArns: 'arn:aws:iam::111122223333:group/incident-responders',
      },
      summary: { NON_COMPLIANT: 16, COMPLIANT: 17, NOT_APPLICABLE: 4, total: 37 },
    });
    expect(verdictsOf(report, 'ssm-access')).toMatchObject({
      // StartSession on "*" in the default version (v2); v1 was tag-scoped.
      'ops-session-access': 'NON_COMPLIANT',
      // ...IfExists lets an untagged instance through.
      'support-sessions': 'NON_COMPLIANT',
      'ci-deployer': 'NON_COMPLIANT',
      'contractor-bob': 'NON_COMPLIANT',
      // StringLike "*" on the tag matches any value; alice has it through her group.
      developers: 'NON_COMPLIANT',
      alice: 'NON_COMPLIANT',
      // AWS managed policies, attached directly or through a group.
      dana: 'NON_COMPLIANT',
      erin: 'NON_COMPLIANT',
      'platform-admins': 'NON_COMPLIANT',
      // PowerUserAccess, but a permissions boundary that denies both actions.
      frank: 'COMPLIANT',
      'deny-shells-boundary': 'COMPLIANT',
      // Two statements that only together cover every instance; a carve-out of another partition.
      grace: 'NON_COMPLIANT',
      hank: 'NON_COMPLIANT',
      // StringLike "?*" only asks that the tag exists; StringEquals "*" compares literally.
      ivy: 'NON_COMPLIANT',
      kim: 'COMPLIANT',
      // Hybrid managed nodes are managed nodes too.
      jack: 'NON_COMPLIANT',
      // SG-SSM-3: sessions on tagged instances with any document, or only with the preferences'.
      leo: 'NON_COMPLIANT',
      mia: 'COMPLIANT',
      // SG-SSM-4: may rewrite SSM-SessionManagerRunShell, or only another document.
      nora: 'NON_COMPLIANT',
      omar: 'COMPLIANT',
      // An attached policy IAM does not hold (another account's) cannot be read: never passed.
      'legacy-reporting': 'NON_COMPLIANT',
      // SendCommand scoped by ssm:resourceTag/PatchGroup.
      'fleet-patching': 'COMPLIANT',
      // An explicit Deny of both actions on every instance.
      auditors: 'COMPLIANT',
      // The DHMC role (AmazonSSMManagedEC2InstanceDefaultPolicy) and an activation's role run sessions, never start them.
      AWSSystemsManagerDefaultEC2InstanceManagementRole: 'COMPLIANT',
      'edge-devices-hybrid': 'COMPLIANT',
      'break-glass-admin': 'NOT_APPLICABLE',
      'bastion-break-glass': 'NOT_APPLICABLE',
      'oncall-breakglass': 'NOT_APPLICABLE',
      'incident-responders': 'NOT_APPLICABLE',
    });
    expect(resultOf(report, 'ssm-access', 'break-glass-admin')).toMatchObject({
      resourceType: 'AWS::IAM::Policy',
      resourceId: 'ANPAQXAMPLEBREAKGL004',
      annotation: expect.stringMatching(/^Policy break-glass-admin is break-glass \(tag SessionGuardBreakGlass=true\)/),
    });
    expect(resultOf(report, 'ssm-access', 'incident-responders')?.annotation).toContain(
      'break-glass (ARN listed in BreakGlassArns)',
    );
    expect(resultOf(report, 'ssm-access', 'contractor-bob')).toMatchObject({
      resourceType: 'AWS::IAM::User',
      annotation: expect.stringContaining(
        'IAM-SSM-1, IAM-SSM-2 through inline policy troubleshooting, statement Troubleshoot (ssm:SendCommand and ssm:StartSession on nodes it does not name)',
      ),
    });
    expect(resultOf(report, 'ssm-access', 'erin')?.annotation).toContain(
      'through group platform-admins: AWS managed policy AdministratorAccess, statement #0',
    );
    expect(resultOf(report, 'ssm-access', 'ivy')?.annotation).toContain("StringLike '?*' matches any value");
    expect(resultOf(report, 'ssm-access', 'leo')?.annotation).toContain(
      'SG-SSM-3 through inline policy data-sessions-any-document, statement AnyDocument (ssm:StartSession with AWS-StartSSHSession)',
    );
    expect(resultOf(report, 'ssm-access', 'nora')?.annotation).toContain(
      'SG-SSM-4 through inline policy edit-documents, statement EditAnyDocument (ssm:UpdateDocument on SSM-SessionManagerRunShell)',
    );
  });

  it('session-document: every Session document the account owns, and the account itself', async () => {
    const report = await scanJson('--rule', 'session-document');

    expect(report.checks[0]).toMatchObject({
      ruleName: 'session-guard session-preferences rule',
      parameters: { MaxIdleSessionTimeoutMinutes: '20', MaxSessionDurationMinutes: '60' },
      summary: { NON_COMPLIANT: 3, COMPLIANT: 4, NOT_APPLICABLE: 0, total: 7 },
    });
    // The Command document is not a Session document: the rule never lists it.
    expect(report.checks[0]?.results.map((r) => [r.resourceType, r.resourceId, r.compliance])).toEqual([
      ['AWS::SSM::Document', 'SSM-SessionManagerRunShell', 'NON_COMPLIANT'],
      ['AWS::SSM::Document', 'SessionGuard-OncallShell', 'COMPLIANT'],
      ['AWS::SSM::Document', 'PortForwardLegacy', 'NON_COMPLIANT'],
      ['AWS::SSM::Document', 'SessionGuard-DatabaseTunnel', 'COMPLIANT'],
      ['AWS::SSM::Document', 'SessionGuard-TailAgentLog', 'COMPLIANT'],
      ['AWS::SSM::Document', 'Team-DebugCommands', 'NON_COMPLIANT'],
      ['AWS::::Account', '111122223333', 'COMPLIANT'],
    ]);
  });

  it('session-document: each session type is judged on the settings Session Manager applies to it', async () => {
    const report = await scanJson('--rule', 'session-document');

    // A port-forwarding document is never logged nor KMS-encrypted: its unencrypted S3 bucket is not a finding, its limits are.
    expect(resultOf(report, 'session-document', 'PortForwardLegacy')?.annotation).toBe(
      'Session document PortForwardLegacy (Port): idleSessionTimeout 60 above 20 minutes; maxSessionDuration unset (allowed 60 minutes).',
    );
    expect(resultOf(report, 'session-document', 'SessionGuard-DatabaseTunnel')?.annotation).toContain(
      '(Port) keeps sessions within 20 idle / 60 total minutes',
    );
    expect(resultOf(report, 'session-document', 'SessionGuard-TailAgentLog')?.annotation).toContain(
      '(InteractiveCommands) encrypts sessions and logs',
    );
    expect(resultOf(report, 'session-document', 'Team-DebugCommands')?.annotation).toBe(
      "Session document Team-DebugCommands (InteractiveCommands): s3BucketName is the parameter {{ logBucket }}: the session's starter can choose where logs go.",
    );
  });

  it("takes the new rules' parameters from flags, and their rules decide with them", async () => {
    const report = await scanJson(
      '--break-glass-tag-key',
      'NoSuchTag',
      '--break-glass-arns',
      '',
      '--max-idle-session-timeout-minutes',
      '60',
      '--max-session-duration-minutes',
      '1440',
    );

    expect(report.checks[1]?.parameters).toEqual({
      BreakGlassTagKey: 'NoSuchTag',
      BreakGlassArns: '',
      // The rest from the sample's stack: its parameter and its output.
      AllowedSessionDocuments: '',
      SessionControlManagerArns: 'arn:aws:iam::111122223333:role/session-guard/session-preferences/*',
    });
    expect(verdictsOf(report, 'ssm-access')).toMatchObject({
      'break-glass-admin': 'NON_COMPLIANT',
      'incident-responders': 'NON_COMPLIANT',
    });
    // Idle 60 is allowed now; an unset maximum is still a failure.
    expect(resultOf(report, 'session-document', 'PortForwardLegacy')?.annotation).toBe(
      'Session document PortForwardLegacy (Port): maxSessionDuration unset (allowed 1440 minutes).',
    );
  });

  it('--json reports the account, counts per check and overall, and every result in Config vocabulary', async () => {
    const report = await scanJson();

    expect(report.account).toEqual({ id: '111122223333', source: 'sample', description: 'bundled sample account' });
    expect(Number.isNaN(Date.parse(report.generatedAt))).toBe(false);
    expect(report.summary).toEqual({ COMPLIANT: 23, NON_COMPLIANT: 23, NOT_APPLICABLE: 10, total: 56 });
    expect(report.checks.map((c) => c.id)).toEqual(['instance-role', 'ssm-access', 'session-document']);
    const [check] = report.checks;
    expect(check).toMatchObject({
      id: 'instance-role',
      ruleName: 'session-guard instance-role rule',
      parameters: { PolicyArn: SAMPLE_POLICY, ExemptionTagKey: 'SessionManagerExempt', AlternativePolicyArns: '' },
      summary: { COMPLIANT: 2, NON_COMPLIANT: 4, NOT_APPLICABLE: 6, total: 12 },
    });
    expect(check?.results).toContainEqual({
      resourceType: 'AWS::IAM::Role',
      resourceId: 'AROAQXAMPLEBATCHWORK2',
      resourceName: 'batch-worker',
      compliance: 'NON_COMPLIANT',
      annotation: `Role batch-worker lacks the Session Manager policy: attach ${SAMPLE_POLICY}. Instance profile batch-worker.`,
    });
    expect(verdictOf(report, 'bastion-break-glass')).toBe('NOT_APPLICABLE');
    // The DHMC role of two regions and the role of a hybrid activation, each once, saying why.
    expect(check?.results).toContainEqual(
      expect.objectContaining({
        resourceName: 'AWSSystemsManagerDefaultEC2InstanceManagementRole',
        compliance: 'NON_COMPLIANT',
        annotation: expect.stringMatching(/DHMC role in eu-west-1, us-east-1\.$/),
      }),
    );
    expect(check?.results).toContainEqual(
      expect.objectContaining({
        resourceName: 'edge-devices-hybrid',
        compliance: 'COMPLIANT',
        annotation:
          'Role edge-devices-hybrid (role of activation e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE (us-east-1)) has session-guard-instance-policy attached. Lacks ssm:UpdateInstanceInformation: nodes need AmazonSSMManagedInstanceCore to register.',
      }),
    );
    expect(
      check?.results.filter((r) => r.resourceName === 'AWSSystemsManagerDefaultEC2InstanceManagementRole'),
    ).toHaveLength(1);
  });

  it('takes the rule parameters from flags over the sample stack, and the rule decides with them', async () => {
    const other = 'arn:aws:iam::111122223333:policy/OtherInstancePolicy';
    const report = await scanJson('--policy-arn', other, '--exemption-tag-key', 'NoSuchTag');

    expect(report.checks[0]?.parameters).toMatchObject({ PolicyArn: other, ExemptionTagKey: 'NoSuchTag' });
    // web-server carries only the stack's policy; bastion-break-glass loses its exemption.
    expect(verdictOf(report, 'web-server')).toBe('NON_COMPLIANT');
    expect(verdictOf(report, 'bastion-break-glass')).not.toBe('NOT_APPLICABLE');
  });

  it('--rule selects checks by id', async () => {
    const report = await scanJson('--rule', 'instance-role');
    expect(report.checks.map((c) => c.id)).toEqual(['instance-role']);
  });

  describe('exit codes', () => {
    it('exits 0 with findings by default, 1 with --fail-on non-compliant', async () => {
      expect((await runCli(['scan'])).code).toBe(0);
      expect((await runCli(['scan', '--fail-on', 'non-compliant'])).code).toBe(1);
    });

    it('--fail-on non-compliant exits 0 when nothing is NON_COMPLIANT', async () => {
      // Accept, in place of the stack's policy, what each of the four failing roles carries.
      const alternatives = [
        'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
        'arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy',
        'arn:aws:iam::999988887777:policy/session-guard/session-guard-instance-policy',
        'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
      ].join(',');
      const run = await runCli([
        'scan',
        '--rule',
        'instance-role',
        '--fail-on',
        'non-compliant',
        '--alternative-policy-arns',
        alternatives,
      ]);
      expect(run.stdout).toMatch(/instance-role\s+0\s+6\s+6\s+12/);
      expect(run.code).toBe(0);
    });

    it.each([
      [['scan', '--bogus'], /unknown option '--bogus'/],
      [['scan', '--rule', 'nope'], /Allowed choices are instance-role, ssm-access, session-document/],
      [
        ['scan', '--max-session-duration-minutes', '2000'],
        /^session-guard: The session-document check cannot run: --max-session-duration-minutes "2000": must be at most 1440\.\n$/,
      ],
      [
        ['scan', '--max-idle-session-timeout-minutes', 'ten'],
        /^session-guard: The session-document check cannot run: --max-idle-session-timeout-minutes "ten": must be a whole number written as text, such as "1"; got "ten" \(string\)\.\n$/,
      ],
      [
        ['scan', '--max-idle-session-timeout-minutes', '2.5'],
        /--max-idle-session-timeout-minutes "2.5": must be a whole number/,
      ],
      [
        ['scan', '--break-glass-arns', 'BreakGlass'],
        /The ssm-access check cannot run: --break-glass-arns "BreakGlass": must be the ARN of an IAM policy, role, user or group/,
      ],
      [['scan', '--fail-on', 'sometimes'], /Allowed choices are never, non-compliant/],
      [['scan', '--policy-arn', 'not-an-arn'], /--policy-arn "not-an-arn": must be an IAM policy ARN/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [[], /Usage: session-guard/],
    ])('exits 2 for %j with a message', async (argv, message) => {
      const run = await runCli(argv);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    });

    it('exits 2 when the HTML report cannot be written, naming the file', async () => {
      const run = await runCli(['scan', '--html', '/nonexistent-dir/report.html']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('Cannot write the HTML report to /nonexistent-dir/report.html');
    });
  });

  it.each([[[]], [['scan']], [['evaluate']], [['remediate']]])('--help works on %j and exits 0', async (command) => {
    const run = await runCli([...command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: session-guard${command.length ? ` ${command[0]}` : ''}`);
  });

  describe('the session-guard bin (a real process, as npx runs it)', () => {
    const bin = (...args: string[]) =>
      spawnSync(process.execPath, [resolve(root, 'cli/session-guard.mjs'), ...args], {
        cwd: root,
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      });

    it('scans the sample with no AWS credentials and exits by --fail-on', () => {
      const json = bin('scan', '--json');
      expect(json.status, json.stderr).toBe(0);
      expect((JSON.parse(json.stdout) as JsonReport).summary.total).toBe(56);
      expect(bin('scan', '--fail-on', 'non-compliant').status).toBe(1);
      expect(bin('scan', '--no-such-flag').status).toBe(2);
    });

    it('is the package.json bin', async () => {
      const { default: pkg } = await import('../../package.json', { with: { type: 'json' } });
      expect(pkg.bin).toEqual({ 'session-guard': 'cli/session-guard.mjs' });
      expect(Object.keys(pkg.dependencies)).toContain('tsx');
    });
  });
});
