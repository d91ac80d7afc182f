/**
 * What the command line touches of its process: output streams, whether they are terminals, the
 * environment, and a way to ask a yes/no question. Commands take a `CliIo`, so tests run the real
 * commands with captured output instead of spawning a process each time.
 */
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { InputError } from '../functions/shared/errors';

export interface CliIo {
  readonly stdout: { write(text: string): void };
  readonly stderr: { write(text: string): void };
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** The terminal's width when stdout is one. */
  readonly stdoutColumns?: number;
  readonly env: NodeJS.ProcessEnv;
  /** Asks a question on the terminal and returns the answer line. */
  ask(question: string): Promise<string>;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdoutColumns: process.stdout.isTTY ? process.stdout.columns : undefined,
    env: process.env,
    async ask(question) {
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await prompt.question(question);
      } finally {
        prompt.close();
      }
    },
  };
}

/**
 * How text for stdout is laid out: on a terminal, tables fit its width and verdicts are coloured;
 * piped into a file, a log or another program, every row stays on one plain line.
 */
export interface TextStyle {
  /** Columns to fit tables into; undefined: never wrap. */
  readonly width?: number;
  readonly colour: boolean;
}

export function stdoutStyle(io: Pick<CliIo, 'stdoutIsTTY' | 'stdoutColumns' | 'env'>): TextStyle {
  return { width: io.stdoutIsTTY ? io.stdoutColumns : undefined, colour: wantsColour(io.stdoutIsTTY, io.env) };
}

/**
 * Colour as Node itself decides it (https://nodejs.org/api/cli.html#force_color1-2-3): FORCE_COLOR
 * set to 1, 2, 3, true or empty turns it on even in a pipe and wins over NO_COLOR, any other value
 * turns it off; otherwise NO_COLOR, when present and not empty, turns it off (https://no-color.org);
 * otherwise only a terminal that is not TERM=dumb gets colour.
 */
export function wantsColour(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return ['', '1', '2', '3', 'true'].includes(force);
  if (env.NO_COLOR) return false;
  return isTTY && env.TERM !== 'dumb';
}

/** Exit codes: 0 success, 1 `--fail-on` tripped, 2 usage or access problems. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/**
 * A problem the user can fix (a missing option, a denied permission, an unreadable file). The CLI
 * prints its message and exits 2; anything else is a bug and is shown with its stack.
 */
export class UsageError extends InputError {
  override name = 'UsageError';
}

/**
 * A one-line status on stderr that rewrites itself, for long reads of large accounts. Only on a
 * terminal: in a pipeline or a log it would be noise.
 */
export class Progress {
  private shown = false;

  constructor(private readonly io: Pick<CliIo, 'stderr' | 'stderrIsTTY'>) {}

  update(text: string): void {
    if (!this.io.stderrIsTTY) return;
    this.io.stderr.write(`\r\x1b[K${text}`);
    this.shown = true;
  }

  done(): void {
    if (!this.shown) return;
    this.io.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}

/** Writes a report the user asked for (`--html`, `--sarif`); a path that cannot be written is theirs to fix. */
/** JSON as the commands print and write it: indented two spaces, ending in a newline. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function writeReportFile(path: string, text: string, what: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new UsageError(
      `Cannot write the ${what} to ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
