/**
 * SessionPreferencesFunction's decisions: write the account's Session Manager preferences on
 * Create / Update, and put back what was there before on Delete.
 *
 * There is one preferences document per account and region, so one stack owns it: each version we
 * write names the stack that wrote it (its StackId). A stack never takes over a document another
 * session-guard stack wrote, and never restores over settings written after its own.
 */
import { physicalIdFor, type RestorePoint, restorePointFrom } from '../shared/core/restore-point';
import {
  type PreferencesOwner,
  sameDocumentContent,
  sessionPreferencesContent,
  sessionPreferencesOwner,
  validateSessionPreferences,
} from '../shared/core/session-preferences';
import type { CustomResourceProvider, ProviderResult } from '../shared/custom-resource/run';
import { SessionGuardError } from '../shared/errors';

/** What a request did, reported in the answer's Data and the log. */
export type PreferencesAction =
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'restored-default-version'
  | 'deleted'
  | 'nothing-to-restore'
  /** Delete found a default written by someone else since, and kept it. */
  | 'left-as-is';

/** One version of the document and what it says. */
export interface VersionContent {
  readonly version: string;
  /** JSON text, also for a document someone wrote in YAML. */
  readonly content: string;
}

/**
 * The operations the preferences resource needs on its one document. Every call takes the
 * request's abort signal: an aborted signal cancels a call in flight, and no write starts after it.
 */
export interface SessionDocumentStore {
  readonly documentName: string;
  /** The version Session Manager reads; undefined when the document does not exist. */
  defaultVersion(signal: AbortSignal): Promise<VersionContent | undefined>;
  /** Creates the document; its first version is the default. Returns that version. */
  create(content: string, signal: AbortSignal): Promise<string>;
  /**
   * Returns the number of a version holding this content: a new one, or the existing one when the
   * document already has it. It is NOT made the default.
   */
  versionWith(content: string, signal: AbortSignal): Promise<string>;
  /** Resolves 'no-such-version' when the document (no longer) has that version. */
  setDefaultVersion(version: string, signal: AbortSignal): Promise<'set' | 'no-such-version'>;
  /** Deletes the document and all its versions; a document already gone is fine. */
  delete(signal: AbortSignal): Promise<void>;
}

/** The document is managed by another session-guard stack in this account and region. */
export class PreferencesManagedElsewhereError extends SessionGuardError {
  override name = 'PreferencesManagedElsewhereError';
}

export function createSessionPreferencesProvider(store: SessionDocumentStore): CustomResourceProvider {
  const name = store.documentName;
  const result = (physicalResourceId: string, outcome: Outcome): ProviderResult => ({
    physicalResourceId,
    data: { DocumentName: name, DefaultVersion: outcome.defaultVersion, Action: outcome.action },
    ...(outcome.reason ? { reason: outcome.reason } : {}),
  });

  return {
    untouchedPhysicalId: physicalIdFor(name, { kind: 'untouched' }),

    async create(event, progress, signal) {
      const content = sessionPreferencesContent(validateSessionPreferences(event.ResourceProperties), event.StackId);
      const before = await store.defaultVersion(signal);
      // Refused before a restore point is recorded: the rollback's Delete then touches nothing.
      if (before) refuseAnotherStacksDocument(name, before, event.StackId, '');
      const physicalId = physicalIdFor(
        name,
        before ? { kind: 'default-version', version: before.version } : { kind: 'absent' },
      );
      progress.setPhysicalResourceId(physicalId);
      return result(physicalId, await writePreferences(store, content, before, signal));
    },

    async update(event, signal) {
      const content = sessionPreferencesContent(validateSessionPreferences(event.ResourceProperties), event.StackId);
      const current = await store.defaultVersion(signal);
      if (current) {
        refuseAnotherStacksDocument(
          name,
          current,
          event.StackId,
          ' If the rollback of this update fails the same way, continue it skipping SessionPreferences.',
        );
      }
      // The id chosen at Create, unchanged: a new id would make CloudFormation Delete the old one.
      return result(event.PhysicalResourceId, await writePreferences(store, content, current, signal));
    },

    async delete(event, signal) {
      return result(
        event.PhysicalResourceId,
        await restore(store, restorePointFrom(event.PhysicalResourceId, name), event.StackId, signal),
      );
    },
  };
}

