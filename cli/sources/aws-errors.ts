/**
 * How the command line words an AWS call that failed (an `AwsAccessError`, which every client's
 * translation raises): a denied call names the exact IAM action to grant and what session-guard
 * needs it for; missing or rejected credentials, a missing region, an endpoint that is not AWS
 * and an unreachable one say how to fix them. The Lambda functions word the same errors for a
 * function's role (functions/shared/adapters/aws-errors.ts).
 */
import { AwsAccessDeniedError } from '../../functions/shared/adapters/aws-errors';
import type { AwsAccessError } from '../../functions/shared/errors';

/** Why the CLI makes each call, so a denial says what the permission is for. */
const PURPOSES: Readonly<Record<string, string>> = {
  'iam:GetAccountAuthorizationDetails':
    'to read every IAM role, user, group and customer managed policy with its policies (trust, inline, attached)',
  'iam:GetPolicy':
    'to read a customer managed policy: its tags (break-glass exemptions), which GetAccountAuthorizationDetails ' +
    'leaves out, or in remediate whether the policy exists',
  'ssm:ListDocuments': "to list the account's own Session documents in the region",
  'ssm:GetDocument': "to read each Session document's settings, and whether SSM-SessionManagerRunShell exists",
  'cloudformation:DescribeStacks':
    "to read the session-guard stack's outputs (or pass the value yourself, e.g. --policy-arn)",
  'config:GetResourceConfigHistory': 'to fetch the configuration item behind an oversized-change event',
  'config:GetComplianceDetailsByConfigRule': 'to find the resources the rule reported before (stale results)',
  'sts:GetCallerIdentity': 'to learn which account the credentials belong to',
  // remediate only:
  'iam:GetRole': "to re-read the role's trust policy and tags before changing it",
  'iam:ListInstanceProfilesForRole': 'to re-check that the role is still in an instance profile before changing it',
  'iam:ListAttachedRolePolicies': 'to see and verify the policies attached to the role',
  'iam:AttachRolePolicy': 'to attach the Session Manager instance policy (remediate)',
};

/** The calls that change the account; every other call the CLI makes only reads. */
const WRITES: ReadonlySet<string> = new Set(['iam:AttachRolePolicy']);

const CREDENTIALS_REJECTED = new Set([
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
]);

/**
 * The failure in the words of someone running the command line with their own credentials, or
 * undefined when it is nothing they can fix (an error AWS should not have answered): that one is
 * reported as unexpected, with its stack trace on --debug.
 */
export function describeAwsAccessError(error: AwsAccessError): string | undefined {
  const { operation: action, awsErrorName: code, detail } = error;
  const hint = error.hint ? ` ${error.hint}` : '';
  if (error instanceof AwsAccessDeniedError) {
    const purpose = PURPOSES[action];
    const where = error.region ? ` in ${error.region}` : '';
    const why = purpose ? `, which session-guard needs ${purpose}` : '';
    return (
      `Access denied: these credentials may not call ${action}${where}${why}. ` +
      `Grant ${action}${WRITES.has(action) ? '' : ' (a read-only permission)'} or use other credentials. AWS said: ` +
      `${detail}${hint}`
    );
  }
  if (CREDENTIALS_REJECTED.has(code)) {
    return (
      `AWS rejected the credentials (${code}) when calling ${action}: refresh them (aws sso login, new ` +
      `keys) or pick another --profile. AWS said: ${detail}`
    );
  }
  if (code === 'CredentialsProviderError' || /could not load credentials/i.test(detail)) {
    return (
      `No AWS credentials found for ${action}: pass --profile NAME, or set AWS_PROFILE or ` +
      `AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY. Without --live, scan uses the bundled sample account.`
    );
  }
  if (/region is missing|region not accepted/i.test(detail)) {
    return `No AWS region (${detail}): pass --region, set AWS_REGION, or set a region in your profile.`;
  }
  const response = unparsableResponse(error.cause);
  if (response) {
    return (
      `The endpoint did not answer ${action} the way AWS does (HTTP ` +
      `${response.status}${response.contentType ? `, ${response.contentType}` : ''}): ` +
      'check that --endpoint-url (or AWS_ENDPOINT_URL) points at AWS or at an emulator that implements this call.'
    );
  }
  if (UNREACHABLE.has(code))
    return `Cannot reach AWS for ${action} (${code}): check --endpoint-url, AWS_ENDPOINT_URL and your network.`;
  return undefined;
}

/** Network errors that mean the endpoint was never reached. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * An answer that did not come from an AWS API: one the SDK could not read as the service's
 * protocol ("Deserialization error": a web server's page, an emulator's 500 page for an API it
 * lacks), or an HTML page, which no AWS API sends (they answer XML or JSON). The SDK keeps the raw
 * response on the error's hidden `$response`.
 */
function unparsableResponse(error: unknown): { status: number | string; contentType?: string } | undefined {
  if (!(error instanceof Error)) return undefined;
  const raw = (error as { $response?: { statusCode?: number; headers?: Record<string, string | undefined> } })
    .$response;
  const contentType = raw?.headers?.['content-type'];
  if (!raw || !(/Deserialization error/.test(error.message) || /^text\/html/i.test(contentType ?? '')))
    return undefined;
  return { status: raw.statusCode ?? 'unknown status', contentType };
}
