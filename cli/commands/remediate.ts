/**
 * `session-guard remediate --role NAME | --all`: attach the instance policy to the roles the
 * instance-role rule finds NON_COMPLIANT. The plan comes from the rule's own verdicts; the change
 * is made by the remediation service the Lambda uses. Asks before changing anything unless --yes.
 */
import type { Command } from 'commander';
import type { InstanceRolePolicy } from '../../functions/shared/core/instance-role';
import { type ResourceResult, runCheck } from '../checks/check';
import { rolePolicyCheck } from '../checks/role-policy';
import { type CliIo, EXIT_FINDINGS, EXIT_OK, UsageError } from '../io';
import type { RemediationOutcome, RemediatorFactory, RoleRemediator } from '../remediation/remediator';
import { renderTable } from '../report/table';
import { addCheckParameterOptions } from './scan';
import { accountSource, addSourceOptions, liveOptions, type SourceFlags } from './source-options';

interface RemediateFlags extends SourceFlags {
  role?: string;
  all?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  [parameterFlag: string]: unknown;
}

export function remediateCommand(program: Command, io: CliIo, exit: (code: number) => void, remediatorFor: RemediatorFactory): Command {
  const command = program
    .command('remediate')
    .description(
      'Attach the Session Manager instance policy to instance roles that lack it (the NON_COMPLIANT roles of the role-policy check). ' +
        'Shows the plan, then asks before changing anything.',
    )
    .option('--role <name>', 'one role, by name or role ID (AROA...)')
    .option('--all', 'every NON_COMPLIANT role')
    .option('--dry-run', 'only show which roles would get the policy; change nothing')
    .option('--yes', 'do not ask for confirmation (required when stdin is not a terminal)');
  addSourceOptions(command);
  addCheckParameterOptions(command, [rolePolicyCheck]);
  return command.action(async (flags: RemediateFlags) => {
    if (Boolean(flags.role) === Boolean(flags.all)) throw new UsageError('remediate needs exactly one of --role NAME or --all.');
    const source = accountSource(flags, io);
    const run = await runCheck(rolePolicyCheck, source, flags);
    for (const note of run.notes) io.stderr.write(`Note: ${note}\n`);
    const policy = run.params as InstanceRolePolicy;
    const results = run.results;
    const plan = planFor(results, flags.role);
    if (plan.length === 0) {
      io.stdout.write(flags.role ? `Nothing to do: ${describeRole(results, flags.role)}\n` : 'Nothing to do: no instance role lacks the policy.\n');
      return exit(EXIT_OK);
    }
    io.stdout.write(renderPlan(plan, policy, source.description));
    if (flags.dryRun) return exit(EXIT_OK);

    if (source.kind === 'sample') {
      throw new UsageError('The bundled sample account is only data and cannot be changed: add --dry-run, or remediate a live account (--live, --profile).');
    }
    const remediator = remediatorFor({ live: liveOptions(flags), env: io.env, policy });
    if (!remediator) {
      throw new UsageError(
        'remediate is not yet available: attaching the policy must run the remediation service of the attach-policy Lambda, which has not landed yet. --dry-run shows the plan now.',
      );
    }
    if (!(await confirmed(plan, policy, await source.accountId(), flags.yes === true, io))) {
      io.stderr.write('Nothing changed.\n');
      return exit(EXIT_FINDINGS);
    }
    const outcomes = await apply(plan, remediator);
    io.stdout.write(`\n${renderTable(['ROLE', 'ROLE ID', 'OUTCOME', 'DETAIL'], outcomes.map(({ role, outcome }) => [role.resourceName ?? '', role.resourceId, outcome.outcome, outcome.message]))}\n`);
    exit(outcomes.some(({ outcome }) => outcome.outcome === 'FAILED') ? EXIT_FINDINGS : EXIT_OK);
  });
}

/** The NON_COMPLIANT roles (with --role: that role, if it is one of them). */
export function planFor(results: readonly ResourceResult[], role: string | undefined): ResourceResult[] {
  if (role !== undefined && !results.some((r) => matches(r, role))) {
    throw new UsageError(`No role named ${role} (or with that role ID) in the account.`);
  }
  return results.filter((r) => r.compliance === 'NON_COMPLIANT' && (role === undefined || matches(r, role)));
}

const matches = (result: ResourceResult, role: string): boolean => result.resourceName === role || result.resourceId === role;

function describeRole(results: readonly ResourceResult[], role: string): string {
  const result = results.find((r) => matches(r, role));
  return `${result?.compliance}: ${result?.annotation}`;
}

function renderPlan(plan: readonly ResourceResult[], policy: InstanceRolePolicy, where: string): string {
  const table = renderTable(['ROLE', 'ROLE ID', 'WHY'], plan.map((r) => [r.resourceName ?? '', r.resourceId, r.annotation]));
  return `Plan for ${where}: attach ${policy.policyArn} to ${plan.length} role(s).\n\n${table}\n`;
}

/** --yes, or a "yes" typed at a terminal. Without a terminal there is nobody to ask: refuse. */
async function confirmed(plan: readonly ResourceResult[], policy: InstanceRolePolicy, accountId: string, yes: boolean, io: CliIo): Promise<boolean> {
  if (yes) return true;
  if (!io.stdinIsTTY) {
    throw new UsageError(`Refusing to change ${plan.length} role(s) without confirmation: stdin is not a terminal. Add --yes to confirm, or --dry-run to only see the plan.`);
  }
  const answer = await io.ask(`\nAttach ${policy.policyArn} to ${plan.length} role(s) in account ${accountId}? Type "yes" to continue: `);
  return answer.trim().toLowerCase() === 'yes';
}

/** One role at a time: each outcome is reported, and one failure does not hide the others. */
async function apply(plan: readonly ResourceResult[], remediator: RoleRemediator): Promise<{ role: ResourceResult; outcome: RemediationOutcome }[]> {
  const outcomes: { role: ResourceResult; outcome: RemediationOutcome }[] = [];
  for (const role of plan) {
    let outcome: RemediationOutcome;
    try {
      outcome = await remediator.remediate({ roleId: role.resourceId, roleName: role.resourceName ?? '' });
    } catch (error) {
      // Reported as FAILED (exit 1) so the remaining roles still get their turn.
      outcome = { outcome: 'FAILED', message: error instanceof Error ? error.message : String(error) };
    }
    outcomes.push({ role, outcome });
  }
  return outcomes;
}

