/** `session-guard scan`: every check over one account, as a table, JSON, and/or an HTML page. */
import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { type Check, type CheckResult, runCheck } from '../checks/check';
import { CHECKS, checkIds, findCheck } from '../checks/registry';
import { type CliIo, EXIT_FINDINGS, EXIT_OK, Progress, UsageError } from '../io';
import { renderScanHtml } from '../report/html';
import { allResults, type ScanReport, scanReportJson } from '../report/scan-report';
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
    .description('Run the checks over one account (the bundled sample unless --live) and report each resource\'s verdict.')
    .addOption(new Option('--rule <id...>', 'only these checks').choices(checkIds()))
    .option('--json', 'print the report as JSON on stdout instead of tables')
    .option('--html <file>', 'also write a self-contained HTML report to FILE')
    .addOption(new Option('--fail-on <when>', 'exit 1 when a resource is NON_COMPLIANT (for pipelines)').choices(['never', 'non-compliant']).default('never'));
  addSourceOptions(command);
  addCheckParameterOptions(command);
  return command.action(async (flags: ScanFlags) => {
    const report = await scan(accountSource(flags, io), selectedChecks(flags.rule), flags, io);
    if (flags.json) io.stdout.write(`${JSON.stringify(scanReportJson(report), null, 2)}\n`);
    else io.stdout.write(renderScanText(report));
    if (flags.html) {
      writeReport(flags.html, renderScanHtml(report));
      io.stderr.write(`HTML report written to ${flags.html}\n`);
    }
    const failing = flags.failOn === 'non-compliant' && allResults(report).some((r) => r.compliance === 'NON_COMPLIANT');
    exit(failing ? EXIT_FINDINGS : EXIT_OK);
  });
}

/** Each check's InputParameters as flags (e.g. --policy-arn), from the registry. */
export function addCheckParameterOptions(command: Command, checks: readonly Check[] = CHECKS): void {
  for (const check of checks) {
    for (const parameter of check.parameters) command.addOption(new Option(parameter.flag, `${check.id}: ${parameter.description}`));
  }
}

export async function scan(source: AccountSource, checks: readonly Check[], flags: Readonly<Record<string, unknown>>, io: CliIo): Promise<ScanReport> {
  const progress = new Progress(io);
  const results: CheckResult[] = [];
  for (const check of checks) {
    progress.update(`Running ${check.id}…`);
    try {
      const run = await runCheck(check, source, flags);
      progress.done();
      for (const note of run.notes) io.stderr.write(`Note: ${note}\n`);
      results.push(run);
    } finally {
      progress.done();
    }
  }
  return {
    account: { id: await source.accountId(), source: source.kind, description: source.description },
    generatedAt: new Date().toISOString(),
    checks: results,
  };
}

const selectedChecks = (ids: string[] | undefined): readonly Check[] => (ids ? ids.map((id) => findCheck(id)) : CHECKS);

function writeReport(path: string, html: string): void {
  try {
    writeFileSync(path, html);
  } catch (error) {
    throw new UsageError(`Cannot write the HTML report to ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

