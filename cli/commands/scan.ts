/** `session-guard scan`: every check over one account, as a table, JSON, and/or an HTML page. */
import { type Command, Option } from 'commander';
import { type Check, type CheckResult, MissingParameterError, runCheck } from '../checks/check';
import { CHECKS, checkIds, findCheck } from '../checks/registry';
import { type CliIo, EXIT_FINDINGS, EXIT_OK, formatJson, Progress, stdoutStyle, writeReportFile } from '../io';
import { renderScanHtml } from '../report/html';
import { allResults, type ScanReport, scanReportJson, type SkippedCheck } from '../report/scan-report';
import { renderScanText } from '../report/table';
import type { AccountSource } from '../sources/account-source';
import { accountSource, addSourceOptions, type SourceFlags } from './source-options';

interface ScanFlags extends SourceFlags {
  rule?: string[];
  json?: boolean;
  html?: string;
  failOn: 'never' | 'non-compliant';
  [parameterFlag: string]: unknown;
}

export function scanCommand(program: Command, io: CliIo, exit: (code: number) => void): Command {
  const command = program
    .command('scan')
    .description(
      "Run the checks over one account (the bundled sample unless --live) and report each resource's verdict. " +
        'A check whose required parameter is neither given nor found in a deployed stack (instance-role ' +
        'without --policy-arn) is skipped, with a note on stderr, unless --rule asks for it.',
    )
    .addOption(new Option('--rule <id...>', 'only these checks').choices(checkIds()))
    .option('--json', 'print the report as JSON on stdout instead of tables')
    .option('--html <file>', 'also write a self-contained HTML report to FILE')
    .addOption(
      new Option('--fail-on <when>', 'exit 1 when a resource is NON_COMPLIANT (for pipelines)')
        .choices(['never', 'non-compliant'])
        .default('never'),
    );
  addSourceOptions(command);
  addCheckParameterOptions(command);
  return command.action(async (flags: ScanFlags) => {
    const report = await scan(await accountSource(flags, io), selectedChecks(flags.rule), flags, io, {
      skipUnconfigured: !flags.rule,
    });
    if (flags.json) io.stdout.write(formatJson(scanReportJson(report)));
    else io.stdout.write(renderScanText(report, stdoutStyle(io)));
    if (flags.html) {
      writeReportFile(flags.html, renderScanHtml(report), 'HTML report');
      io.stderr.write(`HTML report written to ${flags.html}\n`);
    }
    const failing =
      flags.failOn === 'non-compliant' && allResults(report).some((r) => r.compliance === 'NON_COMPLIANT');
    exit(failing ? EXIT_FINDINGS : EXIT_OK);
  });
}

/** Each check's InputParameters as flags (e.g. --policy-arn), from the registry. */
export function addCheckParameterOptions(command: Command, checks: readonly Check[] = CHECKS): void {
  for (const check of checks) {
    for (const parameter of check.parameters)
      command.addOption(new Option(parameter.flag, `${check.id}: ${parameter.description}`));
  }
}

export interface ScanOptions {
  /**
   * Run the other checks when one lacks a required parameter, instead of stopping: a plain `scan`
   * of an account without session-guard deployed still reports SSM access and preferences. A
   * check named with --rule was asked for, so its missing parameter stays an error.
   */
  readonly skipUnconfigured: boolean;
}

export async function scan(
  source: AccountSource,
  checks: readonly Check[],
  flags: Readonly<Record<string, unknown>>,
  io: CliIo,
  { skipUnconfigured }: ScanOptions = { skipUnconfigured: false },
): Promise<ScanReport> {
  const progress = new Progress(io);
  const results: CheckResult[] = [];
  const skipped: SkippedCheck[] = [];
  for (const check of checks) {
    progress.update(`Running ${check.id}…`);
    try {
      const run = await runCheck(check, source, flags);
      progress.done();
      for (const note of run.notes) io.stderr.write(`Note: ${note}\n`);
      results.push(run);
    } catch (error) {
      if (!(skipUnconfigured && error instanceof MissingParameterError)) throw error;
      progress.done();
      io.stderr.write(`Skipped ${check.id} (${check.title}). ${error.message}\n`);
      skipped.push({ id: check.id, title: check.title, reason: error.message });
    } finally {
      progress.done();
    }
  }
  return {
    account: { id: await source.accountId(), source: source.kind, description: source.description },
    generatedAt: new Date().toISOString(),
    checks: results,
    skipped,
  };
}

const selectedChecks = (ids: string[] | undefined): readonly Check[] => (ids ? ids.map((id) => findCheck(id)) : CHECKS);
