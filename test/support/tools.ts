/**
 * The outside tools some suites need (moto_server, cfn-lint, the SAM translator, Chromium).
 *
 * On a developer's machine a missing tool skips the suites that need it, with a warning that says
 * how to get it. Under `CI=true` a missing tool fails the run instead: a green CI must mean every
 * tier ran, not that the integration tier was quietly left out.
 */
import { spawnSync } from 'node:child_process';

export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

/** Whether the tool is there; throws under CI when it is not. `howToGet` completes "Install it ...". */
export function requireTool(what: string, found: boolean, howToGet: string): boolean {
  if (found) return true;
  const message = `${what} is missing: ${howToGet}`;
  if (process.env.CI === 'true') throw new MissingToolError(`${message} (CI=true: a missing tool fails the run, it is never skipped).`);
  console.warn(`SKIPPED: ${message}. The suites that need it are skipped on this machine; CI fails without it.`);
  return false;
}

/** Whether `command args` runs and exits 0. */
export function commandRuns(command: string, args: readonly string[]): boolean {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** cfn-lint, from the machine's Python; the template tests lint what they generate with it. */
export function cfnLintAvailable(): boolean {
  return requireTool('cfn-lint', commandRuns('cfn-lint', ['--version']), 'install it with `pip install cfn-lint`');
}

/** The SAM translator (a cfn-lint dependency), which expands template.yaml as CloudFormation would. */
export function samTranslatorAvailable(): boolean {
  return requireTool(
    'the SAM translator (Python module samtranslator)',
    commandRuns('python3', ['-c', 'import samtranslator']),
    'install it with `pip install cfn-lint` (it depends on aws-sam-translator)',
  );
}
