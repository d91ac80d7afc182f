/**
 * The failures any AWS call can end in that a person, not the code, has to fix: a denied call and
 * throttling that outlasted the SDK's retries. Each becomes a typed error naming the operation.
 */

/**
 * Error codes AWS services use for a denied call: IAM's Query API says AccessDenied, JSON APIs
 * AccessDeniedException, EC2 UnauthorizedOperation, SNS AuthorizationError.
 */
const ACCESS_DENIED_CODES = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'UnauthorizedAccess']);

/** Error codes AWS services use for throttling (IAM says Throttling, Config ThrottlingException). */
const THROTTLING_CODES = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);

export class AwsAccessDeniedError extends Error {
  override name = 'AwsAccessDeniedError';
}

export class AwsThrottledError extends Error {
  override name = 'AwsThrottledError';
}

/** The SDK's error code (`error.name`), or undefined for something that is not an Error. */
export function awsErrorCode(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** A denied call, by the SDK's error name or by the `Code` a Query-protocol service sent. */
export function isAccessDenied(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return ACCESS_DENIED_CODES.has(error.name) || ACCESS_DENIED_CODES.has((error as { Code?: string }).Code ?? '');
}

export function isThrottling(error: unknown): boolean {
  const retryable = (error as { $retryable?: { throttling?: boolean } } | undefined)?.$retryable;
  return THROTTLING_CODES.has(awsErrorCode(error) ?? '') || retryable?.throttling === true;
}

/**
 * Runs one AWS call and turns a denial or exhausted throttling into a typed error that says what
 * to do. Every other error passes through unchanged for the caller to interpret.
 */
export async function callAws<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainAwsError(error, operation);
  }
}

export function explainAwsError(error: unknown, operation: string): unknown {
  const detail = error instanceof Error ? error.message : String(error);
  if (isAccessDenied(error)) {
    return new AwsAccessDeniedError(
      `${operation} was denied (${detail}). Grant it to the function's role, and ` + 'check that no service control policy or permissions boundary denies it.',
      { cause: error },
    );
  }
  if (isThrottling(error)) {
    return new AwsThrottledError(
      `${operation} was still throttled after the SDK's retries (${detail}). Run ` + 'the remediation again later; Config retries automatic remediation by itself.',
      { cause: error },
    );
  }
  return error;
}
