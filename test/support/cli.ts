/** Runs the real session-guard command line in-process with captured output, or its bin in a process. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main, type CliDependencies } from '../../cli/main';
import type { CliIo } from '../../cli/io';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Questions the CLI asked on the terminal. */
  questions: string[];
}

export interface FakeTerminal {
  stdinIsTTY?: boolean;
  /** Whether stdout is a terminal, and how wide (columns). */
  stdoutIsTTY?: boolean;
  columns?: number;
  stderrIsTTY?: boolean;
  /** What the user types at each prompt. */
  answers?: string[];
  env?: NodeJS.ProcessEnv;
}

export async function runCli(
  argv: string[],
  terminal: FakeTerminal = {},
  dependencies?: CliDependencies,
): Promise<CliRun> {
  const run: CliRun = { code: -1, stdout: '', stderr: '', questions: [] };
  const answers = [...(terminal.answers ?? [])];
  const io: CliIo = {
    stdout: { write: (text) => void (run.stdout += text) },
    stderr: { write: (text) => void (run.stderr += text) },
    stdinIsTTY: terminal.stdinIsTTY ?? false,
    stdoutIsTTY: terminal.stdoutIsTTY ?? false,
    stdoutColumns: terminal.stdoutIsTTY ? (terminal.columns ?? 80) : undefined,
    stderrIsTTY: terminal.stderrIsTTY ?? false,
    env: terminal.env ?? {},
    async ask(question) {
      run.questions.push(question);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`unexpected question: ${question}`);
      return answer;
    },
  };
  run.code = await main(argv, io, dependencies);
  return run;
}

export interface BinRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const BIN = fileURLToPath(new URL('../../cli/session-guard.mjs', import.meta.url));

/**
 * Runs the `session-guard` bin as users do, in a process of its own with stdout and stderr piped,
 * and with only the environment given (plus PATH and HOME): no AWS settings of the machine leak in.
 */
export function runBin(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: BinRun = { code: null, stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ...run, code }));
  });
}
