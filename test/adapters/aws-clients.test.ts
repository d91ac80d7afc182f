import { LimitExceededException, NoSuchEntityException } from '@aws-sdk/client-iam';
import type { RetryErrorInfo, RetryToken } from '@aws-sdk/types';
import { describe, expect, it } from 'vitest';
import {
  BoundedRetryStrategy,
  boundedClientSettings,
  REMEDIATION_RETRY_BUDGET,
  worstCaseRetryWaitMs,
} from '../../functions/shared/adapters/aws-clients';

/** The SDK types a retried error's `cause` more narrowly than Error does. */
const sdkError = (error: Error) => error as unknown as NonNullable<RetryErrorInfo['error']>;
const throttled = (): RetryErrorInfo => ({
  errorType: 'THROTTLING',
  error: sdkError(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })),
});

/** Asks the strategy for retries the way the SDK's retry middleware does, until it refuses. */
async function retriesGranted(strategy: BoundedRetryStrategy, errorInfo: () => RetryErrorInfo): Promise<number[]> {
  const delays: number[] = [];
  let token: RetryToken = await strategy.acquireInitialRetryToken();
  for (;;) {
    try {
      token = await strategy.refreshRetryTokenForRetry(token, errorInfo());
    } catch {
      return delays;
    }
    delays.push(token.getRetryDelay());
  }
}

describe('BoundedRetryStrategy', () => {
  it("never retries IAM's LimitExceeded, which the SDK classes as throttling", async () => {
    const quota = new LimitExceededException({
      $metadata: { httpStatusCode: 409 },
      message: 'Cannot exceed quota for PoliciesPerRole: 10',
    });
    const strategy = new BoundedRetryStrategy(REMEDIATION_RETRY_BUDGET);
    expect(await retriesGranted(strategy, () => ({ errorType: 'THROTTLING', error: sdkError(quota) }))).toEqual([]);
  });

  it('never retries a client error', async () => {
    const missing = new NoSuchEntityException({
      $metadata: { httpStatusCode: 404 },
      message: 'The role cannot be found.',
    });
    expect(
      await retriesGranted(new BoundedRetryStrategy(REMEDIATION_RETRY_BUDGET), () => ({
        errorType: 'CLIENT_ERROR',
        error: sdkError(missing),
      })),
    ).toEqual([]);
  });

  it('retries throttling and transient errors up to the budget, each wait between half and all of a doubling ceiling', async () => {
    const budget = { maxAttempts: 4, firstDelayMs: 100 };
    expect(await retriesGranted(new BoundedRetryStrategy(budget, () => 0), throttled)).toEqual([50, 100, 200]);
    expect(
      await retriesGranted(new BoundedRetryStrategy(budget, () => 0.999_999), () => ({ errorType: 'TRANSIENT' })),
    ).toEqual([expect.closeTo(100, 3), expect.closeTo(200, 3), expect.closeTo(400, 3)]);
  });

  it('keeps the waits of one call within the worst case it announces', async () => {
    const waits = await retriesGranted(new BoundedRetryStrategy(REMEDIATION_RETRY_BUDGET, () => 0.999_999), throttled);
    expect(waits).toHaveLength(REMEDIATION_RETRY_BUDGET.maxAttempts - 1);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(worstCaseRetryWaitMs(REMEDIATION_RETRY_BUDGET));
    expect(worstCaseRetryWaitMs(REMEDIATION_RETRY_BUDGET)).toBe(3000);
  });
});

describe('boundedClientSettings', () => {
  it('takes the service endpoint override, then the general one', () => {
    expect(
      boundedClientSettings('IAM', {
        AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:2',
      }).endpoint,
    ).toBe('http://127.0.0.1:1');
    expect(boundedClientSettings('CONFIG_SERVICE', { AWS_ENDPOINT_URL: 'http://127.0.0.1:2' }).endpoint).toBe(
      'http://127.0.0.1:2',
    );
    expect(boundedClientSettings('IAM', {})).not.toHaveProperty('endpoint');
  });
});
