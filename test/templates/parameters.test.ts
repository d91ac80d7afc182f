/**
 * The console shows template.yaml's parameters in labelled groups, and a wrong value must fail at
 * deploy time with a readable message rather than inside a function.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTemplate } from '../../scripts/template';

const template = readTemplate(join(import.meta.dirname, '../../template.yaml')) as ReturnType<typeof readTemplate> & {
  Metadata?: {
    'AWS::CloudFormation::Interface'?: {
      ParameterGroups: { Parameters: string[] }[];
      ParameterLabels: Record<string, unknown>;
    };
  };
};
const parameters = Object.entries(template.Parameters ?? {});
const ui = template.Metadata?.['AWS::CloudFormation::Interface'];

describe('template.yaml parameters', () => {
  it('each sit in exactly one console group', () => {
    const grouped = (ui?.ParameterGroups ?? []).flatMap((g) => g.Parameters);
    expect(
      grouped.filter((p, i) => grouped.indexOf(p) !== i),
      'in two groups',
    ).toEqual([]);
    expect(
      parameters.map(([name]) => name).filter((p) => !grouped.includes(p)),
      'in no group',
    ).toEqual([]);
    expect(
      grouped.filter((p) => !(p in (template.Parameters ?? {}))),
      'grouped but not declared',
    ).toEqual([]);
  });

  it('each have a label and a description', () => {
    expect(
      parameters.filter(([name]) => !ui?.ParameterLabels[name]).map(([name]) => name),
      'without a label',
    ).toEqual([]);
    expect(
      parameters.filter(([, p]) => !p.Description).map(([name]) => name),
      'without a description',
    ).toEqual([]);
  });

  it('each constrain their value, so a wrong one fails at deploy time', () => {
    const constraints = ['AllowedValues', 'AllowedPattern', 'MinValue', 'MaxValue', 'MinLength', 'MaxLength'];
    const unconstrained = parameters.filter(([, p]) => !constraints.some((c) => c in p)).map(([name]) => name);
    expect(unconstrained).toEqual([]);
  });

  it('explain every pattern they enforce', () => {
    const unexplained = parameters
      .filter(([, p]) => 'AllowedPattern' in p && !p.ConstraintDescription)
      .map(([name]) => name);
    expect(unexplained).toEqual([]);
  });

  it('are each documented in the README', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    expect(parameters.map(([name]) => name).filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});
