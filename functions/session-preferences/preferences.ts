/**
 * SessionPreferencesFunction's decisions: write the account's Session Manager preferences on
 * Create / Update, and put back what was there before on Delete.
 */
import type { DocumentVersions, SessionDocumentStore } from '../shared/adapters/ssm-document-versions';
import { physicalIdFor, type RestorePoint, restorePointFrom } from '../shared/core/restore-point';
import { sameDocumentContent, type SessionPreferences, sessionPreferencesContent, validateSessionPreferences } from '../shared/core/session-preferences';
import type { CustomResourceProvider, ProviderResult } from '../shared/custom-resource/run';

/** What a request did, reported in the answer's Data and the log. */
export type PreferencesAction = 'created' | 'updated' | 'unchanged' | 'restored-default-version' | 'deleted' | 'nothing-to-restore';

export function createSessionPreferencesProvider(store: SessionDocumentStore): CustomResourceProvider {
  const name = store.documentName;
  const result = (physicalResourceId: string, action: PreferencesAction, defaultVersion: string): ProviderResult => ({
    physicalResourceId,
    data: { DocumentName: name, DefaultVersion: defaultVersion, Action: action },
  });

  return {
    untouchedPhysicalId: physicalIdFor(name, { kind: 'untouched' }),

    async create(event, progress) {
      const preferences = validateSessionPreferences(event.ResourceProperties);
      const before = await store.versions();
      const physicalId = physicalIdFor(name, before ? { kind: 'default-version', version: before.defaultVersion } : { kind: 'absent' });
      progress.setPhysicalResourceId(physicalId);
      const written = await writePreferences(store, preferences, before);
      return result(physicalId, written.action, written.defaultVersion);
    },

    async update(event) {
      const preferences = validateSessionPreferences(event.ResourceProperties);
      const written = await writePreferences(store, preferences, await store.versions());
      // The id chosen at Create, unchanged: a new id would make CloudFormation Delete the old one.
      return result(event.PhysicalResourceId, written.action, written.defaultVersion);
    },

    async delete(event) {
      const restored = await restore(store, restorePointFrom(event.PhysicalResourceId, name));
      return result(event.PhysicalResourceId, restored.action, restored.defaultVersion);
    },
  };
}

interface Written {
  readonly action: PreferencesAction;
  /** The default version after the request; empty when the document no longer exists. */
  readonly defaultVersion: string;
}

/** Makes the document's default version say exactly `preferences`, adding a version only when it does not. */
async function writePreferences(store: SessionDocumentStore, preferences: SessionPreferences, current: DocumentVersions | undefined): Promise<Written> {
  const content = sessionPreferencesContent(preferences);
  if (current === undefined) return { action: 'created', defaultVersion: await store.create(content) };
  if (sameDocumentContent(content, await store.content())) return { action: 'unchanged', defaultVersion: current.defaultVersion };
  const version = await store.versionWith(content);
  await store.setDefaultVersion(version);
  return { action: 'updated', defaultVersion: version };
}

async function restore(store: SessionDocumentStore, point: RestorePoint | undefined): Promise<Written> {
  // An id we did not issue (or a Create that never got as far as reading the document) records no
  // earlier state: leave the account's preferences exactly as they are rather than guess.
  if (point === undefined || point.kind === 'untouched') {
    const versions = await store.versions();
    return { action: 'nothing-to-restore', defaultVersion: versions?.defaultVersion ?? '' };
  }
  if (point.kind === 'absent') {
    await store.delete();
    return { action: 'deleted', defaultVersion: '' };
  }
  const versions = await store.versions();
  if (versions === undefined) return { action: 'nothing-to-restore', defaultVersion: '' };
  if (versions.defaultVersion !== point.version) await store.setDefaultVersion(point.version);
  return { action: 'restored-default-version', defaultVersion: point.version };
}