interface Outcome {
  readonly action: PreferencesAction;
  /** The default version after the request; empty when the document no longer exists. */
  readonly defaultVersion: string;
  /** Why the request did less than asked. */
  readonly reason?: string;
}

function refuseAnotherStacksDocument(name: string, current: VersionContent, stackId: string, afterward: string): void {
  const owner = sessionPreferencesOwner(current.content);
  if (owner.kind !== 'session-guard' || owner.stackId === stackId) return;
  throw new PreferencesManagedElsewhereError(
    `${name} is managed by another session-guard stack, ` +
      `${owner.stackId} (it wrote default version ${current.version}). ` +
      'There is one preferences document per account and region, so only one deployment there may manage it: ' +
      `deploy this stack with ManageSessionPreferences=false, or set that on the other stack first.${afterward}`,
  );
}

/** Makes the document's default version say exactly `content`, adding a version only when it does not. */
async function writePreferences(
  store: SessionDocumentStore,
  content: string,
  current: VersionContent | undefined,
  signal: AbortSignal,
): Promise<Outcome> {
  if (current === undefined) return { action: 'created', defaultVersion: await store.create(content, signal) };
  if (sameDocumentContent(content, current.content)) return { action: 'unchanged', defaultVersion: current.version };
  const version = await store.versionWith(content, signal);
  if ((await store.setDefaultVersion(version, signal)) === 'no-such-version') {
    throw new SessionGuardError(
      `${store.documentName} lost version ${version} before it ` +
        'could be made the default (deleted meanwhile?); deploy again.',
    );
  }
  return { action: 'updated', defaultVersion: version };
}

async function restore(
  store: SessionDocumentStore,
  point: RestorePoint | undefined,
  stackId: string,
  signal: AbortSignal,
): Promise<Outcome> {
  const name = store.documentName;
  const current = await store.defaultVersion(signal);
  // An id we did not issue (or a Create that never got as far as reading the document) records no
  // earlier state: leave the account's preferences exactly as they are rather than guess.
  if (point === undefined || point.kind === 'untouched')
    return { action: 'nothing-to-restore', defaultVersion: current?.version ?? '' };
  if (current === undefined) {
    if (point.kind === 'absent') return { action: 'nothing-to-restore', defaultVersion: '' };
    return {
      action: 'nothing-to-restore',
      defaultVersion: '',
      reason: `${name} no longer exists, so its version ${point.version} from before this stack cannot be restored.`,
    };
  }
  if (point.kind === 'default-version' && current.version === point.version)
    return { action: 'restored-default-version', defaultVersion: point.version };

  const owner = sessionPreferencesOwner(current.content);
  if (owner.kind !== 'session-guard' || owner.stackId !== stackId) {
    return {
      action: 'left-as-is',
      defaultVersion: current.version,
      reason:
        `Left ${name} as it is: its default version ${current.version} ` +
        `was written by ${describe(owner)} since this stack wrote its own, ` +
        'and restoring what was there before this stack would destroy those settings.',
    };
  }
  if (point.kind === 'absent') {
    await store.delete(signal);
    return { action: 'deleted', defaultVersion: '' };
  }
  if ((await store.setDefaultVersion(point.version, signal)) === 'no-such-version') {
    return {
      action: 'nothing-to-restore',
      defaultVersion: current.version,
      reason:
        `${name} no longer has version ${point.version}, its default before ` +
        'this stack (the version or the whole document was deleted since), ' +
        `so there is nothing to restore and the default stays at version ${current.version}, written by this stack. ` +
        "Review the account's Session Manager preferences: they may name this stack's key, log group or bucket.",
    };
  }
  return { action: 'restored-default-version', defaultVersion: point.version };
}

function describe(owner: PreferencesOwner): string {
  return owner.kind === 'session-guard'
    ? `another session-guard stack, ${owner.stackId},`
    : 'someone else (not session-guard)';
}
