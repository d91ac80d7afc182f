/**
 * The account's Session Manager preferences: which settings we accept, and the exact content of
 * the `SSM-SessionManagerRunShell` Session document they produce.
 *
 * The settings arrive as CloudFormation custom-resource properties, where every value is text
 * (`"true"`, `"20"`). They are validated here, before anything is written, with errors that name
 * the property. Content follows the Session document schema (schemaVersion 1.0, sessionType
 * Standard_Stream): booleans are JSON booleans, the two durations are strings of minutes.
 */
import * as z from './zod';
import { describeIssues, wholeNumberWithin } from './validation';
import { InputError } from '../errors';

/**
 * What Session Manager accepts, in minutes, for a Session document's `idleSessionTimeout` (1-60)
 * and `maxSessionDuration` (1-1440): the preferences we write, the limits the session-preferences
 * rule may be given and the template's parameters all stay inside these ranges.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html
 */
export const IDLE_SESSION_TIMEOUT_MINUTES = { min: 1, max: 60 } as const;
export const MAX_SESSION_DURATION_MINUTES = { min: 1, max: 1440 } as const;

export interface SessionPreferences {
  /** Session data is encrypted with this KMS key (ARN, key ID or alias); undefined: not encrypted. */
  readonly kmsKeyId: string | undefined;
  readonly s3Logging:
    | { readonly bucketName: string; readonly keyPrefix: string; readonly requireEncryptedBucket: boolean }
    | undefined;
  readonly cloudWatchLogging:
    | { readonly logGroupName: string; readonly requireEncryptedLogGroup: boolean; readonly streaming: boolean }
    | undefined;
  /** Linux and macOS sessions start as this OS user instead of ssm-user; undefined: run-as off. */
  readonly runAsDefaultUser: string | undefined;
  readonly idleSessionTimeoutMinutes: number;
  readonly maxSessionDurationMinutes: number;
  readonly shellProfile: { readonly windows: string; readonly linux: string };
}

/** The Session document content, field for field as SSM stores it. */
export interface SessionPreferencesDocument {
  schemaVersion: '1.0';
  description: string;
  sessionType: 'Standard_Stream';
  inputs: {
    s3BucketName: string;
    s3KeyPrefix: string;
    s3EncryptionEnabled: boolean;
    cloudWatchLogGroupName: string;
    cloudWatchEncryptionEnabled: boolean;
    cloudWatchStreamingEnabled: boolean;
    kmsKeyId: string;
    runAsEnabled: boolean;
    runAsDefaultUser: string;
    idleSessionTimeout: string;
    maxSessionDuration: string;
    shellProfile: { windows: string; linux: string };
  };
}

/**
 * There is one preferences document per account and region, so exactly one session-guard stack
 * may manage it. The stack that wrote a version says so in its description: the StackId (an ARN,
 * unique for the stack's whole life) that CloudFormation puts in every custom resource request.
 */
const OWNER_PREFIX = 'Session Manager preferences for this account and region, written by session-guard stack ';

/** Who wrote a preferences document's default version, read from its content. */
export type PreferencesOwner =
  | { readonly kind: 'session-guard'; readonly stackId: string }
  /** A person, another tool, or text we cannot read: not a session-guard stack. */
  | { readonly kind: 'other' };

export function sessionPreferencesOwner(content: string): PreferencesOwner {
  const description = (parseJson(content) as { description?: unknown } | null | undefined)?.description;
  if (typeof description !== 'string' || !description.startsWith(OWNER_PREFIX) || !description.endsWith('.'))
    return { kind: 'other' };
  const stackId = description.slice(OWNER_PREFIX.length, -1);
  return stackId === '' ? { kind: 'other' } : { kind: 'session-guard', stackId };
}

