/**
 * Why a Session Manager preferences document (an SSM document of type Session) is COMPLIANT or
 * NON_COMPLIANT.
 *
 * A document is judged only on the settings Session Manager applies to its session type
 * (SESSION_TYPE_SETTINGS below, each difference with its source): it must encrypt session data
 * with a KMS key, encrypt whatever logs it writes, log somewhere, keep idle and total session time
 * within limits, and leave none of those to the person starting the session. Every failing setting
 * is named, so one look at the annotation says everything that needs fixing.
 */
import { compliant, nonCompliant, notApplicable, type Verdict } from './compliance';
import { SESSION_PREFERENCES_DOCUMENT_NAME } from './session-manager';
import { isRecord, isTrueText, parseWholeNumber } from './validation';
import { InputError } from '../errors';

/**
 * Session Manager ends an idle session after this many minutes when the document does not say.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-timeout.html
 */
export const SESSION_MANAGER_DEFAULT_IDLE_MINUTES = 20;

/**
 * The session types the Session document schema allows.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html
 */
export const SESSION_TYPES = ['Standard_Stream', 'InteractiveCommands', 'NonInteractiveCommands', 'Port'] as const;
export type SessionType = (typeof SESSION_TYPES)[number];

/** Which of a document's settings Session Manager applies to sessions of one type. */
export interface SessionTypeSettings {
  /** The schema requires `inputs`. */
  readonly inputsRequired: boolean;
  /** Session data is encrypted with `kmsKeyId`, so a key is required. */
  readonly kmsEncryption: boolean;
  /** Session logs go to `s3BucketName` and `cloudWatchLogGroupName`, so one is required, encrypted. */
  readonly logging: boolean;
  /** Why the settings this type does not use are not asked for; shown on a COMPLIANT verdict. */
  readonly unusedSettings?: string;
}

/**
 * What each session type uses, from the Session Manager documentation and the SSM Agent's session
 * plugins (github.com/aws/amazon-ssm-agent, agent/session/):
 *
 * - `inputs` is required only for Standard_Stream documents (schema page above).
 * - KMS encryption "is available for Standard_Stream, InteractiveCommands, and
 *   NonInteractiveCommands session types", not Port; the agent never encrypts a Port session,
 *   whatever kmsKeyId says (plugins/sessionplugin/sessionplugin.go, isEncryptionEnabled).
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-enable-encryption.html
 * - "Logging isn't available for Session Manager sessions that connect through port forwarding or
 *   SSH" (SSH runs over a Port document, AWS-StartSSHSession). Interactive and non-interactive
 *   commands run in the agent's shell plugin, which uploads their logs to S3 and CloudWatch at the
 *   end of the session; only streaming to CloudWatch is unsupported for them (shell/shell.go), and
 *   streaming is not judged for any type.
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html
 * - idleSessionTimeout and maxSessionDuration are inputs of every session type: the schema ties
 *   them to none, and Session Manager itself, not the agent, ends the session. A hardened Port
 *   document sets them like any other.
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-max-timeout.html
 * - Run As and shell profiles are not judged for any type (the agent runs shell profiles only in
 *   Standard_Stream sessions: shell/shell.go).
 */
export const SESSION_TYPE_SETTINGS: Readonly<Record<SessionType, SessionTypeSettings>> = {
  Standard_Stream: { inputsRequired: true, kmsEncryption: true, logging: true },
  InteractiveCommands: { inputsRequired: false, kmsEncryption: true, logging: true },
  NonInteractiveCommands: { inputsRequired: false, kmsEncryption: true, logging: true },
  Port: {
    inputsRequired: false,
    kmsEncryption: false,
    logging: false,
    unusedSettings:
      'Session Manager neither logs nor KMS-encrypts port forwarding and SSH sessions, so neither is asked for',
  },
};

export interface SessionLimits {
  /** idleSessionTimeout may not exceed this (minutes). */
  readonly maxIdleSessionTimeoutMinutes: number;
  /** maxSessionDuration must be set and may not exceed this (minutes). */
  readonly maxSessionDurationMinutes: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxIdleSessionTimeoutMinutes: 20,
  maxSessionDurationMinutes: 60,
};

export class SessionDocumentContentError extends InputError {
  override name = 'SessionDocumentContentError';
}

/** Parses YAML text into plain data (the `yaml` package's parse, passed in by the adapters). */
export type YamlParser = (text: string) => unknown;

/** Content SSM holds as JSON; anything else is read as YAML. */
export const isJsonText = (content: string): boolean => content.trimStart().startsWith('{');

/**
 * Parses document content written as JSON or YAML (SSM accepts both) into an object. `parseYaml`
 * is needed only for content that is not JSON: the caller loads a YAML parser only then.
 */
