/**
 * The outside tools some suites need (Python, moto_server, cfn-lint, the SAM translator, Chromium).
 *
 * The global setup probes the machine once per run (`probeToolbox`) and hands the result to every
 * test file (`toolbox()`): probing in each file cost a Python start-up or two per file. Python
 * tools resolve to the console scripts beside the interpreter `python3` runs, so each use starts
 * the tool itself rather than a version manager's shim (a pyenv shim adds about half a second
 * of CPU per call).
 *
 * On a developer's machine a missing tool skips the suites that need it, and the run ends with one
 * `SKIPPED:` line saying what did not run and how to get the tool (test/support/skipped-summary.ts).
 * Under `CI=true` a missing tool fails the run instead: a green CI must mean every tier ran, not
 * that the integration tier was quietly left out.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    toolbox: Toolbox;
  }
}

/** Where each tool runs from (an absolute path, or a command on PATH), or undefined when missing. */
export interface Toolbox {
  readonly python3?: string | undefined;
  /** Python's own TOML reader (3.11 and later), which SAM CLI reads samconfig.toml with. */
  readonly pythonReadsToml: boolean;
  readonly motoServer?: string | undefined;
  readonly cfnLint?: string | undefined;
  /** The SAM translator (a cfn-lint dependency), importable by `python3`. */
  readonly samTranslator: boolean;
  readonly chromium?: string | undefined;
}

export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

/** A tool the toolbox lacks, said the way the run's closing `SKIPPED:` line says it. */
export interface MissingTool {
  readonly what: string;
  /** Completes "Install it ...". */
  readonly howToGet: string;
}

export const TOOLS = {
  python3: { what: 'python3', howToGet: 'install Python 3.11 or later' },
  pythonReadsToml: { what: 'Python 3.11+ (tomllib)', howToGet: 'install Python 3.11 or later as python3' },
  motoServer: {
    what: 'moto_server (the AWS API emulator the integration tests talk HTTP to)',
    howToGet: 'install it with `pip install "moto[server]"` (Python 3)',
  },
  cfnLint: { what: 'cfn-lint', howToGet: 'install it with `pip install cfn-lint`' },
  samTranslator: {
    what: 'the SAM translator (Python module samtranslator)',
    howToGet: 'install it with `pip install cfn-lint` (it depends on aws-sam-translator)',
  },
  chromium: {
    what: "Chromium (/usr/bin/chromium, Debian's package)",
    howToGet: 'install it with `apt-get install -y chromium`',
  },
} as const satisfies Record<keyof Toolbox, MissingTool>;

/** The tools this machine lacks. */
export function missingTools(box: Toolbox): MissingTool[] {
  return (Object.keys(TOOLS) as (keyof Toolbox)[]).filter((key) => !box[key]).map((key) => TOOLS[key]);
}

/** Whether the tool is there; throws under CI when it is not. */
export function requireTool<K extends keyof Toolbox>(key: K): boolean {
  if (toolbox()[key]) return true;
  const { what, howToGet } = TOOLS[key];
  if (process.env.CI === 'true') {
    throw new MissingToolError(
      `${what} is missing: ${howToGet} (CI=true: a missing tool fails the run, it is never skipped).`,
    );
  }
  return false;
}

/** What the global setup found; outside a vitest run (a script importing test support), a fresh probe. */
export function toolbox(): Toolbox {
  let provided: Toolbox | undefined;
  try {
    provided = inject('toolbox');
  } catch {
    // Not inside a vitest worker.
  }
  return provided ?? (probed ??= probeToolbox());
}
let probed: Toolbox | undefined;

/** Whether `command args` runs and exits 0. */
export function commandRuns(command: string, args: readonly string[]): boolean {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** One Python start-up finds the interpreter, its scripts folder and the modules the tests need. */
const PYTHON_PROBE = `
import importlib.util, json, sys, sysconfig
found = lambda name: importlib.util.find_spec(name) is not None
print(json.dumps({"python": sys.executable, "scripts": sysconfig.get_path("scripts"), "tomllib": found("tomllib"), "samtranslator": found("samtranslator")}))
`;

interface PythonFacts {
  python: string;
  scripts: string;
  tomllib: boolean;
  samtranslator: boolean;
}

/** Probes the machine for every tool (a Python start-up, plus one per tool found only on PATH). */
export function probeToolbox(): Toolbox {
  const run = spawnSync('python3', ['-c', PYTHON_PROBE], { encoding: 'utf8' });
  const python = run.error === undefined && run.status === 0 ? (JSON.parse(run.stdout) as PythonFacts) : undefined;
  /** The console script beside the interpreter, else the command on PATH if it runs. */
  const script = (name: string, probeArgs: readonly string[]) => {
    const beside = python && join(python.scripts, name);
    if (beside && existsSync(beside)) return beside;
    return commandRuns(name, probeArgs) ? name : undefined;
  };
  return {
    python3: python?.python,
    pythonReadsToml: python?.tomllib ?? false,
    motoServer: script('moto_server', ['--help']),
    cfnLint: script('cfn-lint', ['--version']),
    samTranslator: python?.samtranslator ?? false,
    chromium: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
  };
}

/** The tool's path; call after `requireTool` said it is there. */
export function toolPath(key: 'python3' | 'motoServer' | 'cfnLint' | 'chromium'): string {
  const path = toolbox()[key];
  if (!path) throw new MissingToolError(`${TOOLS[key].what} is missing: ${TOOLS[key].howToGet}.`);
  return path;
}

/** Runs a tool to its end without blocking the test file; its stdout and stderr come back together. */
export function runTool(
  key: 'python3' | 'motoServer' | 'cfnLint',
  args: readonly string[],
): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(toolPath(key), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, output }));
  });
}