/** `preferences` as the Session document that `ownerStackId` writes. */
export function buildSessionPreferencesDocument(
  preferences: SessionPreferences,
  ownerStackId: string,
): SessionPreferencesDocument {
  const { s3Logging, cloudWatchLogging } = preferences;
  return {
    schemaVersion: '1.0',
    description: `${OWNER_PREFIX}${ownerStackId}.`,
    sessionType: 'Standard_Stream',
    inputs: {
      s3BucketName: s3Logging?.bucketName ?? '',
      s3KeyPrefix: s3Logging?.keyPrefix ?? '',
      // Session Manager refuses to start a session when a required encryption is missing; with the
      // destination off there is nothing to require.
      s3EncryptionEnabled: s3Logging?.requireEncryptedBucket ?? false,
      cloudWatchLogGroupName: cloudWatchLogging?.logGroupName ?? '',
      cloudWatchEncryptionEnabled: cloudWatchLogging?.requireEncryptedLogGroup ?? false,
      cloudWatchStreamingEnabled: cloudWatchLogging?.streaming ?? false,
      kmsKeyId: preferences.kmsKeyId ?? '',
      runAsEnabled: preferences.runAsDefaultUser !== undefined,
      runAsDefaultUser: preferences.runAsDefaultUser ?? '',
      idleSessionTimeout: String(preferences.idleSessionTimeoutMinutes),
      maxSessionDuration: String(preferences.maxSessionDurationMinutes),
      shellProfile: { windows: preferences.shellProfile.windows, linux: preferences.shellProfile.linux },
    },
  };
}

/** The document content as text for CreateDocument / UpdateDocument (DocumentFormat JSON). */
export function sessionPreferencesContent(preferences: SessionPreferences, ownerStackId: string): string {
  return JSON.stringify(buildSessionPreferencesDocument(preferences, ownerStackId), null, 2);
}

/**
 * Whether the document's current content already says what we want. Compared as parsed JSON
 * (key order and whitespace do not matter; `"true"` and `true` do), so re-deploying the same
 * settings never adds a version. Content that is not JSON is simply different.
 */
export function sameDocumentContent(desired: string, current: string): boolean {
  const a = parseJson(desired);
  const b = parseJson(current);
  return a !== undefined && b !== undefined && deepEqual(a, b);
}

/** The parsed JSON, or undefined for text that is not JSON (a YAML document, say). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  return (
    aKeys.length === Object.keys(b).length &&
    aKeys.every((key) => Object.hasOwn(bRecord, key) && deepEqual((a as Record<string, unknown>)[key], bRecord[key]))
  );
}

// ----- validation of the custom resource's properties -----

export class SessionPreferencesError extends InputError {
  override name = 'SessionPreferencesError';
}

/** CloudFormation passes every property as text; a JSON boolean is accepted too. */
const flag = z.pipe(
  z.pipe(
    z.transform((value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : value)),
    z.union([z.boolean(), z.literal('true'), z.literal('false')], {
      error: (issue) => (issue.input === undefined ? 'is required ("true" or "false")' : 'must be "true" or "false"'),
    }),
  ),
  z.transform((value: boolean | 'true' | 'false') => value === true || value === 'true'),
);

const text = z.string().check(z.trim());
/** A KMS key ARN, key ID (UUID or multi-Region mrk-...) or alias: what `kmsKeyId` accepts. */
const kmsKeyReference = new RegExp(
  `^(${[
    /arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+/,
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
    /mrk-[0-9a-f]{32}/,
    /alias\/[\w/-]+/,
  ]
    .map((alternative) => alternative.source)
    .join('|')})$`,
);
/** Session Manager's run-as user: a Linux user name. */
const osUserName = /^[a-z_][a-z0-9_.-]{0,31}\$?$/i;

/**
 * The custom resource's properties. Every destination and feature has an explicit on/off switch
 * next to its settings, so "on but the name did not arrive" is an error instead of a silently
 * weaker document (the seed's sample wrote unencrypted preferences when its key ID was late).
 */
