/**
 * Dogfooding: the SSM access guardrails (all four findings) over every IAM policy our own template
 * deploys, in every combination of the template's conditions, with the rule parameters the template
 * itself gives the rule. We ship a rule that fails broad shells, other session documents and
 * changes to the session controls; our stack must not make one.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ssmAccessParametersSchema } from '../../functions/ssm-access-rule/rule';
import { evaluateSsmAccess } from '../../functions/shared/core/ssm-access-guardrails';
import { findBroadGrants } from '../support/broad-grants';
import { readTemplate, type Template } from '../../scripts/template';
import { HOME, policyDocuments, resolveIntrinsics } from '../support/template-policies';

const ROOT = resolve(import.meta.dirname, '../..');
const template = readTemplate(join(ROOT, 'template.yaml'));

// ----- every combination of the template's conditions -----

type Conditions = Record<string, boolean>;

/** Values that pass the parameters' AllowedPattern, for the parameters whose default is empty. */
const EXAMPLES: Record<string, string> = {
  AlarmTopicArn: `arn:aws:sns:us-east-1:${HOME.accountId}:alarms`,
  AlternativePolicyArns: `arn:aws:iam::${HOME.accountId}:policy/org/InstancePolicy`,
  SsmAccessBreakGlassArns: `arn:aws:iam::${HOME.accountId}:role/break-glass`,
  SsmAccessAllowedSessionDocuments: 'TeamPortForwarding',
  ExistingAuditBucketName: 'kept-audit-bucket',
};

/** The parameters the Conditions read, each with its default and one other value. */
function conditionInputs(template: Template): [string, string[]][] {
  const refs = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null)
      for (const [k, x] of Object.entries(v)) k === 'Ref' ? refs.add(String(x)) : walk(x);
  };
  walk(template.Conditions);
  return [...refs]
    .filter((name) => !name.startsWith('AWS::'))
    .map((name) => {
      const fallback = String(template.Parameters?.[name]?.Default ?? '');
      const other =
        fallback === 'true'
          ? 'false'
          : fallback === 'false'
            ? 'true'
            : fallback === ''
              ? (EXAMPLES[name] ?? `example-${name}`)
              : 'eu-west-1';
      return [name, [fallback, other]];
    });
}

function conditionsFor(values: Record<string, string>): Conditions {
  const memo: Conditions = {};
  const evaluate = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const [key, argument] = Object.entries(v)[0]!;
    const args = argument as unknown[];
    if (key === 'Ref') return String(argument) === 'AWS::Region' ? 'us-east-1' : values[String(argument)];
    if (key === 'Condition') return condition(String(argument));
    if (key === 'Fn::Equals') return String(evaluate(args[0])) === String(evaluate(args[1]));
    if (key === 'Fn::Not') return !evaluate(args[0]);
    if (key === 'Fn::And') return args.every((a) => evaluate(a));
    if (key === 'Fn::Or') return args.some((a) => evaluate(a));
    throw new Error(`condition function ${key} not understood; teach this test to read it`);
  };
  const condition = (name: string): boolean => (memo[name] ??= Boolean(evaluate(template.Conditions?.[name])));
  for (const name of Object.keys(template.Conditions ?? {})) condition(name);
  return memo;
}

/** Every distinct assignment of the template's conditions that some parameter values produce. */
interface Combination {
  readonly values: Record<string, string>;
  readonly conditions: Conditions;
}

function everyCombination(): Combination[] {
  const inputs = conditionInputs(template);
  const seen = new Map<string, Combination>();
  for (let mask = 0; mask < 2 ** inputs.length; mask++) {
    const values = Object.fromEntries(inputs.map(([name, choices], i) => [name, choices[(mask >> i) & 1]!]));
    const conditions = conditionsFor(values);
    seen.set(JSON.stringify([conditions, values]), { values, conditions });
  }
  return [...seen.values()];
}

/**
 * The template as deployed with these parameter values: resources left out, `!If` decided,
 * `AWS::NoValue` gone, `Ref`s to those parameters replaced by their values.
 */
