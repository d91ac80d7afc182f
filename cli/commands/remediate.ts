/**
 * `session-guard remediate --role NAME | --all`: attach the instance policy to the roles the
 * instance-role rule finds NON_COMPLIANT. The plan comes from the rule's own verdicts; the change
 * is made by the remediation service the Lambda uses. Asks before changing anything unless --yes.
 */
import type { Command } from 'commander';
import type { InstanceRoleRuleParameters } from '../../functions/instance-role-rule/rule';
import type { InstanceRolePolicy } from '../../functions/shared/core/instance-role';
import { type ResourceResult, runCheck } from '../checks/check';
import { instanceRoleCheck } from '../checks/instance-role';
import { AwsAccessError } from '../../functions/shared/errors';
import { type CliIo, EXIT_FINDINGS, EXIT_OK, formatJson, stdoutStyle, type TextStyle, UsageError } from '../io';
import { describeAwsAccessError } from '../sources/aws-errors';
import { PolicyNotFoundError, type RemediationAction } from '../../functions/attach-policy/remediate';
import type { RemediatorFactory, RoleRemediator } from '../remediation/remediator';
import { type Colour, count, fitText, renderTable } from '../report/table';
import { addCheckParameterOptions } from './scan';
import { accountSource, addSourceOptions, liveOptions, type SourceFlags } from './source-options';

interface RemediateFlags extends SourceFlags {
  role?: string;
  all?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
  [parameterFlag: string]: unknown;
}

/** How a run ended, as `--json` reports it. */
type RemediationStatus = 'nothing-to-do' | 'planned' | 'declined' | 'applied';