export const sessionPreferencesPropertiesSchema = z
  .looseObject({
    EncryptSessionData: flag,
    KmsKeyId: z._default(text, ''),
    S3Logging: z._default(flag, false),
    S3BucketName: z._default(text, ''),
    S3KeyPrefix: z._default(text, ''),
    S3EncryptionEnabled: z._default(flag, true),
    CloudWatchLogging: z._default(flag, false),
    CloudWatchLogGroupName: z._default(text, ''),
    CloudWatchEncryptionEnabled: z._default(flag, true),
    CloudWatchStreamingEnabled: z._default(flag, true),
    RunAsEnabled: z._default(flag, false),
    RunAsDefaultUser: z._default(text, ''),
    IdleSessionTimeout: wholeNumberWithin(IDLE_SESSION_TIMEOUT_MINUTES, 'minutes'),
    MaxSessionDuration: wholeNumberWithin(MAX_SESSION_DURATION_MINUTES, 'minutes'),
    ShellProfileWindows: z._default(z.string(), ''),
    ShellProfileLinux: z._default(z.string(), ''),
  })
  .check(
    z.superRefine((p, ctx) => {
      const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
      if (p.EncryptSessionData && p.KmsKeyId === '') {
        problem(
          'KmsKeyId',
          'is empty while EncryptSessionData is true; pass the key straight from the key resource (!GetAtt Key.Arn)',
        );
      } else if (p.EncryptSessionData && !kmsKeyReference.test(p.KmsKeyId)) {
        problem('KmsKeyId', 'must be a KMS key ARN, key ID or alias/name');
      } else if (!p.EncryptSessionData && p.KmsKeyId !== '') {
        problem('KmsKeyId', 'is set while EncryptSessionData is false; turn encryption on or leave the key empty');
      }
      if (p.S3Logging && p.S3BucketName === '')
        problem('S3BucketName', 'is empty while S3Logging is true; name the audit bucket or turn S3 logging off');
      if (p.CloudWatchLogging && p.CloudWatchLogGroupName === '') {
        problem(
          'CloudWatchLogGroupName',
          'is empty while CloudWatchLogging is true; name the log group or turn CloudWatch logging off',
        );
      }
      if (p.RunAsEnabled && p.RunAsDefaultUser === '')
        problem('RunAsDefaultUser', 'is empty while RunAsEnabled is true; name the OS user sessions run as');
      else if (p.RunAsEnabled && !osUserName.test(p.RunAsDefaultUser))
        problem('RunAsDefaultUser', 'must be an operating-system user name such as ec2-user');
    }),
  );

/** Validates raw custom-resource properties into preferences, or throws an error naming each bad property. */
export function validateSessionPreferences(rawProperties: unknown): SessionPreferences {
  const result = sessionPreferencesPropertiesSchema.safeParse(rawProperties ?? {});
  if (!result.success) {
    const problems = describeIssues(result.error, '(properties)', ' ');
    throw new SessionPreferencesError(
      `Invalid session preferences: ${problems}. Fix the SessionPreferences resource's properties (the stack's ` +
        `parameters).`,
    );
  }
  const p = result.data;
  return {
    kmsKeyId: p.EncryptSessionData ? p.KmsKeyId : undefined,
    s3Logging: p.S3Logging
      ? { bucketName: p.S3BucketName, keyPrefix: p.S3KeyPrefix, requireEncryptedBucket: p.S3EncryptionEnabled }
      : undefined,
    cloudWatchLogging: p.CloudWatchLogging
      ? {
          logGroupName: p.CloudWatchLogGroupName,
          requireEncryptedLogGroup: p.CloudWatchEncryptionEnabled,
          streaming: p.CloudWatchStreamingEnabled,
        }
      : undefined,
    runAsDefaultUser: p.RunAsEnabled ? p.RunAsDefaultUser : undefined,
    idleSessionTimeoutMinutes: p.IdleSessionTimeout,
    maxSessionDurationMinutes: p.MaxSessionDuration,
    shellProfile: { windows: p.ShellProfileWindows, linux: p.ShellProfileLinux },
  };
}
