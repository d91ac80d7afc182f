/** Runs the real session-guard command line in-process with captured output. */
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

export async function runCli(argv: string[], terminal: FakeTerminal = {}, dependencies?: CliDependencies): Promise<CliRun> {
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
