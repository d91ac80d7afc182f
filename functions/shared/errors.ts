/**
 * The errors session-guard raises, in three kinds, so that each edge (a Lambda handler, the
 * command line) can word a failure once by asking what kind it is, instead of listing classes:
 *
 * - `InputError`: what we were given is wrong (rule parameters, an event, a configuration item,
 *   a policy document, a flag, a file). It carries its problems as data: where, and what is wrong.
 * - `AwsAccessError`: an AWS call failed (denied, throttled, rejected credentials, no answer). It
 *   names the operation (`iam:AttachRolePolicy`), the error AWS answered, and what to do.
 * - anything else that extends `SessionGuardError`: a fact of the account that stops the work (a
 *   role deleted meanwhile, a full role, an attachment IAM never showed).
 *
 * Pure: the core may throw these. Each class keeps a literal `name`, which is what Lambda reports
 * as the errorType and what survives minified bundles.
 */

export class SessionGuardError extends Error {
  override name = 'SessionGuardError';
}

/** One thing wrong with an input: where (a parameter, a field path, a flag) and what. */
export interface InputProblem {
  readonly where: string;
  readonly problem: string;
}

export class InputError extends SessionGuardError {
  override name = 'InputError';
  /** Every problem found, as data: an edge may word them for its own audience (flags, InputParameters). */
  readonly problems: readonly InputProblem[];

  constructor(message: string, problems: readonly InputProblem[] = [], options?: ErrorOptions) {
    super(message, options);
    this.problems = problems;
  }
}

export interface AwsAccessFailure {
  /** The IAM action of the call, `<service prefix>:<Operation>`, e.g. `iam:AttachRolePolicy`. */
  readonly operation: string;
  /** The error AWS (or the SDK) answered, by its `name`: `AccessDenied`, `ThrottlingException`... */
  readonly awsErrorName: string;
  /** What AWS said, verbatim. */
  readonly detail: string;
  /** The region of a regional client that names its region in the failure (Systems Manager per region). */
  readonly region?: string;
  /** What to do about it, in the words of the caller that knows why it made the call. */
  readonly hint?: string;
}

export class AwsAccessError extends SessionGuardError {
  override name = 'AwsAccessError';
  readonly operation: string;
  readonly awsErrorName: string;
  readonly detail: string;
  readonly region: string | undefined;
  readonly hint: string | undefined;

  constructor(message: string, failure: AwsAccessFailure, options?: ErrorOptions) {
    super(message, options);
    this.operation = failure.operation;
    this.awsErrorName = failure.awsErrorName;
    this.detail = failure.detail;
    this.region = failure.region;
    this.hint = failure.hint;
  }
}