function deployedUnder({ values, conditions }: Combination): Template {
  const NO_VALUE = Symbol('NoValue');
  const decide = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(decide).filter((x) => x !== NO_VALUE);
    if (typeof v !== 'object' || v === null) return v;
    const entries = Object.entries(v);
    if (entries.length === 1 && entries[0]![0] === 'Ref' && entries[0]![1] === 'AWS::NoValue') return NO_VALUE;
    if (entries.length === 1 && entries[0]![0] === 'Ref' && String(entries[0]![1]) in values)
      return values[String(entries[0]![1])];
    if (entries.length === 1 && entries[0]![0] === 'Fn::If') {
      const [name, whenTrue, whenFalse] = entries[0]![1] as [string, unknown, unknown];
      return decide(conditions[name] ? whenTrue : whenFalse);
    }
    return Object.fromEntries(entries.map(([k, x]) => [k, decide(x)]).filter(([, x]) => x !== NO_VALUE));
  };
  const resources = Object.entries(template.Resources).filter(([, r]) => !r.Condition || conditions[r.Condition]);
  return { ...template, Resources: Object.fromEntries(resources.map(([id, r]) => [id, decide(r) as typeof r])) };
}

const combinations = everyCombination();

describe('our own template against the SSM access guardrails', () => {
  it('reads a real spread of combinations and the policies it is meant to check', () => {
    expect(combinations.length).toBeGreaterThan(100);
    const where = policyDocuments(template).map((d) => d.where);
    expect(where).toEqual(
      expect.arrayContaining([
        'SessionManagerInstancePolicy',
        'SsmAccessRuleFunctionRole.Policies[read-policies-and-report]',
        'PreferencesRuleFunctionRole.Policies[read-session-documents-and-report]',
        'AttachPolicyFunctionRole.Policies[remediate]',
        'SessionPreferencesFunctionRole.Policies[write-session-preferences]',
      ]),
    );
  });

  it('breaks none of IAM-SSM-1, IAM-SSM-2, SG-SSM-3 and SG-SSM-4 in any combination, with the parameters it gives the rule', () => {
    const findings = new Set<string>();
    const judged = new Map<string, string>();
    for (const combination of combinations) {
      const deployed = deployedUnder(combination);
      const rule = deployed.Resources.SsmAccessRule;
      // Outside GlobalResourcesRegion the rule is another region's: the one with the same parameters.
      const inGlobalRegion = {
        ...combination,
        conditions: { ...combination.conditions, IsGlobalResourcesRegion: true },
      };
      const inputs = (rule ?? deployedUnder(inGlobalRegion).Resources.SsmAccessRule)!.Properties!.InputParameters;
      const exemptions = ssmAccessParametersSchema.parse(resolveIntrinsics(inputs, 'SsmAccessRule.InputParameters'));
      for (const { where, document } of policyDocuments(deployed)) {
        const logicalId = where.split('.')[0]!;
        const path = String(resolveIntrinsics(deployed.Resources[logicalId]?.Properties?.Path ?? '/', where));
        const subject = {
          kind: 'Role' as const,
          name: logicalId,
          arn: `arn:aws:iam::${HOME.accountId}:role${path}${logicalId}`,
          documents: [{ name: where, document }],
          tags: {},
        };
        const key = JSON.stringify([subject.arn, document, exemptions]);
        const verdict = judged.get(key) ?? evaluateSsmAccess(subject, exemptions).compliance;
        judged.set(key, verdict);
        if (verdict !== 'COMPLIANT') findings.add(`${where}: ${evaluateSsmAccess(subject, exemptions).annotation}`);
      }
    }
    expect([...findings]).toEqual([]);
  });

  it('would catch a broad grant written the way our template writes policies', () => {
    const broad = resolveIntrinsics(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'ssm:StartSession',
            Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:instance/*' },
          },
        ],
      },
      'control',
    );
    expect(findBroadGrants(broad, HOME).map((g) => g.guardrail.id)).toEqual(['IAM-SSM-2']);
  });

  it('would catch the preferences writer if the rule were not told about it', () => {
    const [writer] = policyDocuments(template).filter(
      (d) => d.where === 'SessionPreferencesFunctionRole.Policies[write-session-preferences]',
    );
    expect(findBroadGrants(writer!.document, HOME).map((g) => g.guardrail.id)).toEqual(['SG-SSM-4']);
  });
});
