/**
 * Why a Session Manager preferences document (an SSM document of type Session) is COMPLIANT or
 * NON_COMPLIANT.
 *
 * A document must encrypt session data with a KMS key, encrypt whatever logs it writes, log
 * somewhere, and keep idle and total session time within limits. Every failing setting is named,
 * so one look at the annotation says everything that needs fixing.
 */
import { parse as parseYaml } from 'yaml';
import { compliant, nonCompliant, notApplicable, type Verdict } from './compliance';
import { SESSION_PREFERENCES_DOCUMENT_NAME } from './session-preferences';
import { isRecord } from './validation';

/** Session Manager ends an idle session after this many minutes when the document does not say. */
export const SESSION_MANAGER_DEFAULT_IDLE_MINUTES = 20;

export interface SessionLimits {
  /** idleSessionTimeout may not exceed this (minutes). */
  readonly maxIdleSessionTimeoutMinutes: number;
  /** maxSessionDuration must be set and may not exceed this (minutes). */
  readonly maxSessionDurationMinutes: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { maxIdleSessionTimeoutMinutes: 20, maxSessionDurationMinutes: 60 };

export class SessionDocumentContentError extends Error {
  override name = 'SessionDocumentContentError';
}

/** Parses document content written as JSON or YAML (SSM accepts both) into an object. */
export function parseSessionDocumentContent(content: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    // YAML 1.2 is a superset of JSON, but JSON.parse gives the clearer error for JSON text.
    parsed = content.trimStart().startsWith('{') ? JSON.parse(content) : parseYaml(content);
  } catch (error) {
    throw new SessionDocumentContentError(`content is neither valid JSON nor YAML: ${(error as Error).message}`);
  }
  if (!isRecord(parsed)) throw new SessionDocumentContentError('content is not a JSON or YAML object');
  return parsed;
}

/**
 * Every failing setting of a parsed Session document, in the order a reader would fix them; empty
 * when the document passes. Pure: the same check runs on the preferences our template writes.
 */
export function sessionPreferenceFailures(content: Readonly<Record<string, unknown>>, limits: SessionLimits): string[] {
  const failures: string[] = [];
  const rawInputs = content.inputs;
  if (!isRecord(rawInputs)) failures.push('inputs missing');
  const inputs = isRecord(rawInputs) ? rawInputs : {};

  const kmsKeyId = inputs.kmsKeyId;
  if (typeof kmsKeyId !== 'string' || kmsKeyId.trim() === '') {
    failures.push(`kmsKeyId ${kmsKeyId === undefined || kmsKeyId === null ? 'missing' : 'empty'} (no session encryption beyond TLS)`);
  }

  const s3Bucket = nonEmptyText(inputs.s3BucketName);
  const logGroup = nonEmptyText(inputs.cloudWatchLogGroupName);
  if (s3Bucket && !isTrue(inputs.s3EncryptionEnabled)) failures.push(`logs to S3 bucket ${s3Bucket} without s3EncryptionEnabled true`);
  if (logGroup && !isTrue(inputs.cloudWatchEncryptionEnabled)) {
    failures.push(`logs to CloudWatch log group ${logGroup} without cloudWatchEncryptionEnabled true`);
  }
  if (!s3Bucket && !logGroup) failures.push('logs nowhere (no S3 bucket or CloudWatch log group)');

  const idle = minutes(inputs.idleSessionTimeout);
  if (idle === 'invalid') {
    failures.push(`idleSessionTimeout ${JSON.stringify(inputs.idleSessionTimeout)} is not a number of minutes`);
  } else if ((idle ?? SESSION_MANAGER_DEFAULT_IDLE_MINUTES) > limits.maxIdleSessionTimeoutMinutes) {
    const shown = idle === undefined ? `unset (Session Manager default ${SESSION_MANAGER_DEFAULT_IDLE_MINUTES})` : String(idle);
    failures.push(`idleSessionTimeout ${shown} above ${limits.maxIdleSessionTimeoutMinutes} minutes`);
  }

  const duration = minutes(inputs.maxSessionDuration);
  if (duration === undefined) failures.push(`maxSessionDuration unset (allowed ${limits.maxSessionDurationMinutes} minutes)`);
  else if (duration === 'invalid') failures.push(`maxSessionDuration ${JSON.stringify(inputs.maxSessionDuration)} is not a number of minutes`);
  else if (duration > limits.maxSessionDurationMinutes) failures.push(`maxSessionDuration ${duration} above ${limits.maxSessionDurationMinutes} minutes`);

  return failures;
}

export interface SessionDocument {
  readonly name: string;
  /** The content as SSM returns it: JSON or YAML text. */
  readonly content: string;
}

export function evaluateSessionDocument(document: SessionDocument, limits: SessionLimits): Verdict {
  let content: Record<string, unknown>;
  try {
    content = parseSessionDocumentContent(document.content);
  } catch (error) {
    if (!(error instanceof SessionDocumentContentError)) throw error;
    return nonCompliant(`Session document ${document.name}: ${error.message}; its settings cannot be checked.`);
  }
  const failures = sessionPreferenceFailures(content, limits);
  if (failures.length === 0) {
    return compliant(`Session document ${document.name} encrypts sessions and logs, and keeps sessions within ${limits.maxIdleSessionTimeoutMinutes} idle / ${limits.maxSessionDurationMinutes} total minutes.`);
  }
  return nonCompliant(`Session document ${document.name}: ${failures.join('; ')}.`);
}

/** The account's verdict: without SSM-SessionManagerRunShell, Session Manager runs on its defaults. */
export function evaluateAccountPreferences(preferencesDocumentExists: boolean): Verdict {
  if (preferencesDocumentExists) {
    return compliant(`${SESSION_PREFERENCES_DOCUMENT_NAME} exists; its settings are evaluated on the document itself.`);
  }
  return nonCompliant(
    `${SESSION_PREFERENCES_DOCUMENT_NAME} does not exist: Session Manager runs on its defaults (no KMS encryption, no session logging, no maximum duration). Deploy the session preferences.`,
  );
}

export const notASessionDocument = (name: string, documentType: string): Verdict =>
  notApplicable(`SSM document ${name} is of type ${documentType}, not Session.`);

/** Minutes written as a number or as text ("20"); undefined when unset, 'invalid' when unreadable. */
function minutes(value: unknown): number | undefined | 'invalid' {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  return Number.isInteger(number) && number > 0 ? number : 'invalid';
}

/** Booleans may be written as `true` or as text (`"true"`, `"TRUE"`). */
function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

function nonEmptyText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
