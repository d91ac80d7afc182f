/** `session-guard evaluate --event FILE`: saved Config events through the rule's own plumbing. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';

const events = resolve(import.meta.dirname, '../fixtures/cli-events');
const fixture = (name: string) => join(events, `${name}.json`);
/** The sample events `sam local invoke` uses, as AWS Config sends them. */
const samEvent = (logicalId: string, name: string) =>
  resolve(import.meta.dirname, '../../sam/events', logicalId, `${name}.json`);
const scratch = mkdtempSync(join(tmpdir(), 'session-guard-evaluate-'));

/** A fixture with changes, written to a scratch file. */
function variant(
  name: string,
  change: (event: Record<string, unknown>, invoking: Record<string, unknown>) => void,
  path: string = fixture(name),
): string {
  const event = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const invoking = JSON.parse(event.invokingEvent as string) as Record<string, unknown>;
  change(event, invoking);
  event.invokingEvent = JSON.stringify(invoking);
  const written = join(scratch, `${name}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(written, JSON.stringify(event));
  return written;
}

interface PutEvaluationsRequest {
  Evaluations: {
    ComplianceResourceType: string;
    ComplianceResourceId: string;
    ComplianceType: string;
    Annotation: string;
    OrderingTimestamp: string;
  }[];
  ResultToken: string;
  TestMode: boolean;
}

async function evaluateJson(...args: string[]): Promise<PutEvaluationsRequest> {
  const run = await runCli(['evaluate', '--json', ...args]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as PutEvaluationsRequest;
}

describe('session-guard evaluate', () => {
  it('runs the rule inferred from the resource type on a change event and prints the one evaluation', async () => {
    const run = await runCli(['evaluate', '--event', fixture('role-change')]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'instance-role on ConfigurationItemChangeNotification for rule session-guard-RolePolicyRule-1A2B3C4D5E6F: 1 evaluation the Lambda',
    );
    expect(run.stdout).toContain('(TestMode)');
    expect(run.stdout).toMatch(
      /AWS::IAM::Role\s+AROAQXAMPLEBATCHWORK2\s+NON_COMPLIANT\s+2026-05-11T08:12:45.331Z\s+Role batch-worker lacks/,
    );
  });

  it('--json prints the PutEvaluations request the Lambda would send', async () => {
    const request = await evaluateJson('--event', fixture('role-change'));

    expect(request).toEqual({
      Evaluations: [
        {
          ComplianceResourceType: 'AWS::IAM::Role',
          ComplianceResourceId: 'AROAQXAMPLEBATCHWORK2',
          ComplianceType: 'NON_COMPLIANT',
          Annotation:
            'Role batch-worker lacks the Session Manager policy: attach arn:aws:iam::111122223333:policy/session-guard/session-guard-instance-policy. Instance profile batch-worker.',
          OrderingTimestamp: '2026-05-11T08:12:45.331Z',
        },
      ],
      ResultToken: 'TESTMODE',
      TestMode: true,
    });
  });

  it("shows a finding longer than Config's 256 characters in full, and --json clips it as PutEvaluations sends it", async () => {
    const profiles = Array.from({ length: 5 }, (_, i) => `batch-worker-instance-profile-for-the-nightly-fleet-${i}`);
    const event = variant('role-change', (_, invoking) => {
      const item = invoking.configurationItem as {
        configuration: { instanceProfileList: { instanceProfileName: string }[] };
      };
      item.configuration.instanceProfileList = profiles.map((name) => ({
        ...item.configuration.instanceProfileList[0],
        instanceProfileName: name,
      }));
    });

    const run = await runCli(['evaluate', '--event', event]);
    expect(run.code, run.stderr).toBe(0);
    const row = run.stdout.split('\n').find((line) => line.startsWith('AWS::IAM::Role')) ?? '';
    const finding = row.slice(row.indexOf('Role batch-worker'));
    expect(finding.length).toBeGreaterThan(256);
    expect(finding).toContain(profiles[4]);
    expect(finding).not.toContain('…');
    expect(run.stdout).toContain(
      "1 annotation shown in full above is longer than Config's 256 characters; --json shows the clipped text Config receives.",
    );

    const request = await evaluateJson('--event', event);
    expect(request.Evaluations[0]?.Annotation).toBe(`${finding.slice(0, 255)}…`);
  });

  it("uses the event's own rule parameters, as the Lambda does", async () => {
    const other = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
    const path = variant('role-change', (event) => (event.ruleParameters = JSON.stringify({ PolicyArn: other })));
    const request = await evaluateJson('--event', path);
    expect(request.Evaluations[0]?.ComplianceType).toBe('COMPLIANT');
  });

  it('leaves deleted resources and resources that left scope NOT_APPLICABLE without asking the rule', async () => {
    const deleted = variant('role-change', (_, invoking) => {
      (invoking.configurationItem as Record<string, unknown>).configurationItemStatus = 'ResourceDeleted';
      (invoking.configurationItem as Record<string, unknown>).configuration = null;
    });
    expect((await evaluateJson('--event', deleted)).Evaluations[0]?.ComplianceType).toBe('NOT_APPLICABLE');
    const leftScope = variant('role-change', (event) => (event.eventLeftScope = true));
    expect((await evaluateJson('--event', leftScope)).Evaluations[0]?.ComplianceType).toBe('NOT_APPLICABLE');
  });

  it('fetches the item behind an oversized event from the account source (the bundled sample by default)', async () => {
    const request = await evaluateJson('--event', fixture('role-oversized'));
    expect(request.Evaluations).toEqual([
      expect.objectContaining({
        ComplianceResourceId: 'AROAQXAMPLEWEBSERVER1',
        ComplianceType: 'COMPLIANT',
        OrderingTimestamp: '2026-05-11T09:00:00.000Z',
      }),
    ]);
  });

  describe('the rule for the sam/events samples of every rule', () => {
    it('AWS::IAM::Policy: ssm-access, the only rule for the type', async () => {
      const run = await runCli(['evaluate', '--json', '--event', samEvent('SsmAccessRuleFunction', 'policy-change')]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      const [evaluation] = (JSON.parse(run.stdout) as PutEvaluationsRequest).Evaluations;
      expect(evaluation).toMatchObject({
        ComplianceResourceType: 'AWS::IAM::Policy',
        ComplianceResourceId: 'ANPAR3CQWEXAMPLE0001',
        ComplianceType: 'NON_COMPLIANT',
      });
      // v2, the default version, is the broad one.
      expect(evaluation?.Annotation).toContain(
        'IAM-SSM-1, IAM-SSM-2 through policy fleet-operators v2, statement OperateFleet (ssm:SendCommand and ssm:StartSession on nodes it does not name)',
      );
    });

    it("AWS::IAM::Role: two rules evaluate it, and the event's configRuleName says which (with a note)", async () => {
      const ssmAccess = await runCli(['evaluate', '--event', samEvent('SsmAccessRuleFunction', 'role-change')]);
      expect(ssmAccess.code, ssmAccess.stderr).toBe(0);
      expect(ssmAccess.stdout).toMatch(
        /^ssm-access on ConfigurationItemChangeNotification for rule session-guard-SsmAccessRule-1X2Y3Z4W5V6U/,
      );
      expect(ssmAccess.stdout).toMatch(
        /AWS::IAM::Role\s+AROAR3CQWEXAMPLE0002\s+COMPLIANT\s+.*Role payments-oncall allows no ssm:SendCommand/,
      );
      expect(ssmAccess.stderr).toBe(
        "Note: running ssm-access: the event's configRuleName session-guard-SsmAccessRule-1X2Y3Z4W5V6U is session-guard's SsmAccessRule. Pass --rule to run another.\n",
      );

      const rolePolicy = await runCli(['evaluate', '--event', samEvent('RolePolicyRuleFunction', 'change')]);
      expect(rolePolicy.code, rolePolicy.stderr).toBe(0);
      expect(rolePolicy.stdout).toMatch(/^instance-role on ConfigurationItemChangeNotification/);
      expect(rolePolicy.stdout).toMatch(
        /AWS::IAM::Role\s+AROAQXAMPLEBATCHWORK2\s+NON_COMPLIANT\s+.*lacks the Session Manager policy/,
      );
    });

    it('AWS::IAM::Role under a rule name session-guard did not make: asks for --rule, and --rule decides', async () => {
      const renamed = variant(
        'role-change',
        (event) => (event.configRuleName = 'iam-role-checks'),
        samEvent('SsmAccessRuleFunction', 'role-change'),
      );
      const refused = await runCli(['evaluate', '--event', renamed]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(
        'session-guard: AWS::IAM::Role is evaluated by instance-role and ssm-access, and the event\'s configRuleName "iam-role-checks" is not one of session-guard\'s rules (<stack>-RolePolicyRule-<suffix>, <stack>-SsmAccessRule-<suffix>): pass --rule instance-role or --rule ssm-access.\n',
      );
      const chosen = await evaluateJson('--event', renamed, '--rule', 'ssm-access');
      expect(chosen.Evaluations[0]?.ComplianceType).toBe('COMPLIANT');
    });

    it('AWS::SSM::Document: session-document, reading the document from the account source', async () => {
      const request = await evaluateJson('--event', samEvent('PreferencesRuleFunction', 'document-change'));
      expect(request.Evaluations).toEqual([
        {
          ComplianceResourceType: 'AWS::SSM::Document',
          ComplianceResourceId: 'SSM-SessionManagerRunShell',
          ComplianceType: 'NON_COMPLIANT',
          Annotation: 'Session document SSM-SessionManagerRunShell: kmsKeyId empty (no session encryption beyond TLS).',
          OrderingTimestamp: '2026-11-20T10:14:58.337Z',
        },
      ]);
    });

    it('AWS::SSM::Document of type Port: held to the session limits, not to logging or a key it cannot use', async () => {
      const request = await evaluateJson('--event', samEvent('PreferencesRuleFunction', 'port-document-change'));
      expect(request.Evaluations).toEqual([
        {
          ComplianceResourceType: 'AWS::SSM::Document',
          ComplianceResourceId: 'SessionGuard-DatabaseTunnel',
          ComplianceType: 'COMPLIANT',
          Annotation:
            'Session document SessionGuard-DatabaseTunnel (Port) keeps sessions within 20 idle / 60 total minutes; Session Manager neither logs nor KMS-encrypts port forwarding and SSH sessions, so neither is asked for.',
          OrderingTimestamp: '2026-11-21T09:02:11.608Z',
        },
      ]);
    });

    // With the event's own rule parameters, as the Lambda would: the SsmAccessRule event lists no
    // break-glass ARNs (incident-responders is not exempt), and the RolePolicyRule event names the
    // instance policy the stack deploys, which web-server carries.
    it.each([
      ['SsmAccessRuleFunction', 37, 17],
      ['PreferencesRuleFunction', 7, 3],
      ['RolePolicyRuleFunction', 12, 4],
    ])(
      '%s scheduled: the rule its configRuleName names sweeps the account source',
      async (logicalId, total, nonCompliant) => {
        const request = await evaluateJson('--event', samEvent(logicalId, 'scheduled'));
        expect(request.Evaluations).toHaveLength(total);
        expect(request.Evaluations.filter((e) => e.ComplianceType === 'NON_COMPLIANT')).toHaveLength(nonCompliant);
      },
    );

    it('oversized items of the new types come from the sample in the shape Config records them', async () => {
      const summaryOf = (invoking: Record<string, unknown>) =>
        invoking.configurationItemSummary as Record<string, unknown>;
      const ciDeployer = variant('role-oversized', (event, invoking) => {
        event.ruleParameters = JSON.stringify({ BreakGlassTagKey: 'SessionGuardBreakGlass' });
        Object.assign(summaryOf(invoking), { resourceId: 'AROAQXAMPLECIDEPLOYE8', resourceName: 'ci-deployer' });
      });
      // The role's inline policies are part of the item: its broad SendCommand is found.
      const role = await evaluateJson('--event', ciDeployer, '--rule', 'ssm-access');
      expect(role.Evaluations[0]).toMatchObject({
        ComplianceResourceId: 'AROAQXAMPLECIDEPLOYE8',
        ComplianceType: 'NON_COMPLIANT',
      });
      expect(role.Evaluations[0]?.Annotation).toContain('inline policy run-deploy-commands');

      const user = variant('role-oversized', (event, invoking) => {
        event.ruleParameters = '{}';
        Object.assign(summaryOf(invoking), {
          resourceType: 'AWS::IAM::User',
          resourceId: 'AIDAQXAMPLEONCALL0003',
          resourceName: 'oncall-breakglass',
        });
      });
      expect((await evaluateJson('--event', user)).Evaluations[0]).toMatchObject({
        ComplianceType: 'NOT_APPLICABLE',
        Annotation: expect.stringContaining('break-glass (tag SessionGuardBreakGlass=true)'),
      });

      const policy = variant('role-oversized', (event, invoking) => {
        event.ruleParameters = '{}';
        Object.assign(summaryOf(invoking), {
          resourceType: 'AWS::IAM::Policy',
          resourceId: 'ANPAQXAMPLEBREAKGL004',
          resourceName: 'break-glass-admin',
        });
      });
      // GetPolicy's tags travel with Config's item for a policy.
      expect((await evaluateJson('--event', policy)).Evaluations[0]?.ComplianceType).toBe('NOT_APPLICABLE');

      const document = variant('role-oversized', (event, invoking) => {
        event.ruleParameters = '{}';
        Object.assign(summaryOf(invoking), {
          resourceType: 'AWS::SSM::Document',
          resourceId: 'PortForwardLegacy',
          resourceName: 'PortForwardLegacy',
          awsRegion: 'us-east-1',
        });
      });
      expect((await evaluateJson('--event', document)).Evaluations[0]).toMatchObject({
        ComplianceResourceId: 'PortForwardLegacy',
        ComplianceType: 'NON_COMPLIANT',
      });
    });
  });

  it('sweeps the account source for a scheduled event with --rule, stamped with the notification time', async () => {
    const request = await evaluateJson('--event', fixture('scheduled'), '--rule', 'instance-role');
    expect(request.Evaluations).toHaveLength(12);
    expect(new Set(request.Evaluations.map((e) => e.OrderingTimestamp))).toEqual(new Set(['2026-05-12T00:00:00.000Z']));
    expect(
      request.Evaluations.filter((e) => e.ComplianceType === 'NON_COMPLIANT')
        .map((e) => e.ComplianceResourceId)
        .sort(),
    ).toEqual(['AROAQXAMPLEANALYTICS4', 'AROAQXAMPLEBATCHWORK2', 'AROAQXAMPLEDHMCROLE11', 'AROAQXAMPLELEGACYREP3']);
  });

  describe('usage errors exit 2 with a message', () => {
    it.each([
      [
        'a scheduled event of a rule session-guard did not name, without --rule',
        () => ['--event', variant('scheduled', (event) => (event.configRuleName = 'nightly-checks'))],
        /A ScheduledNotification event names no resource, and the event's configRuleName "nightly-checks" is not one of session-guard's rules .*: pass --rule instance-role or --rule ssm-access or --rule session-document\./,
      ],
      ['no --event', () => [], /required option '--event <file>' not specified/],
      ['a missing file', () => ['--event', join(scratch, 'nope.json')], /Cannot read the event file .*nope\.json/],
      [
        'a file that is not JSON',
        () => {
          const path = join(scratch, 'broken.json');
          writeFileSync(path, '{"invokingEvent": ');
          return ['--event', path];
        },
        /Cannot read the event file .*broken\.json/,
      ],
      [
        'an event that is not a Config rule event',
        () => {
          const path = join(scratch, 'lambda.json');
          writeFileSync(path, JSON.stringify({ Records: [] }));
          return ['--event', path];
        },
        /lambda\.json: Not an AWS Config rule event: invokingEvent/,
      ],
      [
        'a resource type no rule evaluates',
        () => [
          '--event',
          variant(
            'role-change',
            (_, invoking) => ((invoking.configurationItem as Record<string, unknown>).resourceType = 'AWS::S3::Bucket'),
          ),
        ],
        /No rule evaluates AWS::S3::Bucket: pass --rule/,
      ],
      [
        'invalid rule parameters in the event',
        () => [
          '--event',
          variant(
            'role-change',
            (event) => (event.ruleParameters = JSON.stringify({ PolicyArn: 'SessionGuardInstancePolicy' })),
          ),
        ],
        /rule parameter PolicyArn: must be an IAM policy ARN/,
      ],
      [
        'an oversized event for a role the sample does not hold',
        () => [
          '--event',
          variant(
            'role-oversized',
            (_, invoking) =>
              ((invoking.configurationItemSummary as Record<string, unknown>).resourceId = 'AROANOSUCHROLE'),
          ),
        ],
        /bundled sample account holds no AWS::IAM::Role AROANOSUCHROLE.*--live/,
      ],
    ])('%s', async (_, args, message) => {
      const run = await runCli(['evaluate', ...args()]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    });
  });
});
