/**
 * The named profiles of the shared AWS config and credentials files, so `--profile` with a name
 * that is in neither fails with that fact, not with the SDK's "Region is missing" or "Could not
 * load credentials" that follow from it. Sections are `[default]` and `[profile NAME]` in the
 * config file, `[NAME]` in the credentials file; AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE
 * move them (https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html,
 * https://docs.aws.amazon.com/sdkref/latest/guide/file-location.html).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../io';

interface SharedFile {
  readonly path: string;
  /** The profile a section header names, or undefined for other sections (sso-session, services). */
  readonly profileOf: (section: string) => string | undefined;
}

function sharedFiles(env: NodeJS.ProcessEnv): SharedFile[] {
  const home = env.HOME || env.USERPROFILE || homedir();
  return [
    {
      path: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
      profileOf: (section) => (section === 'default' ? section : /^profile\s+(.+)$/.exec(section)?.[1]),
    },
    { path: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'), profileOf: (section) => section },
  ];
}

function profilesIn(file: SharedFile): string[] {
  let text: string;
  try {
    text = readFileSync(file.path, 'utf8');
  } catch {
    return []; // A missing file holds no profiles; the SDK treats it the same way.
  }
  return text.split(/\r?\n/).flatMap((line) => {
    const section = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line)?.[1];
    const profile = section === undefined ? undefined : file.profileOf(section);
    return profile === undefined ? [] : [profile];
  });
}

/** Throws a UsageError naming the files looked in (and the profiles they have) when `profile` is in none. */
export function assertProfileExists(profile: string, env: NodeJS.ProcessEnv): void {
  const files = sharedFiles(env);
  const known = [...new Set(files.flatMap(profilesIn))];
  if (known.includes(profile)) return;
  throw new UsageError(
    `AWS profile "${profile}" does not exist: it is not in ${files.map((f) => f.path).join(' or ')}` +
      `${known.length > 0 ? ` (profiles there: ${known.join(', ')})` : ' (no profiles there)'}. ` +
      `Create it with \`aws configure --profile ${profile}\` or \`aws configure sso\`, or pass another --profile.`,
  );
}
