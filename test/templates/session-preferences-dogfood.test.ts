/**
 * Dogfooding: the preferences our template writes with its default parameters must pass our own
 * session-preferences rule, with the rule's default limits and with the limits the template gives it.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SESSION_LIMITS, sessionPreferenceFailures } from '../../functions/shared/core/session-document-check';
import {
  buildSessionPreferencesDocument,
  validateSessionPreferences,
} from '../../functions/shared/core/session-preferences';
import { readTemplate, type Template } from '../../scripts/template';

const template = readTemplate(join(resolve(import.meta.dirname, '../..'), 'template.yaml'));

/** Evaluates a template value as CloudFormation would with every parameter at its default. */
function withDefaults(template: Template, value: unknown): unknown {
  const parameter = (name: string) => {
    if (name === 'AWS::Region') return 'us-east-1';
    if (name.startsWith('AWS::')) return `pseudo-${name.slice(5)}`;
    const declared = template.Parameters?.[name];
    if (declared) return String(declared.Default ?? '');
    return `resource-${name}`; // a Ref to a resource: its physical id
  };
  const condition = (name: string): boolean => Boolean(evaluate(template.Conditions?.[name]));
  function evaluate(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(evaluate);
    if (typeof v !== 'object' || v === null) return v;
    const [key, argument] = Object.entries(v)[0] ?? [];
    const args = argument as unknown[];
    switch (key) {
      case 'Ref':
        return parameter(String(argument));
      case 'Condition':
        return condition(String(argument));
      case 'Fn::Equals':
        return String(evaluate(args[0])) === String(evaluate(args[1]));
      case 'Fn::Not':
        return !evaluate(args[0]);
      case 'Fn::And':
        return args.every((a) => evaluate(a));
      case 'Fn::Or':
        return args.some((a) => evaluate(a));
      case 'Fn::If':
        return condition(String(args[0])) ? evaluate(args[1]) : evaluate(args[2]);
      case 'Fn::GetAtt':
        return `arn:aws:kms:us-east-1:123456789012:key/${String((argument as string[])[0])}`;
      default:
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, evaluate(x)]));
    }
  }
  return evaluate(value);
}

describe('the preferences session-guard writes by default', () => {
  const properties = withDefaults(template, template.Resources.SessionPreferences?.Properties) as Record<
    string,
    unknown
  >;
  const document = buildSessionPreferencesDocument(
    validateSessionPreferences(properties),
    'arn:aws:cloudformation:us-east-1:123456789012:stack/session-guard/6f1c2a40-9b1e-11ef-8d3f-0a1b2c3d4e5f',
  );

  it('encrypt session data and log somewhere', () => {
    expect(document.inputs.kmsKeyId).toMatch(/^arn:aws:kms:/);
    expect(document.inputs.cloudWatchLogGroupName).not.toBe('');
  });

  it('pass the session-preferences rule with its default limits', () => {
    expect(sessionPreferenceFailures(document as unknown as Record<string, unknown>, DEFAULT_SESSION_LIMITS)).toEqual(
      [],
    );
  });

  it('pass the session-preferences rule with the limits the template configures it with', () => {
    const rule = withDefaults(template, template.Resources.PreferencesRule?.Properties) as {
      InputParameters: Record<string, string>;
    };
    const limits = {
      maxIdleSessionTimeoutMinutes: Number(rule.InputParameters.MaxIdleSessionTimeoutMinutes),
      maxSessionDurationMinutes: Number(rule.InputParameters.MaxSessionDurationMinutes),
    };
    expect(
      Number.isInteger(limits.maxIdleSessionTimeoutMinutes) && Number.isInteger(limits.maxSessionDurationMinutes),
    ).toBe(true);
    expect(sessionPreferenceFailures(document as unknown as Record<string, unknown>, limits)).toEqual([]);
  });
});