export function remediateCommand(
  program: Command,
  io: CliIo,
  exit: (code: number) => void,
  remediatorFor: RemediatorFactory,
): Command {
  const command = program
    .command('remediate')
    .description(
      'Attach the Session Manager instance policy to instance roles ' +
        'that lack it (the NON_COMPLIANT roles of the instance-role check), ' +
        "with the attach-policy Lambda's own remediation: each role " +
        'is re-checked in IAM, changed, and the attachment verified. ' +
        'Shows the plan, then asks before changing anything. Exit 1 when declined or when any role failed.',
    )
    .option('--role <name>', 'one role, by name or role ID (AROA...)')
    .option('--all', 'every NON_COMPLIANT role')
    .option('--dry-run', 'only show which roles would get the policy; change nothing')
    .option('--yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .option('--json', 'print the plan and each outcome as JSON on stdout (the question, if any, goes to stderr)');
  addSourceOptions(command);
  addCheckParameterOptions(command, [instanceRoleCheck]);
  return command.action(async (flags: RemediateFlags) => {
    if (Boolean(flags.role) === Boolean(flags.all))
      throw new UsageError('remediate needs exactly one of --role NAME or --all.');
    const style = stdoutStyle(io);
    const source = await accountSource(flags, io);
    const run = await runCheck(instanceRoleCheck, source, flags);
    for (const note of run.notes) io.stderr.write(`Note: ${note}\n`);
    const policy = run.params as InstanceRoleRuleParameters;
    const plan = planFor(run.results, flags.role);
    const report = (status: RemediationStatus, outcomes: readonly RoleOutcome[] = []) => {
      if (flags.json)
        io.stdout.write(
          formatJson(remediationJson(status, plan, outcomes, policy, source.description, flags.dryRun === true)),
        );
    };

    if (plan.length === 0) {
      if (flags.json) report('nothing-to-do');
      else
        io.stdout.write(
          flags.role
            ? `Nothing to do: ${describeRole(run.results, flags.role)}\n`
            : 'Nothing to do: no instance role lacks the policy.\n',
        );
      return exit(EXIT_OK);
    }
    if (!flags.json) io.stdout.write(renderPlan(plan, policy, source.description, style));
    if (flags.dryRun) {
      report('planned');
      return exit(EXIT_OK);
    }

    if (source.kind === 'sample') {
      throw new UsageError(
        'The bundled sample account is only data and cannot be changed: ' +
          'add --dry-run, or remediate a live account (--live, --profile).',
      );
    }
    if (!(await confirmed(plan, policy, await source.accountId(), flags.yes === true, io))) {
      report('declined');
      io.stderr.write('Nothing changed.\n');
      return exit(EXIT_FINDINGS);
    }
    const outcomes = await apply(
      plan,
      remediatorFor({ live: liveOptions(flags), env: io.env, policy }),
      policy.policyArn,
    );
    if (flags.json) report('applied', outcomes);
    else io.stdout.write(`\n${renderOutcomes(outcomes, style)}\n`);
    const failed = outcomes.filter(({ outcome }) => outcome === 'failed').length;
    if (failed > 0)
      io.stderr.write(
        `${failed} of ${count(outcomes.length, 'role')} failed${flags.json ? '' : '; see DETAIL above'}.\n`,
      );
    exit(failed > 0 ? EXIT_FINDINGS : EXIT_OK);
  });
}

/** The NON_COMPLIANT roles (with --role: that role, if it is one of them). */
export function planFor(results: readonly ResourceResult[], role: string | undefined): ResourceResult[] {
  if (role !== undefined && !results.some((r) => matches(r, role))) {
    throw new UsageError(`No role named ${role} (or with that role ID) in the account.`);
  }
  return results.filter((r) => r.compliance === 'NON_COMPLIANT' && (role === undefined || matches(r, role)));
}

const matches = (result: ResourceResult, role: string): boolean =>
  result.resourceName === role || result.resourceId === role;

function describeRole(results: readonly ResourceResult[], role: string): string {
  const result = results.find((r) => matches(r, role));
  return `${result?.compliance}: ${result?.annotation}`;
}

function renderPlan(
  plan: readonly ResourceResult[],
  policy: InstanceRolePolicy,
  where: string,
  style: TextStyle,
): string {
  const table = renderTable(
    ['ROLE', 'ROLE ID', 'WHY'],
    plan.map((r) => [r.resourceName ?? '', r.resourceId, r.annotation]),
    { style },
  );
  const heading = fitText(`Plan for ${where}: attach ${policy.policyArn} to ${count(plan.length, 'role')}.`, style);
  return `${heading}\n\n${table}\n`;
}

const OUTCOME_COLOURS: Readonly<Record<RoleOutcome['outcome'], Colour>> = {
  attached: 'green',
  'already-attached': 'green',
  'skipped-not-eligible': 'dim',
  failed: 'red',
};

function renderOutcomes(outcomes: readonly RoleOutcome[], style: TextStyle): string {
  return renderTable(
    ['ROLE', 'ROLE ID', 'OUTCOME', 'DETAIL'],
    outcomes.map(({ role, outcome, detail }) => [role.resourceName ?? '', role.resourceId, outcome, detail]),
    {
      style,
      colourOf: (row, column) => (column === 2 ? OUTCOME_COLOURS[row[column] as RoleOutcome['outcome']] : undefined),
    },
  );
}

function remediationJson(
  status: RemediationStatus,
  plan: readonly ResourceResult[],
  outcomes: readonly RoleOutcome[],
  policy: InstanceRolePolicy,
  where: string,
  dryRun: boolean,
) {
  return {
    account: where,
    policyArn: policy.policyArn,
    dryRun,
    status,
    plan: plan.map((r) => ({ roleName: r.resourceName ?? null, roleId: r.resourceId, annotation: r.annotation })),
    outcomes: outcomes.map(({ role, outcome, detail }) => ({
      roleName: role.resourceName ?? null,
      roleId: role.resourceId,
      outcome,
      detail,
    })),
    failed: outcomes.filter(({ outcome }) => outcome === 'failed').length,
  };
}

/** --yes, or y/yes typed at a terminal. Without a terminal there is nobody to ask: refuse. */
async function confirmed(
  plan: readonly ResourceResult[],
  policy: InstanceRolePolicy,
  accountId: string,
  yes: boolean,
  io: CliIo,
): Promise<boolean> {
  if (yes) return true;
  if (!io.stdinIsTTY) {
    throw new UsageError(
      `Refusing to change ${count(plan.length, 'role')} without confirmation: stdin ` +
        'is not a terminal. Add --yes to confirm, or --dry-run to only see the plan.',
    );
  }
  const answer = await io.ask(
    `\nAttach ${policy.policyArn} to ${count(plan.length, 'role')} in account ${accountId}? [y/N] `,
  );
  return ['y', 'yes'].includes(answer.trim().toLowerCase());
}

export interface RoleOutcome {
  readonly role: ResourceResult;
  readonly outcome: RemediationAction | 'failed';
  readonly detail: string;
}

/** One role at a time: each outcome is reported, and one failure does not hide the others. */
async function apply(
  plan: readonly ResourceResult[],
  remediator: RoleRemediator,
  policyArn: string,
): Promise<RoleOutcome[]> {
  const outcomes: RoleOutcome[] = [];
  for (const role of plan) {
    try {
      const done = await remediator.remediate({ roleId: role.resourceId, roleName: role.resourceName ?? '' });
      outcomes.push({ role, outcome: done.action, detail: describeOutcome(done.action, done.policyArn, done.reason) });
    } catch (error) {
      // Reported as failed (exit 1) so the remaining roles still get their turn.
      outcomes.push({ role, outcome: 'failed', detail: describeFailure(error, policyArn) });
    }
  }
  return outcomes;
}

/**
 * The service's message, except where it speaks to the Lambda's operator: the policy comes from
 * --policy-arn (or the stack) here, not from the remediation's PolicyArn parameter, and a failed
 * AWS call is the user's credentials', not a function role's.
 */
function describeFailure(error: unknown, policyArn: string): string {
  if (error instanceof PolicyNotFoundError) {
    return (
      `Policy ${policyArn} does not exist or cannot be attached: check ` +
      `--policy-arn (default: the stack's SessionManagerInstancePolicyArn output).`
    );
  }
  if (error instanceof AwsAccessError) return describeAwsAccessError(error) ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

function describeOutcome(action: RemediationAction, policyArn: string, reason: string | undefined): string {
  switch (action) {
    case 'attached':
      return `attached ${policyArn} and verified it`;
    case 'already-attached':
      return `${policyArn} was already attached (verified)`;
    case 'skipped-not-eligible':
      return `left alone, the role changed since the scan: ${reason ?? 'no longer an instance role'}`;
  }
}
