import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigServiceGateway, PutEvaluationsFailedError } from '../../functions/shared/adapters/config-service';
import type { Evaluation } from '../../functions/shared/core/compliance';

const config = mockClient(ConfigServiceClient);
const waits: number[] = [];
const gateway = new ConfigServiceGateway(new ConfigServiceClient({ region: 'us-east-1' }), {
  failedEvaluationRetries: 2,
  sleep: async (ms) => void waits.push(ms),
});

const evaluation = (i: number): Evaluation => ({
  resourceType: 'AWS::IAM::Role',
  resourceId: `AROAEXAMPLE${i}`,
  compliance: 'COMPLIANT',
  annotation: 'ok',
  orderingTimestamp: new Date('2026-11-21T00:00:00Z'),
});

beforeEach(() => {
  config.reset();
  waits.length = 0;
});

describe('ConfigServiceGateway.putEvaluations', () => {
  it('sends nothing for no evaluations, and batches of at most 100 otherwise', async () => {
    config.on(PutEvaluationsCommand).resolves({});
    await gateway.putEvaluations([], 'token');
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);

    await gateway.putEvaluations(
      Array.from({ length: 201 }, (_, i) => evaluation(i)),
      'token',
    );
    expect(config.commandCalls(PutEvaluationsCommand).map((c) => c.args[0].input.Evaluations?.length)).toEqual([
      100, 100, 1,
    ]);
  });

  it("clips each annotation to Config's 256 characters, marking the cut, and sends shorter ones whole", async () => {
    config.on(PutEvaluationsCommand).resolves({});
    const finding = `Role ${'r'.repeat(64)} lacks the Session Manager policy: ${'x'.repeat(300)}`;
    await gateway.putEvaluations([{ ...evaluation(1), annotation: finding }, evaluation(2)], 'token');
    const [long, short] = config.commandCalls(PutEvaluationsCommand)[0]?.args[0].input.Evaluations ?? [];
    expect(long?.Annotation).toHaveLength(256);
    expect(long?.Annotation).toBe(`${finding.slice(0, 255)}…`);
    expect(short?.Annotation).toBe('ok');
  });

  it('gives up after the bounded retries with an error naming the rejected resources', async () => {
    config.on(PutEvaluationsCommand).callsFake((input) => ({ FailedEvaluations: input.Evaluations.slice(0, 1) }));
    await expect(gateway.putEvaluations([evaluation(1), evaluation(2)], 'token')).rejects.toThrow(
      PutEvaluationsFailedError,
    );
    await expect(gateway.putEvaluations([evaluation(1)], 'token')).rejects.toThrow(
      /rejected 1 evaluation\(s\) after 3 attempts \(AWS::IAM::Role AROAEXAMPLE1\)/,
    );
    expect(waits.slice(0, 2)).toEqual([200, 400]);
  });

  it('lets SDK errors through instead of reporting success', async () => {
    config
      .on(PutEvaluationsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(gateway.putEvaluations([evaluation(1)], 'token')).rejects.toThrow('Rate exceeded');
  });
});
