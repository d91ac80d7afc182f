/** `session-guard scan` over the bundled sample account: output, JSON shape, exit codes, help. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';

const root = resolve(import.meta.dirname, '../..');
const SAMPLE_POLICY = 'arn:aws:iam::111122223333:policy/session-guard/SessionGuardInstancePolicy';

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
    results: { resourceType: string; resourceId: string; resourceName: string | null; compliance: string; annotation: string }[];
  }[];
}

async function scanJson(...args: string[]): Promise<JsonReport> {
  const run = await runCli(['scan', '--json', ...args]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as JsonReport;
}

const verdictOf = (report: JsonReport, roleName: string) =>
  report.checks[0]?.results.find((r) => r.resourceName === roleName)?.compliance;

describe('session-guard scan (bundled sample account)', () => {
  it('prints a table per rule with each role, verdict and annotation, then a summary', async () => {
    const run = await runCli(['scan']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('session-guard scan of account 111122223333: bundled sample account');
    expect(run.stdout).toContain('role-policy: EC2 instance roles carry the Session Manager instance policy');
    expect(run.stdout).toMatch(/batch-worker\s+AROAQXAMPLEBATCHWORK2\s+NON_COMPLIANT\s+Role batch-worker lacks the Session Manager policy/);
    expect(run.stdout).toMatch(/web-server\s+AROAQXAMPLEWEBSERVER1\s+COMPLIANT/);
    expect(run.stdout).toMatch(/role-policy\s+3\s+1\s+6\s+10/);
    // Problems first, then compliant roles, then the rest.
    const verdicts = run.stdout.split('\n').flatMap((line) => /^\S+\s+AROA\S+\s+(\S+)/.exec(line)?.[1] ?? []);
    expect(verdicts).toEqual([...Array(3).fill('NON_COMPLIANT'), 'COMPLIANT', ...Array(6).fill('NOT_APPLICABLE')]);
    expect(run.stderr).toBe('');
  });

  it('--json reports the account, counts per check and overall, and every result in Config vocabulary', async () => {
    const report = await scanJson();

    expect(report.account).toEqual({ id: '111122223333', source: 'sample', description: 'bundled sample account' });
    expect(Number.isNaN(Date.parse(report.generatedAt))).toBe(false);
    expect(report.summary).toEqual({ COMPLIANT: 1, NON_COMPLIANT: 3, NOT_APPLICABLE: 6, total: 10 });
    expect(report.checks).toHaveLength(1);
    const [check] = report.checks;
    expect(check).toMatchObject({
      id: 'role-policy',
      ruleName: 'session-guard instance-role rule',
      parameters: { PolicyArn: SAMPLE_POLICY, ExemptionTagKey: 'SessionManagerExempt', AlternativePolicyArns: '' },
      summary: { COMPLIANT: 1, NON_COMPLIANT: 3, NOT_APPLICABLE: 6, total: 10 },
    });
    expect(check?.results).toContainEqual({
      resourceType: 'AWS::IAM::Role',
      resourceId: 'AROAQXAMPLEBATCHWORK2',
      resourceName: 'batch-worker',
      compliance: 'NON_COMPLIANT',
      annotation: `Role batch-worker lacks the Session Manager policy: attach ${SAMPLE_POLICY}. Instance profile: batch-worker.`,
    });
    expect(verdictOf(report, 'bastion-break-glass')).toBe('NOT_APPLICABLE');
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
    const report = await scanJson('--rule', 'role-policy');
    expect(report.checks.map((c) => c.id)).toEqual(['role-policy']);
  });

  describe('exit codes', () => {
    it('exits 0 with findings by default, 1 with --fail-on non-compliant', async () => {
      expect((await runCli(['scan'])).code).toBe(0);
      expect((await runCli(['scan', '--fail-on', 'non-compliant'])).code).toBe(1);
    });

    it('--fail-on non-compliant exits 0 when nothing is NON_COMPLIANT', async () => {
      // Accept, in place of the stack's policy, what each of the three failing roles carries.
      const alternatives = [
        'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
        'arn:aws:iam::999988887777:policy/session-guard/SessionGuardInstancePolicy',
        'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
      ].join(',');
      const run = await runCli(['scan', '--fail-on', 'non-compliant', '--alternative-policy-arns', alternatives]);
      expect(run.stdout).toMatch(/role-policy\s+0\s+4\s+6\s+10/);
      expect(run.code).toBe(0);
    });

    it.each([
      [['scan', '--bogus'], /unknown option '--bogus'/],
      [['scan', '--rule', 'nope'], /Allowed choices are role-policy/],
      [['scan', '--fail-on', 'sometimes'], /Allowed choices are never, non-compliant/],
      [['scan', '--policy-arn', 'not-an-arn'], /rule parameter PolicyArn: must be an IAM policy ARN.*PolicyArn from --policy-arn/],
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
      spawnSync(process.execPath, [resolve(root, 'cli/session-guard.mjs'), ...args], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH } });

    it('scans the sample with no AWS credentials and exits by --fail-on', () => {
      const json = bin('scan', '--json');
      expect(json.status, json.stderr).toBe(0);
      expect((JSON.parse(json.stdout) as JsonReport).summary.total).toBe(10);
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
