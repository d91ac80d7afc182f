/** The checks registry stays in step with the deployed rules in template.yaml. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTemplate } from '../../scripts/template';
import { type Check, flagKey } from '../../cli/checks/check';
import { CHECKS, checksForResourceType } from '../../cli/checks/registry';
import { sessionDocumentCheck } from '../../cli/checks/session-document';
import { instanceRoleCheck } from '../../cli/checks/instance-role';
import { ssmAccessCheck } from '../../cli/checks/ssm-access';
import { loadSampleAccount } from '../../cli/sources/sample-account';

const template = readTemplate(resolve(import.meta.dirname, '../../template.yaml'));

describe('the checks registry', () => {
  it('gives every check a unique id and every parameter a unique flag (scan registers them all)', () => {
    expect(CHECKS.map((c) => c.id)).toEqual(['instance-role', 'ssm-access', 'session-document']);
    expect(new Set(CHECKS.map((c) => c.logicalId)).size).toBe(CHECKS.length);
    const flags = CHECKS.flatMap((c) => c.parameters.map(flagKey));
    expect(new Set(flags).size).toBe(flags.length);
  });

  it.each(CHECKS.map((c) => [c.id, c] as const))(
    '%s reads the same InputParameters and scope as its deployed rule, from outputs and parameters the stack has',
    (_, check) => {
      const resource = template.Resources[check.logicalId];
      expect(resource?.Type).toBe('AWS::Config::ConfigRule');
      const rule = resource?.Properties as {
        InputParameters: Record<string, unknown>;
        Scope: { ComplianceResourceTypes: string[] };
      };
      expect(check.parameters.map((p) => p.name).sort()).toEqual(Object.keys(rule.InputParameters).sort());
      expect(check.resourceTypes).toEqual(rule.Scope.ComplianceResourceTypes);
      for (const parameter of check.parameters) {
        const where = parameter.fromStack;
        if (where && 'output' in where) expect(Object.keys(template.Outputs ?? {})).toContain(where.output);
        if (where && 'parameter' in where) {
          expect(Object.keys(template.Parameters ?? {})).toContain(where.parameter);
          // The deployed rule takes the value from that very template parameter (left out when empty,
          // as Config rejects empty values).
          const value = rule.InputParameters[parameter.name] as { 'Fn::If'?: unknown[] };
          expect(value['Fn::If']?.[1] ?? value).toEqual({ Ref: where.parameter });
        }
      }
    },
  );

  it('runs each rule on the same names the rule uses (no fixed ConfigRuleName, so events carry the logical ID)', () => {
    for (const check of CHECKS)
      expect(
        (template.Resources[check.logicalId]?.Properties as Record<string, unknown>).ConfigRuleName,
      ).toBeUndefined();
  });

  it('finds the checks for a resource type, as evaluate does for change events', () => {
    expect(checksForResourceType('AWS::IAM::Role')).toEqual([instanceRoleCheck, ssmAccessCheck]);
    expect(checksForResourceType('AWS::IAM::Policy')).toEqual([ssmAccessCheck]);
    expect(checksForResourceType('AWS::SSM::Document')).toEqual([sessionDocumentCheck]);
    expect(checksForResourceType('AWS::S3::Bucket')).toEqual([]);
  });

  it("names, in each parameter's help, the default its rule applies when neither the flag nor the stack gives one", () => {
    const sample = loadSampleAccount();
    const defaults = (check: Check, raw: Record<string, string> = {}) =>
      check.rule(sample).parseParameters(raw) as unknown as Record<string, unknown>;
    const helpOf = (check: Check, name: string) => check.parameters.find((p) => p.name === name)?.description;
    const preferences = defaults(sessionDocumentCheck);
    expect(helpOf(sessionDocumentCheck, 'MaxIdleSessionTimeoutMinutes')).toMatch(
      new RegExp(`, else ${preferences.maxIdleSessionTimeoutMinutes}\\)$`),
    );
    expect(helpOf(sessionDocumentCheck, 'MaxSessionDurationMinutes')).toMatch(
      new RegExp(`, else ${preferences.maxSessionDurationMinutes}\\)$`),
    );
    const rolePolicy = defaults(instanceRoleCheck, {
      PolicyArn: 'arn:aws:iam::111122223333:policy/SessionManagerInstancePolicy',
    });
    expect(helpOf(instanceRoleCheck, 'ExemptionTagKey')).toMatch(
      new RegExp(`, else ${rolePolicy.exemptionTagKey}\\)$`),
    );
    expect(helpOf(ssmAccessCheck, 'BreakGlassTagKey')).toMatch(
      new RegExp(`, else ${defaults(ssmAccessCheck).breakGlassTagKey}\\)$`),
    );
  });

  it('names the resources of each check for reports', async () => {
    const sample = loadSampleAccount();
    expect((await ssmAccessCheck.resourceNames(sample)).get('AGPAQXAMPLEINCIDENT02')).toBe('incident-responders');
    expect((await sessionDocumentCheck.resourceNames(sample)).get('111122223333')).toBe('AWS account');
  });
});
