/**
 * Vitest global setup: bundle every function from template.yaml first, so the tests that load
 * `.aws-sam/build/<LogicalId>/handler.mjs` run exactly what SAM would deploy. Also what a built
 * function weighs, for the bundle-size test and `npm run bench`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildFunction, type FunctionBuild, functionBuilds } from '../../scripts/build-functions';

const root = resolve(import.meta.dirname, '../..');

export default async function setup(): Promise<void> {
  await Promise.all(functionBuilds().map(buildUnlessUnchanged));
}

/**
 * Builds the function unless its last build was made from exactly what is there now: the same
 * esbuild command line, the same installed packages, and every file its esbuild metafile lists
 * byte for byte the same. A repeated run then spends nothing on bundling; a clean clone, or any
 * change to a file the bundle holds, builds as `sam build` would.
 */
async function buildUnlessUnchanged(fn: FunctionBuild): Promise<void> {
  const stamp = `${fn.metafile}.sha256`;
  if (
    existsSync(stamp) &&
    existsSync(builtHandlerPath(fn.logicalId)) &&
    readFileSync(stamp, 'utf8') === buildFingerprint(fn)
  )
    return;
  await buildFunction(fn);
  writeFileSync(stamp, buildFingerprint(fn));
}

/** A hash of the command line, the installed packages, and every input of the function's last build. */
function buildFingerprint(fn: FunctionBuild): string {
  const hash = createHash('sha256').update(JSON.stringify(fn.args));
  const add = (path: string) => hash.update(`\0${path}\0${fileDigest(path)}`);
  [join(root, 'package.json'), join(root, 'tsconfig.json'), join(root, 'node_modules', '.package-lock.json')].forEach(
    add,
  );
  const { inputs } = JSON.parse(readFileSync(fn.metafile, 'utf8')) as Metafile;
  for (const input of Object.keys(inputs).sort()) add(join(fn.workingDirectory, input));
  return hash.digest('hex');
}

/** The functions share most of their inputs (the SDK, the shared code): read each file once. */
const fileDigests = new Map<string, string>();
function fileDigest(path: string): string {
  let digest = fileDigests.get(path);
  if (digest === undefined) {
    digest = existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'missing';
    fileDigests.set(path, digest);
  }
  return digest;
}

/** The built bundle of a function, as SAM would deploy it. */
export function builtHandlerPath(logicalId: string): string {
  const fn = functionBuilds().find((f) => f.logicalId === logicalId);
  if (!fn) throw new Error(`template.yaml has no esbuild function ${logicalId}`);
  return `${fn.outdir}/handler.mjs`;
}

export interface BundleWeight {
  /** The entry file and every chunk it imports statically: the code that loads before the handler runs. */
  readonly loadedAtStartBytes: number;
  /** npm packages with code in those files. */
  readonly packagesLoadedAtStart: ReadonlySet<string>;
  /** npm packages with code anywhere in the folder, chunks loaded later included. */
  readonly packagesInFolder: ReadonlySet<string>;
  /** Everything in the function's folder except source maps: what Lambda unzips. */
  readonly folderBytes: number;
  readonly sourceMapBytes: number;
  /** Code files in the folder: the entry plus its chunks. */
  readonly codeFiles: number;
}

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<
    string,
    { bytes: number; entryPoint?: string; inputs: Record<string, unknown>; imports: { path: string; kind: string }[] }
  >;
}

/** Reads a built function's folder and esbuild metafile (run buildFunctions first). */
export function bundleWeight(fn: FunctionBuild): BundleWeight {
  const meta = JSON.parse(readFileSync(fn.metafile, 'utf8')) as Metafile;
  // A chunk reached through import() is an entry point to esbuild too; only the function's own entries load at start.
  const entries = Object.keys(meta.outputs).filter((path) =>
    fn.entryPoints.includes(meta.outputs[path]!.entryPoint ?? ''),
  );
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    // Only static imports load with the entry; import() expressions load when their code runs.
    for (const imported of meta.outputs[path]?.imports ?? [])
      if (imported.kind === 'import-statement' && meta.outputs[imported.path]) visit(imported.path);
  };
  entries.forEach(visit);

  const packagesLoadedAtStart = new Set(
    [...loaded].flatMap((path) => Object.keys(meta.outputs[path]!.inputs).flatMap(packageOf)),
  );
  const packagesInFolder = new Set(
    Object.values(meta.outputs).flatMap((output) => Object.keys(output.inputs).flatMap(packageOf)),
  );
  const files = readdirSync(fn.outdir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(fn.outdir, name))
    .filter((path) => statSync(path).isFile());
  const bytes = (paths: string[]) => paths.reduce((sum, path) => sum + statSync(path).size, 0);
  const sourceMaps = files.filter((path) => path.endsWith('.map'));
  const code = files.filter((path) => !path.endsWith('.map'));
  return {
    loadedAtStartBytes: [...loaded].reduce((sum, path) => sum + meta.outputs[path]!.bytes, 0),
    packagesLoadedAtStart,
    packagesInFolder,
    folderBytes: bytes(code),
    sourceMapBytes: bytes(sourceMaps),
    codeFiles: code.length,
  };
}

/** `node_modules/@aws-sdk/client-iam/dist-es/x.js` -> `@aws-sdk/client-iam`; own source -> nothing. */
function packageOf(input: string): string[] {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match ? [match[1]!] : [];
}
