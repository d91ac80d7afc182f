import middy from '@middy/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInstanceRoleRule } from '../../functions/instance-role-rule/rule';
import type { ConfigGateway } from '../../functions/shared/config-rule/run';
import type { RoleFacts } from '../../functions/shared/core/instance-role';
import { configRuleHandler } from '../../functions/shared/handler/config-rule-handler';
import {
  METRIC,
  METRICS_NAMESPACE,
  recordRemediation,
  type RemediationOutcome,
  telemetryMiddleware,
} from '../../functions/shared/handler/observability';
import { captureEmf, type EmfRecord, enabledTelemetry, metricNames } from '../support/emf';
import { EC2_TRUST, urlEncoded } from '../support/iam-documents';
import { lambdaContext, samEvent } from '../support/lambda';

const POLICY = 'arn:aws:iam::111122223333:policy/session-guard/session-guard-instance-policy';
const context = lambdaContext('session-guard-RolePolicyRuleFunction-AbC123');
const event = (name: string) => samEvent('RolePolicyRuleFunction', name);

const instanceRole = (roleId: string, attachedPolicyArns: string[]): RoleFacts => ({
  roleId,
  roleName: roleId.toLowerCase(),
  path: '/',
  assumeRolePolicyDocument: urlEncoded(EC2_TRUST),
  instanceProfileNames: [roleId.toLowerCase()],
  attachedPolicyArns,
  tags: {},
});

function fakeConfig(overrides: Partial<ConfigGateway> = {}): ConfigGateway {
  return {
    getConfigurationItem: () => Promise.reject(new Error('not used')),
    putEvaluations: () => Promise.resolve(),
    listEvaluatedResources: () =>
      Promise.resolve([{ resourceType: 'AWS::IAM::Role', resourceId: 'AROADELETEDLONGAGO' }]),
    ...overrides,
  };
}

/** A fake monotonic clock answering each call with the next reading. */
const clock =
  (...readings: number[]) =>
  () =>
    readings.shift() ?? Number.NaN;

let emf: ReturnType<typeof captureEmf>;
beforeEach(() => (emf = captureEmf()));
afterEach(() => emf.stop());

const onlyRecord = (): EmfRecord => {
  const records = emf.records();
  expect(records).toHaveLength(1);
  return records[0]!;
};

