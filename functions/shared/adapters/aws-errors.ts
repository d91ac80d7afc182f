/**
 * The one translation of AWS failures: whatever an SDK client's call throws becomes an
 * `AwsAccessError` naming the operation (`iam:AttachRolePolicy`) and the error AWS answered, so no
 * adapter, rule or edge has to recognise SDK errors itself. A denied call and throttling that
 * outlasted the SDK's retries get kinds of their own, since a person has to act on them.
 * `withAwsErrors` (./aws-clients) attaches it to every client.
 */
import { AwsAccessError, type AwsAccessFailure, SessionGuardError } from '../errors';

/**
 * Error codes AWS services use for a denied call: IAM's Query API says AccessDenied, JSON APIs
 * AccessDeniedException, EC2 UnauthorizedOperation, SNS AuthorizationError.
 */
const ACCESS_DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'UnauthorizedAccess',
]);

/** Error codes AWS services use for throttling (IAM says Throttling, Config ThrottlingException). */
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);

export class AwsAccessDeniedError extends AwsAccessError {
  override name = 'AwsAccessDeniedError';
}

export class AwsThrottledError extends AwsAccessError {
  override name = 'AwsThrottledError';
}

type AwsAccessErrorKind = new (message: string, failure: AwsAccessFailure, options?: ErrorOptions) => AwsAccessError;

/**
 * The name of the error AWS answered (`NoSuchEntityException`, `InvalidDocument`), or undefined
 * for something that is not an error. The SDK's documented way to tell service errors apart is
 * their `name`; `instanceof` holds only for the very class the client's own copy of the SDK threw.
 * https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/the-response-object.html
 */
export function awsErrorName(error: unknown): string | undefined {
  if (error instanceof AwsAccessError) return error.awsErrorName;
  return error instanceof Error ? error.name : undefined;
}

/** Systems Manager answered a document call without a field it always sends (Content, DocumentVersion). */
export class SsmDocumentError extends SessionGuardError {
  override name = 'SsmDocumentError';
}

/** SSM's answer to any call naming a document that does not exist. */
export const isDocumentAbsent = (error: unknown): boolean => awsErrorName(error) === 'InvalidDocument';

/** The SDK's error name; a Node network error (name `Error`) is known by its code (ECONNREFUSED). */
function answeredName(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return error.name === 'Error' && typeof code === 'string' ? code : error.name;
}

/** A denied call, by the SDK's error name or by the `Code` a Query-protocol service sent. */
function isDenial(error: Error): boolean {
  return ACCESS_DENIED_CODES.has(error.name) || ACCESS_DENIED_CODES.has((error as { Code?: string }).Code ?? '');
}

function isThrottling(error: Error): boolean {
  const retryable = (error as { $retryable?: { throttling?: boolean } }).$retryable;
  return THROTTLING_CODES.has(error.name) || retryable?.throttling === true;
}

/**
 * The failure of one call as an `AwsAccessError`. Our own errors and a cancelled call (the
 * request's abort signal) pass through as they are: they are not AWS's answer.
 */
export function toAwsAccessError(error: unknown, operation: string, region?: string): unknown {
  if (!(error instanceof Error) || error instanceof SessionGuardError || error.name === 'AbortError') return error;
  const failure: AwsAccessFailure = {
    operation,
    awsErrorName: answeredName(error),
    detail: error.message,
    ...(region ? { region } : {}),
  };
  const call = region ? `${operation} in ${region}` : operation;
  if (isDenial(error)) {
    return new AwsAccessDeniedError(
      `${call} was denied (${failure.detail}). Grant it to the function's role, and check that no service control ` +
        `policy or permissions boundary denies it.`,
      failure,
      { cause: error },
    );
  }
  if (isThrottling(error)) {
    return new AwsThrottledError(
      `${call} was still throttled after the SDK's retries (${failure.detail}). Run it again later: Config runs a ` +
        `rule again at its next trigger and retries automatic remediation by itself.`,
      failure,
      { cause: error },
    );
  }
  return new AwsAccessError(`${call} failed with ${failure.awsErrorName}: ${failure.detail}`, failure, {
    cause: error,
  });
}

/**
 * The same failure, with what the caller knows to do about it added: the caller knows why it made
 * the call (a region a service control policy may deny, a policy the function may attach).
 * Anything that is not an `AwsAccessError` is returned unchanged.
 */
export function withHint(error: unknown, hint: string): unknown {
  if (!(error instanceof AwsAccessError)) return error;
  const Kind = error.constructor as AwsAccessErrorKind;
  const { operation, awsErrorName, detail, region } = error;
  const failure = {
    operation,
    awsErrorName,
    detail,
    ...(region ? { region } : {}),
    hint: error.hint ? `${error.hint} ${hint}` : hint,
  };
  return new Kind(`${error.message} ${hint}`, failure, { cause: error.cause });
}