export function parseSessionDocumentContent(
  content: string,
  parseYaml: YamlParser | undefined,
): Record<string, unknown> {
  let parsed: unknown;
  const json = isJsonText(content);
  if (!json && !parseYaml) throw new TypeError('parseSessionDocumentContent: YAML content needs a YAML parser.');
  try {
    // YAML 1.2 is a superset of JSON, but JSON.parse gives the clearer error for JSON text.
    parsed = json ? JSON.parse(content) : parseYaml!(content);
  } catch (error) {
    throw new SessionDocumentContentError(`content is neither valid JSON nor YAML: ${(error as Error).message}`);
  }
  if (!isRecord(parsed)) throw new SessionDocumentContentError('content is not a JSON or YAML object');
  return parsed;
}

/** The document's session type; undefined when it is missing or not one the schema allows. */
export function sessionTypeOf(content: Readonly<Record<string, unknown>>): SessionType | undefined {
  return SESSION_TYPES.find((type) => type === content.sessionType);
}

/**
 * Every failing setting of a parsed Session document, in the order a reader would fix them; empty
 * when the document passes. A document whose sessionType is missing or unknown fails for that and
 * is held to the Standard_Stream checks, the strictest. Pure: the same check runs on the
 * preferences our template writes.
 */
export function sessionPreferenceFailures(content: Readonly<Record<string, unknown>>, limits: SessionLimits): string[] {
  const failures: string[] = [];
  const sessionType = sessionTypeOf(content);
  if (sessionType === undefined) {
    failures.push(
      `sessionType ${JSON.stringify(content.sessionType ?? null)} is not ` +
        `one of ${SESSION_TYPES.join(', ')} (checked as Standard_Stream)`,
    );
  }
  const settings = SESSION_TYPE_SETTINGS[sessionType ?? 'Standard_Stream'];

  const rawInputs = content.inputs;
  if (!isRecord(rawInputs) && settings.inputsRequired) failures.push('inputs missing');
  const inputs = isRecord(rawInputs) ? rawInputs : {};

  if (settings.kmsEncryption) failures.push(...kmsKeyFailures(inputs));
  if (settings.logging) failures.push(...loggingFailures(inputs));
  failures.push(...durationFailures(inputs, limits));
  return failures;
}

function kmsKeyFailures(inputs: Readonly<Record<string, unknown>>): string[] {
  const kmsKeyId = inputs.kmsKeyId;
  if (typeof kmsKeyId !== 'string' || kmsKeyId.trim() === '') {
    return [
      `kmsKeyId ${kmsKeyId === undefined || kmsKeyId === null ? 'missing' : 'empty'} ` +
        '(no session encryption beyond TLS)',
    ];
  }
  const chosen = chosenWhenSessionStarts('kmsKeyId', kmsKeyId, 'which key encrypts the session');
  return chosen ? [chosen] : [];
}

function loggingFailures(inputs: Readonly<Record<string, unknown>>): string[] {
  const failures: string[] = [];
  const s3Bucket = nonEmptyText(inputs.s3BucketName);
  const logGroup = nonEmptyText(inputs.cloudWatchLogGroupName);
  if (s3Bucket) {
    const chosen = chosenWhenSessionStarts('s3BucketName', s3Bucket, 'where logs go');
    if (chosen) failures.push(chosen);
    if (!isTrueText(inputs.s3EncryptionEnabled))
      failures.push(`logs to S3 bucket ${s3Bucket} without s3EncryptionEnabled true`);
  }
  if (logGroup) {
    const chosen = chosenWhenSessionStarts('cloudWatchLogGroupName', logGroup, 'where logs go');
    if (chosen) failures.push(chosen);
    if (!isTrueText(inputs.cloudWatchEncryptionEnabled))
      failures.push(`logs to CloudWatch log group ${logGroup} without cloudWatchEncryptionEnabled true`);
  }
  if (!s3Bucket && !logGroup) failures.push('logs nowhere (no S3 bucket or CloudWatch log group)');
  return failures;
}

function durationFailures(inputs: Readonly<Record<string, unknown>>, limits: SessionLimits): string[] {
  const failures: string[] = [];
  const idle = readMinutes('idleSessionTimeout', inputs.idleSessionTimeout, 'how long an idle session lasts');
  if ('failure' in idle) {
    failures.push(idle.failure);
  } else if ((idle.minutes ?? SESSION_MANAGER_DEFAULT_IDLE_MINUTES) > limits.maxIdleSessionTimeoutMinutes) {
    const shown =
      idle.minutes === undefined
        ? `unset (Session Manager default ${SESSION_MANAGER_DEFAULT_IDLE_MINUTES})`
        : String(idle.minutes);
    failures.push(`idleSessionTimeout ${shown} above ${limits.maxIdleSessionTimeoutMinutes} minutes`);
  }

  const duration = readMinutes('maxSessionDuration', inputs.maxSessionDuration, 'how long a session lasts');
  if ('failure' in duration) failures.push(duration.failure);
  else if (duration.minutes === undefined)
    failures.push(`maxSessionDuration unset (allowed ${limits.maxSessionDurationMinutes} minutes)`);
  else if (duration.minutes > limits.maxSessionDurationMinutes)
    failures.push(`maxSessionDuration ${duration.minutes} above ${limits.maxSessionDurationMinutes} minutes`);
  return failures;
}

