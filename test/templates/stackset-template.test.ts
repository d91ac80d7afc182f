import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  STACKSET_OWN_PARAMETERS,
  STACKSET_TEMPLATE,
  templateParameters,
  withTemplateParameters,
} from '../../scripts/stackset-parameters';
import { stackSetTemplate } from '../../scripts/stackset-template';
import { readTemplate, samTransformed } from '../../scripts/template';
import { requireTool, toolPath } from '../support/tools';

const root = resolve(import.meta.dirname, '../..');
const PREFIX = 'sg-artifacts-111122223333';
const PACKAGED_CODE = { S3Bucket: `${PREFIX}-us-east-1`, S3Key: 'session-guard/5d41402abc4b2a76b9719d911017c592' };
const REGIONAL = { 'Fn::Sub': `${PREFIX}-\${AWS::Region}` };

/** The shape `get-template --template-stage Processed` returns for a packaged SAM function. */
const processed = (extra: Record<string, unknown> = {}) => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Conditions: { IsGlobalResourcesRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'GlobalResourcesRegion' }] } },
  Resources: {
    RuleFunction: {
      Type: 'AWS::Lambda::Function',
      Condition: 'IsGlobalResourcesRegion',
      Properties: { Code: { ...PACKAGED_CODE }, Handler: 'handler.handler', Runtime: 'nodejs22.x' },
    },
    Inline: { Type: 'AWS::Lambda::Function', Properties: { Code: { ZipFile: 'exports.handler = async () => {}' } } },
  },
  ...extra,
});

describe('stackSetTemplate', () => {
  it('points every packaged function at the artifacts bucket of the region it lands in', () => {
    const input = processed();
    const out = stackSetTemplate(input, PREFIX);
    expect(out.Resources.RuleFunction?.Properties?.Code).toEqual({ S3Bucket: REGIONAL, S3Key: PACKAGED_CODE.S3Key });
    expect(out.Resources.Inline?.Properties?.Code).toEqual({ ZipFile: 'exports.handler = async () => {}' });
    expect(out.Conditions).toEqual(input.Conditions);
    // The input is left as it was.
    expect(input.Resources.RuleFunction.Properties.Code.S3Bucket).toBe(`${PREFIX}-us-east-1`);
  });

  it('refuses a template that still needs the SAM transform, and says which stage to fetch', () => {
    expect(() => stackSetTemplate(processed({ Transform: 'AWS::Serverless-2016-10-31' }), PREFIX)).toThrow(
      /--template-stage Processed/,
    );
  });

  it('refuses code packaged into a bucket that is not one of the regional artifact buckets', () => {
    const elsewhere = processed();
    elsewhere.Resources.RuleFunction.Properties.Code.S3Bucket = 'aws-sam-cli-managed-default-samclisourcebucket-1a2b3c';
    expect(() => stackSetTemplate(elsewhere, PREFIX)).toThrow(
      /RuleFunction: its code is in bucket aws-sam-cli-managed-default/,
    );
  });

  it('refuses a template where something else still names the one-region bucket', () => {
    const leftover = processed({ Outputs: { Code: { Value: `s3://${PREFIX}-us-east-1/session-guard/x` } } });
    expect(() => stackSetTemplate(leftover, PREFIX)).toThrow(
      /Outputs\.Code\.Value still refer\(s\) to sg-artifacts-111122223333-us-east-1/,
    );
  });

  it('refuses input that is not a packaged template, and a prefix the artifacts stack would reject', () => {
    expect(() => stackSetTemplate({ Resources: {} }, PREFIX)).toThrow(/no Lambda code in S3/);
    expect(() => stackSetTemplate('nope', PREFIX)).toThrow(/not a CloudFormation template/);
    expect(() => stackSetTemplate(processed(), 'Session_Guard')).toThrow(/--bucket-prefix "Session_Guard"/);
  });
});

// The real template.yaml, expanded by the SAM translator (the code CloudFormation runs for the
// transform; cfn-lint ships it), then made StackSet-ready and linted.
const toolsAvailable = requireTool('samTranslator') && requireTool('cfnLint');

describe.skipIf(!toolsAvailable)('the StackSet template made from template.yaml', () => {
  it('has no transform, regional code for every function, and is cfn-lint clean', () => {
    const expanded = samTransformed(
      join(root, 'template.yaml'),
      `s3://${PACKAGED_CODE.S3Bucket}/${PACKAGED_CODE.S3Key}`,
    );
    const out = stackSetTemplate(expanded, PREFIX);

    expect(out).not.toHaveProperty('Transform');
    const functions = Object.values(out.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) expect((fn.Properties?.Code as Record<string, unknown>).S3Bucket).toEqual(REGIONAL);
    // Every parameter sam/stackset.yaml passes must exist in the template, or the StackSet fails.
    const passed = readFileSync(join(root, 'sam', 'stackset.yaml'), 'utf8').matchAll(/ParameterKey: (\w+)/g);
    for (const [, key] of passed) expect(out.Parameters, `stackset.yaml passes ${key}`).toHaveProperty(key!);

    const file = join(mkdtempSync(join(tmpdir(), 'stackset-')), 'stackset-template.json');
    writeFileSync(file, JSON.stringify(out));
    const lint = spawnSync(toolPath('cfnLint'), ['--', file], { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });
});

describe(`${STACKSET_TEMPLATE} and template.yaml's parameters`, () => {
  const text = readFileSync(join(root, STACKSET_TEMPLATE), 'utf8');
  const stackSet = readTemplate(join(root, STACKSET_TEMPLATE)) as ReturnType<typeof readTemplate> & {
    Resources: {
      SessionGuardStackSet: { Properties: { Parameters: { ParameterKey: string; ParameterValue: unknown }[] } };
    };
  };
  const parameters = templateParameters();

  it('is what npm run generate:stackset writes (run it after changing a parameter of template.yaml)', () => {
    expect(withTemplateParameters(text, parameters)).toBe(text);
  });

  it('declares every parameter of template.yaml exactly as template.yaml does, and passes it to every stack', () => {
    for (const [name, declaration] of Object.entries(parameters))
      expect(stackSet.Parameters?.[name], name).toEqual(declaration);
    const passed = stackSet.Resources.SessionGuardStackSet.Properties.Parameters;
    expect(passed.map((p) => p.ParameterKey)).toEqual(Object.keys(parameters));
    for (const p of passed) expect(p.ParameterValue, p.ParameterKey).toEqual({ Ref: p.ParameterKey });
    const own = Object.keys(stackSet.Parameters ?? {}).filter((name) => !(name in parameters));
    expect(own.sort()).toEqual([...STACKSET_OWN_PARAMETERS].sort());
  });

  it('refuses to write a block whose markers are gone, or a parameter that clashes with its own', () => {
    expect(() => withTemplateParameters('Parameters: {}\n', parameters)).toThrow(
      /has no block "# BEGIN parameters of template.yaml/,
    );
    expect(() => withTemplateParameters(text, { ...parameters, Regions: { Type: 'String' } })).toThrow(
      /Regions clash with sam\/stackset.yaml's own/,
    );
  });

  it('is explained in docs/rollout.md, parameter by parameter', () => {
    const rollout = readFileSync(join(root, 'docs/rollout.md'), 'utf8');
    const names = [...Object.keys(parameters), ...STACKSET_OWN_PARAMETERS];
    expect(names.filter((name) => !rollout.includes(`\`${name}\``))).toEqual([]);
  });
});
