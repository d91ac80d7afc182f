/**
 * Runs a command with colour turned off (NO_COLOR=1, https://no-color.org) when stdout is not a
 * terminal, so `npm test` in CI or piped to a file logs plain text. vitest colours whenever
 * NO_COLOR is absent, terminal or not. FORCE_COLOR, when set, still wins.
 *
 *   node scripts/plain-when-piped.mjs vitest run
 */
import { spawn } from 'node:child_process';
import { delimiter, join, resolve } from 'node:path';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/plain-when-piped.mjs <command> [args...]');
  process.exit(2);
}
// The project's own tools first, as under `npm run`.
const env = {
  ...process.env,
  PATH: `${join(resolve(import.meta.dirname, '..'), 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
};
if (!process.stdout.isTTY && env.FORCE_COLOR === undefined) env.NO_COLOR = '1';

const child = spawn(command, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
child.on('error', (error) => {
  console.error(`Cannot run ${command}: ${error.message}`);
  process.exit(2);
});
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