/**
 * Minutes written as a number or as text ("20"); `minutes` undefined when unset, a failure when
 * the value is a parameter or not a whole number of minutes.
 */
function readMinutes(
  setting: string,
  value: unknown,
  what: string,
): { readonly minutes: number | undefined } | { readonly failure: string } {
  const chosen = chosenWhenSessionStarts(setting, value, what);
  if (chosen) return { failure: chosen };
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
    return { minutes: undefined };
  const minutes = parseWholeNumber(value);
  return minutes !== undefined && minutes > 0
    ? { minutes }
    : { failure: `${setting} ${JSON.stringify(value)} is not a number of minutes` };
}

/** A `{{ name }}` reference to a document parameter, or `{{ssm:name}}` to Parameter Store. */
const PARAMETER_REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/;

/**
 * The failure of a setting whose value is filled in when a session starts, or undefined for a
 * literal value. StartSession's Parameters fill in the document's `{{ parameters }}`, so whoever
 * starts the session decides (the SSM Agent maintainers suggest exactly that for a per-session S3
 * bucket: https://github.com/aws/amazon-ssm-agent/issues/329). A Parameter Store reference is
 * decided by whoever may change that parameter; the rule cannot see its value either way.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html (parameters)
 */
function chosenWhenSessionStarts(setting: string, value: unknown, what: string): string | undefined {
  const reference = typeof value === 'string' ? PARAMETER_REFERENCE.exec(value) : null;
  if (!reference) return undefined;
  const name = reference[1] ?? '';
  return name.startsWith('ssm:')
    ? `${setting} is read from Parameter Store (${reference[0]}): whoever can change ${name.slice(4)} chooses ${what}`
    : `${setting} is the parameter ${reference[0]}: the session's starter can choose ${what}`;
}

export interface SessionDocument {
  readonly name: string;
  /** The content as SSM returns it: JSON or YAML text. */
  readonly content: string;
}

/** `parseYaml`: as for parseSessionDocumentContent, needed only when the content is not JSON. */
export function evaluateSessionDocument(
  document: SessionDocument,
  limits: SessionLimits,
  parseYaml: YamlParser | undefined,
): Verdict {
  let content: Record<string, unknown>;
  try {
    content = parseSessionDocumentContent(document.content, parseYaml);
  } catch (error) {
    if (!(error instanceof SessionDocumentContentError)) throw error;
    return nonCompliant(`Session document ${document.name}: ${error.message}; its settings cannot be checked.`);
  }
  const sessionType = sessionTypeOf(content);
  // Standard_Stream is what people mean by a Session document; the other types say which they are,
  // so a reader knows why some settings are not named.
  const typeNote = sessionType && sessionType !== 'Standard_Stream' ? ` (${sessionType})` : '';
  const subject = `Session document ${document.name}${typeNote}`;
  const failures = sessionPreferenceFailures(content, limits);
  if (failures.length > 0) return nonCompliant(`${subject}: ${failures.join('; ')}.`);

  const withinLimits =
    `keeps sessions within ${limits.maxIdleSessionTimeoutMinutes} ` +
    `idle / ${limits.maxSessionDurationMinutes} total minutes`;
  const { unusedSettings } = SESSION_TYPE_SETTINGS[sessionType ?? 'Standard_Stream'];
  return compliant(
    unusedSettings
      ? `${subject} ${withinLimits}; ${unusedSettings}.`
      : `${subject} encrypts sessions and logs, and ${withinLimits}.`,
  );
}

/** The account's verdict: without SSM-SessionManagerRunShell, Session Manager runs on its defaults. */
export function evaluateAccountPreferences(preferencesDocumentExists: boolean): Verdict {
  if (preferencesDocumentExists) {
    return compliant(`${SESSION_PREFERENCES_DOCUMENT_NAME} exists; its settings are evaluated on the document itself.`);
  }
  return nonCompliant(
    `${SESSION_PREFERENCES_DOCUMENT_NAME} does not exist: Session Manager runs on its defaults ` +
      '(no KMS encryption, no session logging, no maximum duration). Deploy the session preferences.',
  );
}

export const notASessionDocument = (name: string, documentType: string): Verdict =>
  notApplicable(`SSM document ${name} is of type ${documentType}, not Session.`);

function nonEmptyText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
