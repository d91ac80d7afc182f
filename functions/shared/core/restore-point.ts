/**
 * What the preferences document looked like before the stack, kept in the custom resource's
 * PhysicalResourceId so Delete can put it back.
 *
 * Why the physical id and not a document tag: CloudFormation stores the id for the resource's
 * whole life and hands it back on every Update and Delete, nobody else can change it, and it needs
 * no extra permission (tags need ssm:AddTagsToResource and can be edited or removed by anyone who
 * can tag documents). The id is decided once, at Create, and echoed unchanged on every Update, so
 * an Update never looks like a replacement and never triggers a Delete.
 */

export type RestorePoint =
  /** The document had this default version: Delete sets it as the default again. */
  | { readonly kind: 'default-version'; readonly version: string }
  /** There was no document: Delete removes the one we created. */
  | { readonly kind: 'absent' }
  /** Create failed before it looked at or wrote anything: Delete has nothing to undo. */
  | { readonly kind: 'untouched' };

const PREFIX = 'session-guard:preferences';

export function physicalIdFor(documentName: string, restore: RestorePoint): string {
  const base = `${PREFIX}:${documentName}`;
  switch (restore.kind) {
    case 'default-version':
      return `${base}:restore-default-version:${restore.version}`;
    case 'absent':
      return `${base}:restore-by-deleting`;
    case 'untouched':
      return `${base}:untouched`;
  }
}

/** Reads a physical id we issued; undefined for any other text (we never guess what to restore). */
export function restorePointFrom(physicalId: string, documentName: string): RestorePoint | undefined {
  const base = `${PREFIX}:${documentName}:`;
  if (!physicalId.startsWith(base)) return undefined;
  const rest = physicalId.slice(base.length);
  if (rest === 'restore-by-deleting') return { kind: 'absent' };
  if (rest === 'untouched') return { kind: 'untouched' };
  const version = /^restore-default-version:(\d+)$/.exec(rest)?.[1];
  return version === undefined ? undefined : { kind: 'default-version', version };
}
