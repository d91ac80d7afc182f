/**
 * AWS errors a user can act on, turned into messages that say what to do. A denied call names the
 * exact IAM action to grant; missing or rejected credentials and a missing region say how to give
 * them. Anything else is passed through untouched.
 */
import type { Client, MetadataBearer } from '@smithy/types';
import { isAccessDenied } from '../../functions/shared/adapters/aws-errors';
import { UsageError } from '../io';

/** Why the CLI makes each call, so a denial says what the permission is for. */
const PURPOSES: Readonly<Record<string, string>> = {
  'iam:GetAccountAuthorizationDetails': 'to read every IAM role, user, group and customer managed policy with its policies (trust, inline, attached)',
  'iam:GetPolicy':
    'to read a customer managed policy: its tags (break-glass exemptions), which GetAccountAuthorizationDetails ' +
    'leaves out, or in remediate whether the policy exists',
  'ssm:ListDocuments': "to list the account's own Session documents in the region",
  'ssm:GetDocument': "to read each Session document's settings, and whether SSM-SessionManagerRunShell exists",
  'cloudformation:DescribeStacks': "to read the session-guard stack's outputs (or pass the value yourself, e.g. --policy-arn)",
  'config:GetResourceConfigHistory': 'to fetch the configuration item behind an oversized-change event',
  'config:GetComplianceDetailsByConfigRule': "to find the resources the rule reported before (stale results)",
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

/** A call the credentials may not make; `action` is the IAM action to grant. */
export class AccessDeniedError extends UsageError {
  override name = 'AccessDeniedError';
  constructor(
    readonly action: string,
    message: string,
  ) {
    super(message);
  }
}

export function explainAwsError(error: unknown, action: string): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { Code?: string }).Code ?? error.name;
  if (isAccessDenied(error)) {
    const purpose = PURPOSES[action];
    return new AccessDeniedError(
      action,
      `Access denied: these credentials may not call ${action}` +
        `${purpose ? `, which session-guard needs ${purpose}` : ''}. ` +
        `Grant ${action}${WRITES.has(action) ? '' : ' (a read-only permission)'} ` + `or use other credentials. AWS said: ${error.message}`,
    );
  }
  if (CREDENTIALS_REJECTED.has(code)) {
    return new UsageError(`AWS rejected the credentials (${code}) when calling ${action}: refresh them ` + `(aws sso login, new keys) or pick another --profile. AWS said: ${error.message}`);
  }
  if (error.name === 'CredentialsProviderError' || /could not load credentials/i.test(error.message)) {
    return new UsageError(
      `No AWS credentials found for ${action}: pass --profile NAME, or set AWS_PROFILE or ` + 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY. Without --live, scan uses the bundled sample account.',
    );
  }
  if (/region is missing|region not accepted/i.test(error.message)) {
    return new UsageError(`No AWS region (${error.message}): pass --region, set AWS_REGION, or set a region in your profile.`);
  }
  const response = unparsableResponse(error);
  if (response) {
    return new UsageError(
      `The endpoint did not answer ${action} the way AWS does ` +
        `(HTTP ${response.status}${response.contentType ? `, ${response.contentType}` : ''}): ` +
        'check that --endpoint-url (or AWS_ENDPOINT_URL) points at AWS or at an emulator that implements this call.',
    );
  }
  const network = (error as { code?: string }).code;
  if (network === 'ECONNREFUSED' || network === 'ENOTFOUND' || network === 'EAI_AGAIN') {
    return new UsageError(`Cannot reach AWS for ${action} (${network}): check --endpoint-url, AWS_ENDPOINT_URL and your network.`);
  }
  return error;
}

/**
 * An answer that did not come from an AWS API: one the SDK could not read as the service's
 * protocol ("Deserialization error": a web server's page, an emulator's 500 page for an API it
 * lacks), or an HTML page, which no AWS API sends (they answer XML or JSON). The SDK keeps the raw
 * response on the error's hidden `$response`.
 */
function unparsableResponse(error: Error): { status: number | string; contentType?: string } | undefined {
  const raw = (error as { $response?: { statusCode?: number; headers?: Record<string, string | undefined> } }).$response;
  const contentType = raw?.headers?.['content-type'];
  if (!raw || !(/Deserialization error/.test(error.message) || /^text\/html/i.test(contentType ?? ''))) return undefined;
  return { status: raw.statusCode ?? 'unknown status', contentType };
}

/**
 * Adds the translation to every call a client makes. The middleware knows the command being
 * sent, so the message names `<prefix>:<Operation>`, which is the IAM action for every API we call.
 */
export function explainErrorsOf<C extends Client<object, MetadataBearer, unknown>>(client: C, actionPrefix: string): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw explainAwsError(error, `${actionPrefix}:${(context.commandName ?? 'UnknownCommand').replace(/Command$/, '')}`);
      }
    },
    { step: 'initialize', name: 'sessionGuardExplainAwsErrors' },
  );
  return client;
}
