/** The checks registry stays in step with the deployed rules in template.yaml. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTemplate } from '../../scripts/template';
import { flagKey } from '../../cli/checks/check';
import { CHECKS, checksForResourceType } from '../../cli/checks/registry';
import { rolePolicyCheck } from '../../cli/checks/role-policy';

const template = readTemplate(resolve(import.meta.dirname, '../../template.yaml'));

describe('the checks registry', () => {
  it('gives every check a unique id and every parameter a unique flag (scan registers them all)', () => {
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
    const flags = CHECKS.flatMap((c) => c.parameters.map(flagKey));
    expect(new Set(flags).size).toBe(flags.length);
  });

  it('role-policy reads the same InputParameters as the deployed RolePolicyRule, from outputs and parameters the stack has', () => {
    const rule = template.Resources.RolePolicyRule?.Properties as { InputParameters: Record<string, unknown>; Scope: { ComplianceResourceTypes: string[] } };
    expect(rolePolicyCheck.parameters.map((p) => p.name).sort()).toEqual(Object.keys(rule.InputParameters).sort());
    expect(rolePolicyCheck.resourceTypes).toEqual(rule.Scope.ComplianceResourceTypes);
    for (const parameter of rolePolicyCheck.parameters) {
      const where = parameter.fromStack;
      if (where && 'output' in where) expect(Object.keys(template.Outputs ?? {})).toContain(where.output);
      if (where && 'parameter' in where) expect(Object.keys(template.Parameters ?? {})).toContain(where.parameter);
    }
  });

  it('finds the check for a resource type, as evaluate does for change events', () => {
    expect(checksForResourceType('AWS::IAM::Role')).toEqual([rolePolicyCheck]);
    expect(checksForResourceType('AWS::S3::Bucket')).toEqual([]);
  });
});
