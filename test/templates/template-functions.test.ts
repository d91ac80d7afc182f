/**
 * Every function's resource set in template.yaml is written from functions/deployment.yaml:
 * current, complete, and refusing a description it would expand wrongly.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CLOUDFORMATION_TAGS } from '../../cli/iac/cloudformation-yaml';
import {
  DESCRIPTION_FILE,
  describedFunctions,
  functionBlock,
  withFunctionBlocks,
} from '../../scripts/template-functions';
import { readTemplate } from '../../scripts/template';

const root = resolve(import.meta.dirname, '../..');
const templateText = readFileSync(join(root, 'template.yaml'), 'utf8');
const descriptionText = readFileSync(join(root, DESCRIPTION_FILE), 'utf8');
const template = readTemplate(join(root, 'template.yaml'));
const functions = describedFunctions(descriptionText, root);
/** YAML with CloudFormation's short-form intrinsics, as data. */
const load = (text: string): unknown => parse(text, { customTags: CLOUDFORMATION_TAGS });

const MINIMAL = `BuildProperties:
  Format: esm
Functions:
  Probe:
    Folder: attach-policy
    Function:
      Description: probe
    Role:
      Description: probe role
    ConfigRule:
      Title: the probe rule
      Description: probe rule
      Scope:
        ComplianceResourceTypes: ['AWS::IAM::Role']
`;
const TEMPLATE =
  'Resources:\n  # BEGIN function Probe (npm run generate writes this block from functions/deployment.yaml)\n  # END function Probe\n';
const expand = (description: string, text = TEMPLATE) => withFunctionBlocks(text, description, root);

describe(`template.yaml's function resource sets (${DESCRIPTION_FILE})`, () => {
  it('are what npm run generate writes (run it after editing the description)', () => {
    expect(withFunctionBlocks(templateText, descriptionText, root)).toBe(templateText);
  });

  it('cover every function the template deploys', () => {
    const deployed = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Serverless::Function')
      .map(([id]) => id);
    expect(deployed.sort()).toEqual(functions.map((fn) => `${fn.name}Function`).sort());
  });

  it('give every rule all three notification types and its own results and alarm', () => {
    const rules = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Config::ConfigRule');
    expect(rules.map(([id]) => id).sort()).toEqual(
      functions
        .filter((fn) => fn.ruleTitle)
        .map((fn) => fn.name)
        .sort(),
    );
    for (const [id, rule] of rules) {
      const source = rule.Properties?.Source as { SourceIdentifier: unknown; SourceDetails: { MessageType: string }[] };
      expect(source.SourceIdentifier).toEqual({ 'Fn::GetAtt': [`${id}Function`, 'Arn'] });
      expect(source.SourceDetails.map((d) => d.MessageType)).toEqual([
        'ConfigurationItemChangeNotification',
        'OversizedConfigurationItemChangeNotification',
        'ScheduledNotification',
      ]);
      expect(rule.DependsOn).toBe(`${id}Permission`);
      expect(template.Resources[`${id}ResultsPolicy`]?.Properties?.PolicyDocument).toMatchObject({
        Statement: [{ Resource: { 'Fn::GetAtt': [id, 'Arn'] } }],
      });
      expect(template.Resources[`${id}ErrorsAlarm`]?.Properties?.Dimensions).toEqual([
        { Name: 'FunctionName', Value: { Ref: `${id}Function` } },
      ]);
    }
  });

  it("let each function's role write its own log group first, then grant what the description adds", () => {
    const description = load(descriptionText) as { Functions: Record<string, { Role: { Policies?: unknown[] } }> };
    for (const fn of functions) {
      const policies = template.Resources[`${fn.name}FunctionRole`]?.Properties?.Policies as {
        PolicyName: string;
        PolicyDocument: unknown;
      }[];
      expect(policies[0]).toMatchObject({
        PolicyName: 'write-own-logs',
        PolicyDocument: { Statement: [{ Resource: { 'Fn::GetAtt': [`${fn.name}LogGroup`, 'Arn'] } }] },
      });
      expect(policies.slice(1)).toEqual(description.Functions[fn.name]!.Role.Policies ?? []);
    }
  });

  it('build each function from its own folder with the shared BuildProperties', () => {
    const shared = (load(descriptionText) as { BuildProperties: Record<string, unknown> }).BuildProperties;
    for (const fn of functions) {
      expect(template.Resources[`${fn.name}Function`]?.Metadata).toEqual({
        BuildMethod: 'esbuild',
        BuildProperties: { ...shared, EntryPoints: [`functions/${fn.folder}/handler.ts`] },
      });
    }
  });

  it('expand a minimal description into the whole set, with the rule parts only for a rule', () => {
    const expanded = load(expand(MINIMAL)) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    expect(Object.keys(expanded.Resources)).toEqual([
      'ProbeFunction',
      'ProbeFunctionRole',
      'ProbeLogGroup',
      'ProbePermission',
      'Probe',
      'ProbeResultsPolicy',
      'ProbeErrorsAlarm',
    ]);
    expect(expanded.Resources.Probe!.Properties).not.toHaveProperty('Title');
    expect(expanded.Resources.ProbeErrorsAlarm).toMatchObject({ Condition: 'AlarmsOn' });
    const withoutRule = MINIMAL.slice(0, MINIMAL.indexOf('    ConfigRule:'));
    expect(Object.keys((load(expand(withoutRule)) as { Resources: object }).Resources)).toEqual([
      'ProbeFunction',
      'ProbeFunctionRole',
      'ProbeLogGroup',
    ]);
    expect(functionBlock(withoutRule, describedFunctions(withoutRule, root)[0]!)[0]).toBe('  ProbeFunction:');
  });

  it('refuse a description that would expand wrongly, saying what to fix', () => {
    expect(() => expand(MINIMAL.replace('attach-policy', 'no-such-function'))).toThrow(
      /functions\/no-such-function\/handler\.ts does not exist/,
    );
    expect(() => expand(MINIMAL.replace('    Function:', '    Timeout: 3\n    Function:'))).toThrow(
      /Functions\.Probe: unknown key\(s\) Timeout/,
    );
    expect(() =>
      expand(MINIMAL.replace('      Description: probe\n', '      Description: probe\n      Handler: x.handler\n')),
    ).toThrow(/Handler is written by the generator/);
    expect(() => expand(MINIMAL.replace('  Format: esm', '  EntryPoints: [x.ts]'))).toThrow(/must not set EntryPoints/);
    expect(() => expand(MINIMAL.replace('Title: the probe rule', "Title: it's"))).toThrow(
      /Title must be a short plain phrase/,
    );
    expect(() =>
      expand(
        MINIMAL.replace(
          '    Folder: attach-policy',
          '    Folder: attach-policy\n    Condition: ManagesSessionPreferences',
        ),
      ),
    ).toThrow(/not ManagesSessionPreferences/);
    expect(() =>
      expand(MINIMAL.replace('    Role:\n      Description: probe role', '    Role: {Description: probe role}')),
    ).toThrow(/write Role as a block/);
  });

  it('refuse a template without a block for a described function, or with a block for none', () => {
    expect(() => expand(MINIMAL, 'Resources: {}\n')).toThrow(
      /no block for function Probe; put the lines "# BEGIN function Probe/,
    );
    const orphan = `${TEMPLATE}  # BEGIN function Gone (npm run generate writes this block from functions/deployment.yaml)\n  # END function Gone\n`;
    expect(() => expand(MINIMAL, orphan)).toThrow(
      /block for Gone, which functions\/deployment\.yaml does not describe/,
    );
  });
});
