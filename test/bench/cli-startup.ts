/**
 * How long `session-guard --help` and `--version` take, as users run them: the bin, from its
 * bundle with the AWS SDK in lazily loaded chunks (scripts/build-cli.mjs), against the same CLI
 * loaded from its TypeScript sources through tsx (how the bin ran before it had a bundle). Each is
 * the median of several runs in a fresh process; the machine's load moves both alike.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const RUNS = 7;
const QUIET_IO =
  "{ stdout: { write() {} }, stderr: { write() {} }, env: {}, stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false, ask: async () => '' }";

function medianMs(args: readonly string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    times.push(performance.now() - started);
    if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)] ?? Number.NaN;
}

const fromSource = (argv: string) => [
  '--input-type=module',
  '-e',
  `const { tsImport } = await import('tsx/esm/api'); const { main } = await tsImport('./cli/main.ts', import.meta.url); process.exitCode = await main(${argv}, ${QUIET_IO});`,
];

export function benchCliStartup(): void {
  // The first run builds the bundle if sources changed; it is not timed.
  spawnSync(process.execPath, ['cli/session-guard.mjs', '--version'], { cwd: root });
  const bundledHelp = medianMs(['cli/session-guard.mjs', '--help']);
  const bundledVersion = medianMs(['cli/session-guard.mjs', '--version']);
  const sourceHelp = medianMs(fromSource("['--help']"));
  console.log(`command line start-up (median of ${RUNS} runs, fresh process each)`);
  console.log(
    `  session-guard --help:      ${Math.round(bundledHelp)} ms (bin, bundled; from source through tsx: ${Math.round(sourceHelp)} ms, ${(sourceHelp / bundledHelp).toFixed(1)}x)`,
  );
  console.log(`  session-guard --version:   ${Math.round(bundledVersion)} ms`);
}
