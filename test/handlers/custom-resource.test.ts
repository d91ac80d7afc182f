/**
 * The custom-resource chain every provider runs in: a real request shape through the middy
 * handler, with a provider that records what it was given.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import {
  type CustomResourceAnswer,
  CustomResourceDeadlineError,
  type CustomResourceProvider,
  MAX_REASON_LENGTH,
} from '../../functions/shared/custom-resource/run';
import { customResourceHandler } from '../../functions/shared/handler/custom-resource-handler';
import { lambdaContext, samEvent } from '../support/lambda';

const CREATE = samEvent<Record<string, unknown>>('SessionPreferencesFunction', 'create');
const DELETE = samEvent<Record<string, unknown>>('SessionPreferencesFunction', 'delete');

function recordingProvider(overrides: Partial<CustomResourceProvider>): {
  provider: CustomResourceProvider;
  signals: AbortSignal[];
} {
  const signals: AbortSignal[] = [];
  const done = async (signal: AbortSignal) => {
    signals.push(signal);
    return { physicalResourceId: 'resource-1' };
  };
  return {
    signals,
    provider: {
      untouchedPhysicalId: 'untouched',
      create: (_event, _progress, signal) => done(signal),
      update: (_event, signal) => done(signal),
      delete: (_event, signal) => done(signal),
      ...overrides,
    },
  };
}

describe('customResourceHandler', () => {
  it("stops the provider's work before it sends the deadline's FAILED answer", async () => {
    let given: AbortSignal | undefined;
    const { provider } = recordingProvider({
      create: (_event, _progress, signal) => {
        given = signal;
        return new Promise<never>(() => {});
      },
    });
    const stoppedWhenSent: unknown[] = [];
    const handler = customResourceHandler(provider, {
      marginMs: 1_000,
      logger: new Logger({ logLevel: 'SILENT' }),
      send: async () => void stoppedWhenSent.push(given?.aborted && given.reason),
    });

    const answer = (await handler(CREATE, lambdaContext('SessionPreferencesFunction', 1_001))) as CustomResourceAnswer;

    expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'untouched' });
    expect(stoppedWhenSent).toEqual([expect.any(CustomResourceDeadlineError)]);
  });

  it('leaves the signal alone when the work finishes in time', async () => {
    const { provider, signals } = recordingProvider({});
    const handler = customResourceHandler(provider, {
      send: async () => {},
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    await handler(CREATE, lambdaContext('SessionPreferencesFunction'));
    expect(signals.map((s) => s.aborted)).toEqual([false]);
  });

  it('clips a long failure reason to what CloudFormation takes, marking the cut', async () => {
    const problem = `SessionPreferences is invalid: ${'KmsKeyId must be a KMS key ARN; '.repeat(100)}`;
    const { provider } = recordingProvider({ create: async () => Promise.reject(new Error(problem)) });
    const sent: CustomResourceAnswer[] = [];
    const handler = customResourceHandler(provider, {
      send: async (_url, body) => void sent.push(body),
      logger: new Logger({ logLevel: 'SILENT' }),
    });

    await handler(CREATE, lambdaContext('SessionPreferencesFunction'));

    expect(sent).toEqual([
      expect.objectContaining({
        Status: 'FAILED',
        Reason: expect.stringMatching(/^SessionPreferences is invalid: KmsKeyId .*…$/),
      }),
    ]);
    expect(sent[0]?.Reason).toHaveLength(MAX_REASON_LENGTH);
  });

  it('tells CloudFormation, and the log, why a SUCCESS did less than asked', async () => {
    const reason = 'Left SSM-SessionManagerRunShell as it is: someone else wrote its default version since.';
    const { provider } = recordingProvider({
      delete: async () => ({ physicalResourceId: String(DELETE.PhysicalResourceId), reason }),
    });
    const logger = new Logger({ logLevel: 'SILENT' });
    const warn = vi.spyOn(logger, 'warn');
    const sent: CustomResourceAnswer[] = [];
    const handler = customResourceHandler(provider, { send: async (_url, body) => void sent.push(body), logger });

    await handler(DELETE, lambdaContext('SessionPreferencesFunction'));

    expect(sent).toEqual([expect.objectContaining({ Status: 'SUCCESS', Reason: reason })]);
    expect(warn).toHaveBeenCalledWith(
      `custom resource answered SUCCESS: ${reason}`,
      expect.objectContaining({ status: 'SUCCESS', reason }),
    );
  });
});
