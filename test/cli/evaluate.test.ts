/** `session-guard evaluate --event FILE`: saved Config events through the rule's own plumbing. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';

const events = resolve(import.meta.dirname, '../fixtures/cli-events');
const fixture = (name: string) => join(events, `${name}.json`);
const scratch = mkdtempSync(join(tmpdir(), 'session-guard-evaluate-'));

/** A fixture with changes, written to a scratch file. */
function variant(name: string, change: (event: Record<string, unknown>, invoking: Record<string, unknown>) => void): string {
  const event = JSON.parse(readFileSync(fixture(name), 'utf8')) as Record<string, unknown>;
  const invoking = JSON.parse(event.invokingEvent as string) as Record<string, unknown>;
  change(event, invoking);
  event.invokingEvent = JSON.stringify(invoking);
  const path = join(scratch, `${name}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(event));
  return path;
}

interface PutEvaluationsRequest {
  Evaluations: { ComplianceResourceType: string; ComplianceResourceId: string; ComplianceType: string; Annotation: string; OrderingTimestamp: string }[];
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
    expect(run.stdout).toContain('role-policy on ConfigurationItemChangeNotification for rule session-guard-RolePolicyRule-1A2B3C4D5E6F: 1 evaluation(s)');
    expect(run.stdout).toContain('(TestMode)');
    expect(run.stdout).toMatch(/AWS::IAM::Role\s+AROAQXAMPLEBATCHWORK2\s+NON_COMPLIANT\s+2026-05-11T08:12:45.331Z\s+Role batch-worker lacks/);
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
            'Role batch-worker lacks the Session Manager policy: attach arn:aws:iam::111122223333:policy/session-guard/SessionGuardInstancePolicy. Instance profile: batch-worker.',
          OrderingTimestamp: '2026-05-11T08:12:45.331Z',
        },
      ],
      ResultToken: 'TESTMODE',
      TestMode: true,
    });
  });

  it('uses the event\'s own rule parameters, as the Lambda does', async () => {
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
      expect.objectContaining({ ComplianceResourceId: 'AROAQXAMPLEWEBSERVER1', ComplianceType: 'COMPLIANT', OrderingTimestamp: '2026-05-11T09:00:00.000Z' }),
    ]);
  });

  it('sweeps the account source for a scheduled event with --rule, stamped with the notification time', async () => {
    const request = await evaluateJson('--event', fixture('scheduled'), '--rule', 'role-policy');
    expect(request.Evaluations).toHaveLength(10);
    expect(new Set(request.Evaluations.map((e) => e.OrderingTimestamp))).toEqual(new Set(['2026-05-12T00:00:00.000Z']));
    expect(request.Evaluations.filter((e) => e.ComplianceType === 'NON_COMPLIANT').map((e) => e.ComplianceResourceId).sort()).toEqual([
      'AROAQXAMPLEANALYTICS4',
      'AROAQXAMPLEBATCHWORK2',
      'AROAQXAMPLELEGACYREP3',
    ]);
  });

  describe('usage errors exit 2 with a message', () => {
    it.each([
      ['a scheduled event without --rule', () => ['--event', fixture('scheduled')], /ScheduledNotification event names no resource: pass --rule/],
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
        () => ['--event', variant('role-change', (_, invoking) => ((invoking.configurationItem as Record<string, unknown>).resourceType = 'AWS::S3::Bucket'))],
        /No rule evaluates AWS::S3::Bucket: pass --rule/,
      ],
      [
        'invalid rule parameters in the event',
        () => ['--event', variant('role-change', (event) => (event.ruleParameters = JSON.stringify({ PolicyArn: 'SessionGuardInstancePolicy' })))],
        /rule parameter PolicyArn: must be an IAM policy ARN/,
      ],
      [
        'an oversized event for a role the sample does not hold',
        () => ['--event', variant('role-oversized', (_, invoking) => ((invoking.configurationItemSummary as Record<string, unknown>).resourceId = 'AROANOSUCHROLE'))],
        /bundled sample account holds no AWS::IAM::Role AROANOSUCHROLE.*--live/,
      ],
    ])('%s', async (_, args, message) => {
      const run = await runCli(['evaluate', ...args()]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    });
  });
});
