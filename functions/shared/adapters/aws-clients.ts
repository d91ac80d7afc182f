/**
 * Settings every SDK client of ours shares, and the one error translation every client carries.
 *
 * `AWS_ENDPOINT_URL` (or the service's own `AWS_ENDPOINT_URL_<SERVICE>`) points the clients at a
 * stand-in such as moto_server or LocalStack; unset, the SDK's regional endpoints apply.
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@aws-sdk/types';
import { toAwsAccessError } from './aws-errors';

export interface ClientSettings {
  endpoint?: string;
  maxAttempts: number;
  retryMode: 'adaptive';
}

/** The service part of `AWS_ENDPOINT_URL_<SERVICE>`, as the SDK spells it. */
export type EndpointService = 'IAM' | 'CONFIG_SERVICE' | 'SSM' | 'CLOUDFORMATION' | 'STS' | 'ACCOUNT';

const endpointOf = (service: EndpointService, env: NodeJS.ProcessEnv) =>
  env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;

/** For the rules: a sweep of a large account may take minutes, and must not fail on throttling. */
export function clientSettings(service: EndpointService, env: NodeJS.ProcessEnv = process.env): ClientSettings {
  const endpoint = endpointOf(service, env);
  // Adaptive retries slow down under throttling instead of failing a sweep of a large account.
  return { ...(endpoint ? { endpoint } : {}), maxAttempts: 8, retryMode: 'adaptive' };
}

/** How hard one call of a short-lived function retries. */
export interface RetryBudget {
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  /** The longest wait before the first retry; it doubles before each later one. */
  readonly firstDelayMs: number;
}

/**
 * Remediation runs within the function's 60 s timeout (and the Automation step's 120 s), makes
 * about seven IAM and Config calls, and then waits up to 15.5 s for IAM to show the attachment.
 * Three attempts per call, waiting at most 1 s and then 2 s, keep a call's retry waits to 3 s.
 */
export const REMEDIATION_RETRY_BUDGET: RetryBudget = { maxAttempts: 3, firstDelayMs: 1000 };

/**
 * Error codes that name a quota, not a rate. The SDK counts `LimitExceededException` as throttling
 * and retries it, but IAM answers it (409) when an account or role limit is reached, such as the
 * managed policies a role may hold: no retry can succeed.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html#API_AttachRolePolicy_Errors
 */
const QUOTA_ERROR_CODES = new Set(['LimitExceededException', 'LimitExceeded']);

const retryToken = (retryCount: number, delayMs: number): RetryToken => ({
  getRetryCount: () => retryCount,
  getRetryDelay: () => delayMs,
});

/**
 * Retries throttling and transient failures (timeouts, 5xx, dropped connections) within a
 * budget, and nothing else: a quota or a client error fails the call on its first answer.
 * The SDK's retry middleware waits each token's delay and, when this refuses, throws the
 * service's own error.
 */
export class BoundedRetryStrategy implements RetryStrategyV2 {
  constructor(
    private readonly budget: RetryBudget,
    private readonly random: () => number = Math.random,
  ) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return retryToken(0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const retry = token.getRetryCount() + 1;
    if (!isWorthRetrying(errorInfo) || retry >= this.budget.maxAttempts) {
      throw new Error(`Not retried: ${errorInfo.errorType} ${errorInfo.error?.name ?? ''}`.trim());
    }
    return retryToken(retry, this.delayBefore(retry));
  }

  recordSuccess(): void {}

  /** Between half and all of the retry's ceiling: jitter spreads concurrent remediations apart. */
  delayBefore(retry: number): number {
    const ceiling = retryCeilingMs(this.budget, retry);
    return ceiling / 2 + (this.random() * ceiling) / 2;
  }
}

function isWorthRetrying({ errorType, error }: RetryErrorInfo): boolean {
  if (error && QUOTA_ERROR_CODES.has(error.name)) return false;
  return errorType === 'THROTTLING' || errorType === 'TRANSIENT';
}

const retryCeilingMs = (budget: RetryBudget, retry: number) => budget.firstDelayMs * 2 ** (retry - 1);

/** The longest one call can spend waiting between its attempts, jitter included. */
export function worstCaseRetryWaitMs(budget: RetryBudget): number {
  let total = 0;
  for (let retry = 1; retry < budget.maxAttempts; retry++) total += retryCeilingMs(budget, retry);
  return total;
}

export interface BoundedClientSettings {
  endpoint?: string;
  maxAttempts: number;
  retryStrategy: BoundedRetryStrategy;
  requestHandler: { connectionTimeout: number; requestTimeout: number };
}

/**
 * For the remediation function: it must fail with the real reason well before its timeout, not
 * end "Task timed out" in the middle of retries. A connection that takes 3 s to open, or goes 5 s
 * without an answer, counts as a transient failure.
 */
export function boundedClientSettings(
  service: EndpointService,
  env: NodeJS.ProcessEnv = process.env,
  budget = REMEDIATION_RETRY_BUDGET,
): BoundedClientSettings {
  const endpoint = endpointOf(service, env);
  return {
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: budget.maxAttempts,
    retryStrategy: new BoundedRetryStrategy(budget),
    requestHandler: { connectionTimeout: 3000, requestTimeout: 5000 },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The part of an SDK v3 client the translation wraps. */
interface SendingClient {
  send(command: object, ...rest: never[]): Promise<unknown>;
}

const translating = new WeakSet<object>();

/**
 * The client, with every call's failure turned into an `AwsAccessError` naming
 * `<servicePrefix>:<Operation>` (the IAM action of every API we call). Every gateway passes the
 * client it is given through this, so no call goes untranslated, whoever built the client; a
 * client already translating is returned as it is. A regional client read region by region may
 * name its region, so a failure says which region refused.
 *
 * It wraps `send` (every command and paginator goes through it) rather than adding middleware,
 * and looks the class's own `send` up on each call, so that a stub of the client class's `send`
 * (aws-sdk-client-mock, in the handler tests) answers through the same translation.
 */
export function withAwsErrors<C extends object>(client: C, servicePrefix: string, region?: string): C {
  if (translating.has(client)) return client;
  const classSend = () => (Object.getPrototypeOf(client) as SendingClient).send;
  Object.defineProperty(client, 'send', {
    configurable: true,
    value: async (command: object, ...rest: never[]) => {
      try {
        return await classSend().call(client, command, ...rest);
      } catch (error) {
        throw toAwsAccessError(error, `${servicePrefix}:${operationOf(command)}`, region);
      }
    },
  });
  translating.add(client);
  return client;
}

/**
 * The API operation a command calls, from its schema, which the SDK types as an operation schema:
 * a tuple `[id, namespace, name, ...]` in current clients, an object with a `name` in older ones.
 * Class names cannot tell: the bundles are minified.
 */
function operationOf(command: object): string {
  const schema = (command as { schema?: unknown }).schema;
  const name = Array.isArray(schema) ? schema[2] : (schema as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : 'UnknownOperation';
}

/** An SDK client, or a way to make one when it is first needed (and load its code then). */
export type ClientSource<C> = C | (() => C | Promise<C>);

/** The client of `source`, made on the first call only, translating its errors (withAwsErrors). */
export function clientOnFirstUse<C extends object>(source: ClientSource<C>, servicePrefix: string): () => Promise<C> {
  let made: Promise<C> | undefined;
  return () =>
    (made ??= Promise.resolve(typeof source === 'function' ? source() : source).then((client) =>
      withAwsErrors(client, servicePrefix),
    ));
}
