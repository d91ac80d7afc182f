/**
 * Runs npm scripts at the same time and fails if any fails: `npm test` type-checks and lints the
 * templates while vitest runs, instead of one after another. Each takes mostly one core (tsc,
 * cfn-lint) or waits on moto_server, so side by side the run takes about as long as vitest alone.
 *
 * The first script's output streams as it comes; every other script's is held and printed whole
 * after it, so outputs never interleave.
 *
 *   node scripts/run-side-by-side.mjs test:unit typecheck lint:templates
 */
import { spawn } from 'node:child_process';

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: node scripts/run-side-by-side.mjs <npm script> [<npm script>...]');
  process.exit(2);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs `npm run <script>`; resolves with its exit code (1 for a signal) and any held output. */
function run(script, streamed) {
  return new Promise((resolve) => {
    const child = spawn(npm, ['run', script], { stdio: streamed ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let held = '';
    child.stdout?.on('data', (chunk) => (held += chunk));
    child.stderr?.on('data', (chunk) => (held += chunk));
    child.on('error', (error) => {
      held += `Cannot run npm run ${script}: ${error.message}\n`;
    });
    child.on('close', (code, signal) => {
      resolve({ script, status: signal ? 1 : (code ?? 1), held });
    });
  });
}

const [first, ...rest] = scripts;
// The held scripts start first (they print only once the streamed one is done).
const results = await Promise.all([...rest.map((script) => run(script, false)), run(first, true)]);
for (const { script, status, held } of results.slice(0, -1)) {
  process.stdout.write(`\n> npm run ${script} (${status === 0 ? 'passed' : `failed, exit ${status}`})\n${held}`);
}
const failed = results.filter((r) => r.status !== 0);
if (failed.length > 0) {
  console.error(`\nFailed: ${failed.map((r) => `npm run ${r.script} (exit ${r.status})`).join(', ')}`);
  process.exit(1);
}
