/**
 * The command line as one esbuild bundle, so `session-guard --help` starts in a fraction of the
 * time loading the TypeScript tree through tsx takes. `cli/session-guard.mjs` calls this on its own
 * whenever the bundle is missing or older than any file it was built from, so a clean clone, an
 * edited rule and `npm ci` with new dependencies all run current code without a build step to
 * remember. `npm run build:cli` builds it by hand.
 *
 * Plain JavaScript: the bin imports it without tsx.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');

/**
 * The bundle sits one folder below cli/, at the same depth as the sources that find files next to
 * them by `import.meta.url` (the sample account), so those paths resolve as they do from source.
 */
const OUTDIR = join(root, 'cli', '.build');
export const CLI_BUNDLE = join(OUTDIR, 'session-guard.mjs');
/** What the bundle was built from, for the freshness check. */
const INPUTS = join(OUTDIR, 'inputs.json');
/** Installing other dependency versions rewrites this file; the bundle holds the old ones. */
const INSTALLED = 'node_modules/.package-lock.json';

/** Whether the bundle exists and no file it was built from changed since. Cheap: a stat per source file. */
export function cliBundleIsFresh() {
  let built;
  let inputs;
  try {
    built = statSync(CLI_BUNDLE).mtimeMs;
    inputs = JSON.parse(readFileSync(INPUTS, 'utf8'));
  } catch {
    return false;
  }
  return inputs.every((input) => {
    try {
      return statSync(join(root, input)).mtimeMs <= built;
    } catch {
      return false; // A source that is gone: rebuild, and let esbuild say what is missing.
    }
  });
}

export async function buildCli() {
  const started = new Date();
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: { 'session-guard': join(root, 'cli', 'main.ts') },
    absWorkingDir: root,
    bundle: true,
    // What the CLI imports lazily (the account sources, and with them the AWS SDK) goes to chunks
    // of its own, so `--help` and usage errors load only commander and the checks.
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The AWS SDK is CommonJS inside; ESM output needs a require of its own.
    banner: {
      js:
        'import { createRequire as __sessionGuardCreateRequire } from ' +
        "'node:module'; const require = __sessionGuardCreateRequire(import.meta.url);",
    },
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked',
    metafile: true,
    write: false,
    outdir: OUTDIR,
    logLevel: 'silent',
  });
  mkdirSync(OUTDIR, { recursive: true });
  // Several processes may build at once (parallel test files): each writes its own files and
  // renames them into place, so nobody loads half a bundle. Chunks are named by their content.
  for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
  // Stamped with the build's start: a source saved while esbuild ran is newer, and triggers a rebuild.
  utimesSync(CLI_BUNDLE, started, started);
  const sources = new Set(
    Object.values(result.metafile.outputs)
      .flatMap((output) => Object.keys(output.inputs))
      .filter((input) => !input.startsWith('node_modules/')),
  );
  writeAtomically(INPUTS, JSON.stringify([...sources, 'package.json', INSTALLED]));
  removeOldChunks(new Set(result.outputFiles.map((file) => file.path)));
  return CLI_BUNDLE;
}

/** Chunks of earlier builds, which no bundle imports any more; a minute's grace for a run still loading them. */
function removeOldChunks(current) {
  for (const name of readdirSync(OUTDIR)) {
    const path = join(OUTDIR, name);
    if (name.startsWith('chunk-') && !current.has(path) && statSync(path).mtimeMs < Date.now() - 60_000)
      rmSync(path, { force: true });
  }
}

function writeAtomically(path, contents) {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, contents);
  renameSync(partial, path);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const bundle = await buildCli();
  console.log(`Built ${relative(root, bundle)} in ${Math.round(performance.now() - started)} ms`);
}