describe('Config rule metrics (embedded metric format)', () => {
  const rule = createInstanceRoleRule({
    listRoles: async () => [instanceRole('AROACOMPLIANT', [POLICY]), instanceRole('AROAMISSING', [])],
    listNodeRoles: async () => [],
  });

  it('counts a change evaluation by verdict, in the SessionGuard namespace, per function', async () => {
    const handler = configRuleHandler(rule, fakeConfig(), { telemetry: enabledTelemetry() });
    await handler(event('change'), context);

    const record = onlyRecord();
    expect(record._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: METRICS_NAMESPACE,
        Dimensions: [['service', 'FunctionName']],
        Metrics: expect.arrayContaining([{ Name: 'EvaluationsNonCompliant', Unit: 'Count' }]),
      },
    ]);
    expect(record).toMatchObject({
      service: 'session-guard',
      FunctionName: 'session-guard-RolePolicyRuleFunction-AbC123',
      configRule: 'session-guard-RolePolicyRule-1XYZ',
      EvaluationsCompliant: 0,
      EvaluationsNonCompliant: 1,
      EvaluationsNotApplicable: 0,
    });
    // A change is not a sweep, and nothing failed.
    expect(metricNames(record)).toEqual([
      'EvaluationsCompliant',
      'EvaluationsNonCompliant',
      'EvaluationsNotApplicable',
    ]);
  });

  it('records how long a scheduled sweep took, and its verdicts including stale results', async () => {
    const handler = configRuleHandler(rule, fakeConfig(), {
      telemetry: enabledTelemetry(),
      now: clock(1_000, 1_250.5),
    });
    await handler(event('scheduled'), context);

    const record = onlyRecord();
    expect(record).toMatchObject({
      SweepDurationMs: 250.5,
      EvaluationsCompliant: 1,
      EvaluationsNonCompliant: 1,
      EvaluationsNotApplicable: 1,
    });
    expect(record._aws.CloudWatchMetrics[0]?.Metrics).toContainEqual({ Name: 'SweepDurationMs', Unit: 'Milliseconds' });
  });

  it('still flushes when the run throws: FailedRuns, and no verdicts that were never delivered', async () => {
    const refused = fakeConfig({
      putEvaluations: () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })),
    });
    const handler = configRuleHandler(rule, refused, { telemetry: enabledTelemetry(), now: clock(0, 10) });

    await expect(handler(event('scheduled'), context)).rejects.toThrow('Rate exceeded');

    const record = onlyRecord();
    expect(metricNames(record)).toEqual(['FailedRuns']);
    expect(record).toMatchObject({ FailedRuns: 1, FunctionName: 'session-guard-RolePolicyRuleFunction-AbC123' });
  });

  it('counts a run that fails on a bad event, and keeps the function dimension on the next warm invocation', async () => {
    const handler = configRuleHandler(rule, fakeConfig(), { telemetry: enabledTelemetry() });

    await expect(handler({ hello: 'world' }, context)).rejects.toThrow(/Not an AWS Config rule event/);
    await handler(event('deleted'), context);

    const [failed, next] = emf.records();
    expect(failed).toMatchObject({ FailedRuns: 1, FunctionName: 'session-guard-RolePolicyRuleFunction-AbC123' });
    expect(next).toMatchObject({
      EvaluationsNotApplicable: 1,
      FunctionName: 'session-guard-RolePolicyRuleFunction-AbC123',
    });
    expect(next).not.toHaveProperty('FailedRuns');
  });
});

describe('recordRemediation', () => {
  /** The smallest handler that records one outcome through the middleware (AttachPolicyFunction itself is tested in attach-policy.test.ts). */
  function remediationHandler(outcome: RemediationOutcome, fail = false) {
    const telemetry = enabledTelemetry();
    return middy()
      .use(telemetryMiddleware(telemetry))
      .handler(async () => {
        recordRemediation(telemetry.metrics, outcome);
        if (fail) throw new Error('AttachRolePolicy: LimitExceeded: Cannot exceed quota for PoliciesPerRole: 10');
        return { outcome };
      });
  }

  it.each([
    ['attached', 'RemediationAttached'],
    ['already-attached', 'RemediationAlreadyAttached'],
    ['skipped-not-eligible', 'RemediationSkippedNotEligible'],
    ['failed', 'RemediationFailed'],
  ] as const)('records outcome %s as a count of 1 under %s', async (outcome, name) => {
    await remediationHandler(outcome)({}, lambdaContext('session-guard-AttachPolicyFunction-XyZ'));
    const record = onlyRecord();
    expect(metricNames(record)).toEqual([name]);
    expect(record).toMatchObject({
      [name]: 1,
      FunctionName: 'session-guard-AttachPolicyFunction-XyZ',
      service: 'session-guard',
    });
    expect(METRIC.remediations[outcome]).toBe(name);
  });

  it('is flushed when the remediation throws after recording its failure', async () => {
    await expect(remediationHandler('failed', true)({}, lambdaContext('fix'))).rejects.toThrow(/PoliciesPerRole/);
    expect(onlyRecord()).toMatchObject({ RemediationFailed: 1, FunctionName: 'fix' });
  });

  it('rejects an outcome it does not know, naming the ones it does', () => {
    const { metrics } = enabledTelemetry();
    expect(() => recordRemediation(metrics, 'fixed' as RemediationOutcome)).toThrow(
      /attached, already-attached, skipped-not-eligible, failed/,
    );
  });
});
