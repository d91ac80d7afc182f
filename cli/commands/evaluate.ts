/**
 * `session-guard evaluate --event FILE`: a rule on a saved Config event, through the same plumbing
 * the Lambda uses (evaluateConfigRuleEvent), printing the evaluations it would send. The local test
 * loop `rdk test-local` gives Python rules.
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { type Evaluation, MAX_ANNOTATION_LENGTH } from '../../functions/shared/core/compliance';
import {
  type ConfigRuleEvent,
  InvalidEventError,
  parseConfigRuleEvent,
} from '../../functions/shared/config-rule/event';
import { evaluateConfigRuleEvent } from '../../functions/shared/config-rule/run';
import type { Check } from '../checks/check';
import { CHECKS, checkIds, checksForResourceType, findCheck } from '../checks/registry';
import { type CliIo, EXIT_OK, formatJson, stdoutStyle, type TextStyle, UsageError } from '../io';
import { count, fitText, renderTable, verdictsIn } from '../report/table';
import { accountSource, addSourceOptions, type SourceFlags } from './source-options';

interface EvaluateFlags extends SourceFlags {
  event: string;
  rule?: string;
  json?: boolean;
}

export function evaluateCommand(program: Command, io: CliIo, exit: (code: number) => void): Command {
  const command = program
    .command('evaluate')
    .description(
      'Run a rule on a saved AWS Config rule event (the Lambda event) ' +
        'and print the evaluations it would send to PutEvaluations. ' +
        "Without --rule, the rule is the one for the event's resource type, or, where that is " +
        "not enough (AWS::IAM::Role, scheduled events), the one the event's configRuleName names. " +
        'Oversized and scheduled events read the account (the bundled sample unless --live).',
    )
    .requiredOption(
      '--event <file>',
      'the Config rule event as JSON, as Lambda receives it (invokingEvent and ruleParameters are JSON text)',
    )
    .addOption(
      new Option(
        '--rule <id>',
        "the rule to run (default: the rule for the event's resource type, else the one its configRuleName names)",
      ).choices(checkIds()),
    )
    .option('--json', 'print the PutEvaluations request as JSON');
  addSourceOptions(command);
  return command.action(async (flags: EvaluateFlags) => {
    const event = readEvent(flags.event);
    const check = chooseCheck(event, flags.rule, io);
    const source = await accountSource(flags, io);
    // Config's adapter brings the SDK; loaded here, it stays out of `--help` and usage errors.
    const configService = await import('../../functions/shared/adapters/config-service');
    // The rule's own errors about the event (InputError) reach the user as they would in Config.
    const evaluations = await evaluateConfigRuleEvent(check.rule(source), event, source.config);
    const testMode = event.resultToken === configService.TEST_MODE_RESULT_TOKEN;
    io.stdout.write(
      flags.json
        ? formatJson(putEvaluationsRequest(evaluations, event, testMode, configService.toSdkEvaluation))
        : renderEvaluations(check, event, evaluations, testMode, stdoutStyle(io)),
    );
    exit(EXIT_OK);
  });
}

function readEvent(path: string): ConfigRuleEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `Cannot read the event file ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    return parseConfigRuleEvent(raw);
  } catch (error) {
    if (error instanceof InvalidEventError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
}

/**
 * The check a saved event is for: the one --rule names; else the one check scoped to the event's
 * resource type. When several are (AWS::IAM::Role: instance-role and ssm-access), or the event is a
 * ScheduledNotification, which names no resource, the event's configRuleName decides:
 * CloudFormation names a rule `<stack>-<LogicalId>-<suffix>`, and session-guard never sets a fixed
 * name, so the name carries the rule's logical ID in template.yaml. Anything else needs --rule.
 */
export function chooseCheck(event: ConfigRuleEvent, ruleId: string | undefined, io: Pick<CliIo, 'stderr'>): Check {
  if (ruleId) return findCheck(ruleId);
  const invoking = event.invokingEvent;
  const resourceType =
    invoking.messageType === 'ScheduledNotification'
      ? undefined
      : invoking.messageType === 'ConfigurationItemChangeNotification'
        ? invoking.configurationItem.resourceType
        : invoking.configurationItemSummary.resourceType;
  const candidates = resourceType === undefined ? CHECKS : checksForResourceType(resourceType);
  if (candidates.length === 0)
    throw new UsageError(
      `No rule evaluates ${resourceType}: pass --rule (one of ${checkIds().join(', ')}) to see how a rule treats it.`,
    );
  const [only] = candidates;
  if (only && candidates.length === 1) return only;

  const named = candidates.filter((check) => event.configRuleName.split('-').includes(check.logicalId));
  const [chosen] = named;
  if (chosen && named.length === 1) {
    io.stderr.write(
      `Note: running ${chosen.id}: the event's configRuleName ${event.configRuleName} ` +
        `is session-guard's ${chosen.logicalId}. Pass --rule to run another.\n`,
    );
    return chosen;
  }
  const ids = candidates.map((c) => c.id);
  const why =
    resourceType === undefined
      ? 'A ScheduledNotification event names no resource'
      : `${resourceType} is evaluated by ${ids.join(' and ')}`;
  throw new UsageError(
    `${why}, and the event's configRuleName "${event.configRuleName}" is not one of session-guard's rules ` +
      `(${candidates.map((c) => `<stack>-${c.logicalId}-<suffix>`).join(', ')}): ` +
      `pass --rule ${ids.join(' or --rule ')}.`,
  );
}

type ConfigServiceAdapter = typeof import('../../functions/shared/adapters/config-service');

/** What the Lambda would send: PutEvaluations' request, annotations clipped as Config gets them. */
function putEvaluationsRequest(
  evaluations: readonly Evaluation[],
  event: ConfigRuleEvent,
  testMode: boolean,
  toSdkEvaluation: ConfigServiceAdapter['toSdkEvaluation'],
) {
  return { Evaluations: evaluations.map(toSdkEvaluation), ResultToken: event.resultToken, TestMode: testMode };
}

function renderEvaluations(
  check: Check,
  event: ConfigRuleEvent,
  evaluations: readonly Evaluation[],
  testMode: boolean,
  style: TextStyle,
): string {
  const table = renderTable(
    ['RESOURCE TYPE', 'RESOURCE ID', 'COMPLIANCE', 'ORDERING TIMESTAMP', 'ANNOTATION'],
    evaluations.map((e) => [
      e.resourceType,
      e.resourceId,
      e.compliance,
      e.orderingTimestamp.toISOString(),
      e.annotation,
    ]),
    { style, colourOf: verdictsIn(2) },
  );
  const long = evaluations.filter((e) => e.annotation.length > MAX_ANNOTATION_LENGTH).length;
  const clipped =
    long > 0
      ? `\n${fitText(
          `${count(long, 'annotation')} shown in full above ${long === 1 ? 'is' : 'are'} longer than ` +
            `Config's ${MAX_ANNOTATION_LENGTH} characters; --json shows the clipped text Config receives.`,
          style,
        )}\n`
      : '';
  const heading =
    `${check.id} on ${event.invokingEvent.messageType} for rule ${event.configRuleName}: ` +
    `${count(evaluations.length, 'evaluation')} the Lambda would send to ` +
    `PutEvaluations${testMode ? ' (TestMode)' : ''}`;
  return `${fitText(heading, style)}\n\n${table}\n${clipped}`;
}
