/**
 * The plumbing every Lambda-backed custom resource needs, written once: answer the ResponseURL
 * exactly once, whatever happens (success, a validation error, an unexpected error, or the
 * Lambda's own time running out), so a stack never hangs waiting for us; and once an answer is on
 * its way, stop the provider's work, so nothing changes after CloudFormation was told it is over.
 */
import { clipText } from '../core/text';
import type { CreateEvent, DeleteEvent, ResponseTarget, UpdateEvent } from './event';
import { parseCustomResourceEvent } from './event';
import { SessionGuardError } from '../errors';

/** The JSON body CloudFormation expects at the ResponseURL. */
export interface CustomResourceAnswer {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  Data?: Record<string, string>;
}

export interface ProviderResult {
  readonly physicalResourceId: string;
  /** Values templates can read with Fn::GetAtt. */
  readonly data?: Record<string, string>;
  /** Why a SUCCESS did less than the request asked (shown in the stack's events and the log). */
  readonly reason?: string;
}

export interface Progress {
  /**
   * Records the physical id as soon as it is known, so an answer sent early (an error or the
   * deadline) still names the resource CloudFormation must later Delete.
   */
  setPhysicalResourceId(id: string): void;
}

/**
 * Each request's `signal` is aborted when the answer is sent before the work is done (the
 * deadline). Lambda freezes the environment once the handler returns, and a call still pending
 * would otherwise resume in the next invocation on that container (typically the rollback's
 * Delete) and change things after CloudFormation has moved on. Pass it to every SDK call and check
 * it before every write.
 */
export interface CustomResourceProvider {
  /** The physical id of a Create that failed before changing anything. */
  readonly untouchedPhysicalId: string;
  create(event: CreateEvent, progress: Progress, signal: AbortSignal): Promise<ProviderResult>;
  update(event: UpdateEvent, signal: AbortSignal): Promise<ProviderResult>;
  delete(event: DeleteEvent, signal: AbortSignal): Promise<ProviderResult>;
}

export type SendAnswer = (responseUrl: string, answer: CustomResourceAnswer) => Promise<void>;

export interface RunOptions {
  readonly send: SendAnswer;
  /** context.getRemainingTimeInMillis */
  readonly remainingTimeMs: () => number;
  /** Time kept back to send the answer before the Lambda is stopped. */
  readonly marginMs?: number;
  /** Where the details are: appended to every failure reason. */
  readonly logStreamName?: string;
}

/** Leaves this much of the Lambda's time to deliver the answer (with its retries). */
export const DEFAULT_ANSWER_MARGIN_MS = 10_000;
/** CloudFormation rejects a response body over 4096 bytes; keep the reason well inside that. */
export const MAX_REASON_LENGTH = 1500;

export async function runCustomResource(
  rawEvent: unknown,
  provider: CustomResourceProvider,
  options: RunOptions,
): Promise<CustomResourceAnswer> {
  const request = parseCustomResourceEvent(rawEvent);
  const seeLogs = options.logStreamName ? ` See CloudWatch log stream ${options.logStreamName}.` : '';

  if (!request.ok) {
    const answer = failed(
      request.target,
      request.physicalResourceId ?? provider.untouchedPhysicalId,
      `Invalid request: ${request.problem}.${seeLogs}`,
    );
    await options.send(request.target.ResponseURL, answer);
    return answer;
  }

  const { event } = request;
  let physicalId = event.RequestType === 'Create' ? provider.untouchedPhysicalId : event.PhysicalResourceId;
  const progress: Progress = {
    setPhysicalResourceId: (id) => {
      physicalId = id;
    },
  };

  const stop = new AbortController();
  const work: Promise<CustomResourceAnswer> = dispatch(provider, event, progress, stop.signal).then(
    (result) => ({
      ...target(event),
      Status: 'SUCCESS',
      PhysicalResourceId: result.physicalResourceId,
      ...(result.reason ? { Reason: clipText(result.reason, MAX_REASON_LENGTH) } : {}),
      ...(result.data ? { Data: result.data } : {}),
    }),
    (error: unknown) => failed(event, physicalId, `${errorMessage(error)}${seeLogs}`),
  );

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CustomResourceAnswer>((resolve) => {
    const waitMs = Math.max(0, options.remainingTimeMs() - (options.marginMs ?? DEFAULT_ANSWER_MARGIN_MS));
    timer = setTimeout(() => {
      const reason =
        `${event.RequestType} did not finish before the function's time ` +
        `ran out; it was stopped and nothing more will be done.${seeLogs}`;
      // Stop first: from here on the provider's calls fail instead of writing.
      stop.abort(new CustomResourceDeadlineError(reason));
      resolve(failed(event, physicalId, reason));
    }, waitMs);
  });

  try {
    const answer = await Promise.race([work, deadline]);
    await options.send(event.ResponseURL, answer);
    return answer;
  } finally {
    clearTimeout(timer);
  }
}

/** The abort reason the provider's calls see once the deadline answered for them. */
export class CustomResourceDeadlineError extends SessionGuardError {
  override name = 'CustomResourceDeadlineError';
}

function dispatch(
  provider: CustomResourceProvider,
  event: CreateEvent | UpdateEvent | DeleteEvent,
  progress: Progress,
  signal: AbortSignal,
): Promise<ProviderResult> {
  // Called inside a promise chain so a synchronous throw becomes a FAILED answer too.
  return Promise.resolve().then(() => {
    switch (event.RequestType) {
      case 'Create':
        return provider.create(event, progress, signal);
      case 'Update':
        return provider.update(event, signal);
      case 'Delete':
        return provider.delete(event, signal);
    }
  });
}

const target = (t: ResponseTarget) => ({
  StackId: t.StackId,
  RequestId: t.RequestId,
  LogicalResourceId: t.LogicalResourceId,
});

function failed(t: ResponseTarget, physicalResourceId: string, reason: string): CustomResourceAnswer {
  return {
    ...target(t),
    Status: 'FAILED',
    PhysicalResourceId: physicalResourceId,
    Reason: clipText(reason, MAX_REASON_LENGTH),
  };
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
  return String(error);
}
