/**
 * `npm run resolve-stack-trace -- <LogicalId> [file]`: turns the positions in a stack trace from a
 * function's logs (`file:///var/task/chunks/chunk-ABC.mjs:2:31817`) into source positions
 * (`functions/shared/adapters/config-service.ts:92:24`), reading the trace from the file or stdin.
 *
 * The functions ship external source maps: `.map` files beside the code, not linked from it, so
 * Node loads none on a cold start. This reads them from `.aws-sam/build/<LogicalId>/` (run
 * `sam build` or `npm run build` at the deployed commit first), or from the function's deployment
 * package, which holds the same files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { functionBuilds } from './build-functions';

const root = resolve(import.meta.dirname, '..');

/** Where Lambda unpacks a function's code. */
const LAMBDA_TASK_ROOT = '/var/task';

/**
 * Rewrites every `<codeRoot>/<file>.mjs:<line>:<column>` in `trace` whose file has a map in
 * `bundleDir` to `<source>:<line>:<column>`, paths relative to the repository. `codeRoot` is where
 * the code ran: `/var/task` on Lambda, or `bundleDir` itself locally.
 */
export function resolveStackTrace(
  trace: string,
  bundleDir: string,
  codeRoots: readonly string[] = [LAMBDA_TASK_ROOT, bundleDir],
): string {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (file: string) => {
    if (!maps.has(file)) {
      const path = join(bundleDir, `${file}.map`);
      maps.set(
        file,
        existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8')) as SourceMapPayload) : undefined,
      );
    }
    return maps.get(file);
  };
  const roots = codeRoots.map((r) => r.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const position = new RegExp(`(?:file://)?(?:${roots})/([^\\s:()"'\\\\]+\\.m?js):(\\d+):(\\d+)`, 'g');
  return trace.replace(position, (whole, file: string, line: string, column: string) => {
    // Stack traces count lines and columns from 1, source maps from 0.
    const entry = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry)) return whole;
    const source = relative(root, resolve(dirname(join(bundleDir, file)), entry.originalSource));
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

function main(argv: string[]): void {
  const [logicalId, file] = argv;
  const fn = functionBuilds().find((f) => f.logicalId === logicalId);
  if (!fn) {
    const known = functionBuilds()
      .map((f) => f.logicalId)
      .join(', ');
    throw new Error(
      'Usage: npm run resolve-stack-trace -- <LogicalId> [file]; ' +
        `LogicalId is one of ${known}, not ${logicalId ?? '(none)'}.`,
    );
  }
  if (!existsSync(join(fn.outdir, 'handler.mjs.map'))) {
    throw new Error(
      `No source maps in ${fn.outdir}: run \`npm run build\` (or \`sam build\`) at the commit that was deployed.`,
    );
  }
  process.stdout.write(resolveStackTrace(readFileSync(file ?? 0, 'utf8'), fn.outdir));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
