/**
 * session-guard on the command line: the product's Config rules run ad hoc over the bundled sample
 * account or a live one (`scan`), on templates before they are deployed (`check`), on a saved
 * Config event (`evaluate`), and the instance-role remediation (`remediate`).
 *
 * Exit codes: 0 done; 1 `--fail-on non-compliant` found a NON_COMPLIANT resource (or remediation
 * was declined or failed for a role); 2 usage or access problems, with a message saying what to fix.
 */
import { Command, CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { checkCommand } from './commands/check';
import { evaluateCommand } from './commands/evaluate';
import { remediateCommand } from './commands/remediate';
import { scanCommand } from './commands/scan';
import { AwsAccessError, InputError } from '../functions/shared/errors';
import { type CliIo, EXIT_OK, EXIT_USAGE, processIo } from './io';
import type { RemediatorFactory } from './remediation/remediator';
import { describeAwsAccessError } from './sources/aws-errors';

export interface CliDependencies {
  readonly remediatorFor: RemediatorFactory;
}

/** The remediation service and its IAM client load when a role is changed, not on every start. */
const DEFAULT_DEPENDENCIES: CliDependencies = {
  remediatorFor(context) {
    const remediator = import('./remediation/remediator').then(({ createRoleRemediator }) =>
      createRoleRemediator(context),
    );
    return { remediate: async (role) => (await remediator).remediate(role) };
  },
};

export function buildProgram(
  io: CliIo,
  exit: (code: number) => void,
  dependencies: CliDependencies = DEFAULT_DEPENDENCIES,
): Command {
  const program = new Command('session-guard')
    .description(
      'Check that AWS Systems Manager Session Manager is set up ' +
        'safely, with the same rules session-guard deploys to AWS Config.',
    )
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    // Errors are returned, not exited on, so tests call main() in-process; settings reach every subcommand.
    .exitOverride()
    .version(packageJson.version, '-V, --version', 'print the session-guard version')
    .option('--debug', 'on an unexpected error, print its stack trace')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 done; 1 NON_COMPLIANT found with --fail-on non-compliant, or remediate declined or failed ' +
        "for a role; 2 usage or access problem.\nRun `session-guard <command> --help` for a command's options. " +
        'Full guide: docs/cli.md.',
    );
  scanCommand(program, io, exit);
  checkCommand(program, io, exit);
  evaluateCommand(program, io, exit);
  remediateCommand(program, io, exit, dependencies.remediatorFor);
  return program;
}

/** Runs one command line and returns its exit code; problems the user can fix are printed, not thrown. */
export async function main(
  argv: readonly string[],
  io: CliIo = processIo(),
  dependencies?: CliDependencies,
): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => (code = c), dependencies);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    // Commander has already printed its own message (unknown option, missing value, help).
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    // The user's to fix: a wrong flag, file, event or parameter, or an AWS call the credentials may not make.
    const usersToFix =
      error instanceof InputError
        ? error.message
        : error instanceof AwsAccessError
          ? describeAwsAccessError(error)
          : undefined;
    if (usersToFix !== undefined) {
      io.stderr.write(`session-guard: ${usersToFix}\n`);
      return EXIT_USAGE;
    }
    // Not the user's to fix: say what happened in one line; the stack only when asked for.
    const message = error instanceof Error ? error.message : String(error);
    if (program.opts<{ debug?: boolean }>().debug) {
      io.stderr.write(
        `session-guard: unexpected error: ${error instanceof Error ? (error.stack ?? message) : message}\n`,
      );
    } else {
      io.stderr.write(
        `session-guard: unexpected error: ${message}\nRun again with ` +
          '--debug for the stack trace, and please report it with that trace.\n',
      );
    }
    return EXIT_USAGE;
  }
}
