/**
 * A check is one Config rule as the command line runs it: the rule's own code (its `sweep` and
 * `evaluateItem`), fed from an account source, with its InputParameters taken from flags or from
 * the session-guard stack deployed in the account. The CLI never decides compliance itself.
 */
import { Option } from 'commander';
import type { ConfigRule, ResourceVerdict } from '../../functions/shared/config-rule/rule';
import { InvalidRuleParameterError } from '../../functions/shared/config-rule/parameters';
import { UsageError } from '../io';
import type { AccountSource, Deployment } from '../sources/account-source';
import { AwsAccessDeniedError } from '../../functions/shared/adapters/aws-errors';
import { describeAwsAccessError } from '../sources/aws-errors';

/** One of the rule's InputParameters (same name as in template.yaml) and where the CLI finds it. */
export interface CheckParameter {
  readonly name: string;
  /** A commander flag, e.g. `--policy-arn <arn>`. */
  readonly flag: string;
  readonly description: string;
  /** Whether the rule cannot run without it (the rule's schema still has the last word). */
  readonly required?: boolean;
  /** Where a deployed session-guard stack holds the value, used when the flag is not given. */
  readonly fromStack?: { readonly output: string } | { readonly parameter: string };
}

export interface Check {
  /** What `--rule` selects, e.g. `instance-role`. */
  readonly id: string;
  /**
   * The rule's logical ID in template.yaml. CloudFormation names the deployed rule
   * `<stack>-<logicalId>-<suffix>`, so a saved event's configRuleName says which check it is for.
   */
  readonly logicalId: string;
  readonly title: string;
  readonly resourceTypes: readonly string[];
  readonly parameters: readonly CheckParameter[];
  /** The rule, reading its inputs from the account source. */
  rule(source: AccountSource): ConfigRule<unknown>;
  /** Readable names by resource ID for reports (Config identifies a role by its RoleId). */
  resourceNames(source: AccountSource): Promise<ReadonlyMap<string, string>>;
}

export interface ResourceResult extends ResourceVerdict {
  readonly resourceName?: string;
}

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly ruleName: string;
  /** The InputParameters the rule ran with, as Config would pass them. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly results: readonly ResourceResult[];
}

/** A check's result with the parsed parameters it ran with (remediation reuses them). */
export interface CheckRun extends CheckResult {
  readonly params: unknown;
  /** Things the user should know about how the parameters were found (printed on stderr). */
  readonly notes: readonly string[];
}

/**
 * A parameter the rule cannot run without was neither given as a flag nor found in a deployed
 * stack. `scan` runs the other checks and says which one it skipped and why.
 */
export class MissingParameterError extends UsageError {
  override name = 'MissingParameterError';
}

/** Flag values by commander's attribute name (`--policy-arn` -> `policyArn`). */
export type FlagValues = Readonly<Record<string, unknown>>;

export const flagKey = (parameter: CheckParameter): string => new Option(parameter.flag).attributeName();

/** Runs the rule's sweep over the account with parameters from flags or the deployed stack. */
export async function runCheck(check: Check, source: AccountSource, flags: FlagValues): Promise<CheckRun> {
  const rule = check.rule(source);
  const { raw, params, notes } = await checkParameters(check, rule, source, flags);
  if (!rule.sweep) throw new Error(`${rule.name} has no sweep; the CLI can only scan rules that sweep the account.`);
  const verdicts = await rule.sweep(params, { accountId: await source.accountId() });
  const names = await check.resourceNames(source);
  return {
    id: check.id,
    title: check.title,
    ruleName: rule.name,
    parameters: raw,
    params,
    notes,
    results: verdicts.map((v) => ({ ...v, resourceName: names.get(v.resourceId) })),
  };
}

/** The raw InputParameters and their parsed form; errors say which flag or stack value to fix. */
export async function checkParameters(
  check: Check,
  rule: ConfigRule<unknown>,
  source: AccountSource,
  flags: FlagValues,
): Promise<{ raw: Record<string, string>; params: unknown; notes: string[] }> {
  const raw: Record<string, string> = {};
  /** Where each value came from, by parameter name: the flag, or the stack's output or parameter. */
  const origins = new Map<string, string>();
  const notes: string[] = [];
  let deploymentRead = false;
  let deployment: Deployment | undefined;
  let deploymentDenied: AwsAccessDeniedError | undefined;
  for (const parameter of check.parameters) {
    const given = flags[flagKey(parameter)];
    if (typeof given === 'string') {
      raw[parameter.name] = given;
      origins.set(parameter.name, flagName(parameter));
      continue;
    }
    if (!parameter.fromStack) continue;
    if (!deploymentRead) {
      deploymentRead = true;
      try {
        deployment = await source.deployment();
      } catch (error) {
        // The stack only supplies defaults: without access to it, flags can still supply them.
        if (!(error instanceof AwsAccessDeniedError)) throw error;
        deploymentDenied = error;
      }
    }
    if (deploymentDenied) {
      if (parameter.required)
        throw new MissingParameterError(
          `The ${check.id} check needs ${parameter.name}: pass ${flagName(parameter)}. ` +
            `${describeAwsAccessError(deploymentDenied) ?? deploymentDenied.message}`,
        );
      notes.push(
        `${check.id}: ${parameter.name} uses the rule's default, since the stack could not be read ` +
          `(${deploymentDenied.operation} denied); pass ${flagName(parameter)} to set it.`,
      );
      continue;
    }
    const fromStack = deployment && stackValue(deployment, parameter.fromStack);
    if (fromStack !== undefined) {
      raw[parameter.name] = fromStack;
      origins.set(
        parameter.name,
        `${parameter.name} from stack ${deployment?.stackName} ${describeStackValue(parameter.fromStack)}`,
      );
    } else if (parameter.required) {
      throw new MissingParameterError(
        `The ${check.id} check needs ${parameter.name}: pass ${flagName(parameter)}` +
          (deployment
            ? `; stack ${deployment.stackName} has no ${describeStackValue(parameter.fromStack)}.`
            : ', or deploy session-guard in this account and region (its ' +
              `${describeStackValue(parameter.fromStack)} is the default) and name the stack with --stack-name ` +
              'if it is not "session-guard".'),
      );
    }
  }
  try {
    return { raw, params: rule.parseParameters(raw), notes };
  } catch (error) {
    if (!(error instanceof InvalidRuleParameterError)) throw error;
    // The rule's message points at Config's InputParameters; here each value came from a flag or the stack.
    const problems = error.problems.map(({ where: path, problem }) => {
      // A list item's problem names its index (BreakGlassArns.0); the flag holds the whole list.
      const name = path.split('.')[0] ?? path;
      const parameter = check.parameters.find((p) => p.name === name);
      const origin = origins.get(name);
      if (!parameter || !origin) return `${path}: ${problem}`;
      const value = JSON.stringify(raw[name]);
      return origin === flagName(parameter)
        ? `${origin} ${value}: ${problem}`
        : `${origin} is ${value}: ${problem}; pass ${flagName(parameter)} to override it`;
    });
    throw new UsageError(`The ${check.id} check cannot run: ${problems.join('; ')}.`);
  }
}

function stackValue(deployment: Deployment, where: NonNullable<CheckParameter['fromStack']>): string | undefined {
  return 'output' in where ? deployment.outputs[where.output] : deployment.parameters[where.parameter];
}

const describeStackValue = (where: NonNullable<CheckParameter['fromStack']>): string =>
  'output' in where ? `output ${where.output}` : `parameter ${where.parameter}`;

export const flagName = (parameter: CheckParameter): string => parameter.flag.split(/\s/)[0] ?? parameter.flag;
