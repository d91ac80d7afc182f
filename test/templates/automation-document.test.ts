/**
 * The remediation's Automation document and its place in template.yaml: valid against the SSM
 * document schema, wired (every reference, step name and output resolves), embedded verbatim, and
 * granted exactly what it uses.
 */
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EMBEDDED_DOCUMENTS, embedDocument } from '../../scripts/embed-automation-docs';
import { readTemplate } from '../../scripts/template';
import { ACTIONS, type AutomationDocument, type AutomationStep, referencesIn } from '../support/automation-runner';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const DOCUMENT_FILE = 'automation-docs/attach-instance-policy.yaml';
const documentText = readFileSync(root(DOCUMENT_FILE), 'utf8');
const document = parse(documentText) as AutomationDocument;
const template = readTemplate(root('template.yaml'));
const resources = template.Resources;

/**
 * The schema shipped by aws-ssm-document-language-service 1.0.0 predates the newer aws:executeScript
 * runtimes: its Runtime enum stops at python3.7. These are the runtimes the action's reference has
 * listed since; nothing else in the schema is changed.
 */
const RUNTIMES_NEWER_THAN_SCHEMA = ['python3.8', 'python3.9', 'python3.10', 'python3.11'];

function ssmSchema(patched: boolean): Record<string, unknown> {
  const schema = JSON.parse(
    readFileSync(root('node_modules/aws-ssm-document-language-service/dist/schema.json'), 'utf8'),
  );
  if (patched) {
    const executeScript = schema.properties.mainSteps.items.allOf.find(
      (rule: { if?: { properties?: { action?: { const?: string } } } }) =>
        rule.if?.properties?.action?.const === 'aws:executeScript',
    );
    executeScript.then.properties.inputs.properties.Runtime.oneOf[0].enum.push(...RUNTIMES_NEWER_THAN_SCHEMA);
  }
  return schema;
}

function validateAgainst(schema: Record<string, unknown>) {
  // The schema's patterns (e.g. `^{{...}}$`) are not valid under the unicode flag ajv uses by default.
  const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
  validate(document);
  return validate.errors ?? [];
}

/** Names of the steps a step can hand over to on success or failure. */
function successors(step: AutomationStep, index: number, steps: readonly AutomationStep[]): string[] {
  const names: string[] = [];
  if (step.action === 'aws:branch') {
    const choices = (step.inputs.Choices as { NextStep: string }[]) ?? [];
    names.push(...choices.map((c) => c.NextStep));
    names.push(step.inputs.Default ? String(step.inputs.Default) : (steps[index + 1]?.name ?? ''));
  } else if (!step.isEnd) {
    names.push(step.nextStep ?? steps[index + 1]?.name ?? '');
  }
  if (step.onFailure?.startsWith('step:')) names.push(step.onFailure.slice('step:'.length));
  return names.filter((n) => n !== '');
}

describe(`${DOCUMENT_FILE}: schema`, () => {
  it('is valid against the SSM Automation document schema, with only its out-of-date Runtime list extended', () => {
    expect(validateAgainst(ssmSchema(true))).toEqual([]);
  });

  it('fails the unpatched schema only on the executeScript Runtime (so the patch hides nothing else)', () => {
    const errors = validateAgainst(ssmSchema(false));
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.instancePath === '' || /^\/mainSteps\/\d+(\/inputs\/Runtime)?$/.test(error.instancePath)).toBe(true);
    }
    expect(errors.some((e) => e.instancePath.endsWith('/inputs/Runtime'))).toBe(true);
  });

  it('uses only actions the end-to-end test runner implements', () => {
    for (const step of document.mainSteps) expect(ACTIONS).toContain(step.action);
  });
});

describe(`${DOCUMENT_FILE}: wiring`, () => {
  const steps = document.mainSteps;
  const stepNames = steps.map((s) => s.name);
  const parameters = Object.keys(document.parameters ?? {});

  it('has the parameters the issue names and nothing else', () => {
    expect(parameters.sort()).toEqual(['AutomationAssumeRole', 'PolicyArn', 'RoleId']);
    expect(document.assumeRole).toBe('{{ AutomationAssumeRole }}');
  });

  it('has unique step names', () => {
    expect(new Set(stepNames).size).toBe(stepNames.length);
  });

  it('resolves every {{ }} reference to a parameter or to an output of an earlier step', () => {
    steps.forEach((step, index) => {
      for (const reference of referencesIn(step.inputs)) {
        if (parameters.includes(reference)) continue;
        const [stepName, output] = reference.split('.');
        const producer = steps.findIndex((s) => s.name === stepName);
        expect(producer, `${step.name} refers to {{ ${reference} }}`).toBeGreaterThanOrEqual(0);
        expect(producer, `${step.name} refers to a later step's output ${reference}`).toBeLessThan(index);
        const invokeOutputs =
          steps[producer]!.action === 'aws:invokeLambdaFunction'
            ? ['Payload', 'StatusCode', 'FunctionError', 'LogResult']
            : [];
        const declared = [...(steps[producer]!.outputs ?? []).map((o) => o.Name), ...invokeOutputs];
        expect(declared, `${step.name} refers to ${reference}`).toContain(output);
      }
    });
  });

  it('names only steps that exist, and every step is reachable from the first', () => {
    const reachable = new Set<string>([stepNames[0]!]);
    const queue = [stepNames[0]!];
    while (queue.length > 0) {
      const index = stepNames.indexOf(queue.shift()!);
      for (const next of successors(steps[index]!, index, steps)) {
        expect(stepNames, `${steps[index]!.name} hands over to ${next}`).toContain(next);
        if (!reachable.has(next)) reachable.add(next) && queue.push(next);
      }
    }
    expect([...reachable].sort()).toEqual([...stepNames].sort());
  });

  it('declares document outputs that the named steps produce', () => {
    expect(document.outputs).toEqual([
      'ReadOutcome.RoleName',
      'ReadOutcome.Action',
      'ReadOutcome.Reason',
      'AssertAttached.VerifiedPolicyArn',
    ]);
    for (const output of document.outputs ?? []) {
      const [stepName, name] = output.split('.');
      const step = steps.find((s) => s.name === stepName);
      expect(
        step?.outputs?.map((o) => o.Name),
        output,
      ).toContain(name);
    }
  });

  it('sends the function exactly the event the sample event shows', () => {
    const invoke = steps.find((s) => s.action === 'aws:invokeLambdaFunction')!;
    const sample = JSON.parse(readFileSync(root('sam/events/AttachPolicyFunction/invoke.json'), 'utf8'));
    expect(Object.keys(invoke.inputs.InputPayload as object).sort()).toEqual(Object.keys(sample).sort());
  });
});

describe('template.yaml: the remediation', () => {
  const json = (value: unknown) => JSON.stringify(value);
  const documentResource = resources.AttachPolicyDocument!;
  const remediation = resources.AttachPolicyRemediation!;
  const automationRole = resources.AttachPolicyAutomationRole!;
  const functionResource = resources.AttachPolicyFunction!;

  it('embeds every Automation document verbatim (run `npm run embed:automation-docs` after editing one)', () => {
    const text = readFileSync(root('template.yaml'), 'utf8');
    for (const doc of EMBEDDED_DOCUMENTS) {
      const content = resources[doc.logicalId]?.Properties?.Content as { 'Fn::Sub': string };
      expect(content['Fn::Sub'], `${doc.logicalId} differs from ${doc.file}`).toBe(
        readFileSync(root(doc.file), 'utf8'),
      );
      expect(embedDocument(text, doc, readFileSync(root(doc.file), 'utf8'))).toBe(text);
    }
  });

  it('fills in only the function ARN through Fn::Sub', () => {
    expect([...documentText.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1])).toEqual(['AttachPolicyFunction.Arn']);
    expect(documentResource.Properties).toMatchObject({ DocumentType: 'Automation', DocumentFormat: 'YAML' });
  });

  it('ties the remediation to the rule by reference, with RoleId from RESOURCE_ID and the document parameters exactly', () => {
    expect(remediation.Properties).toMatchObject({
      ConfigRuleName: { Ref: 'RolePolicyRule' },
      TargetType: 'SSM_DOCUMENT',
      TargetId: { Ref: 'AttachPolicyDocument' },
      Automatic: { 'Fn::If': ['IsAutomaticRemediation', true, false] },
      MaximumAutomaticAttempts: { Ref: 'RemediationMaximumAttempts' },
      RetryAttemptSeconds: { Ref: 'RemediationRetrySeconds' },
    });
    const parameters = remediation.Properties!.Parameters as Record<string, unknown>;
    expect(Object.keys(parameters).sort()).toEqual(Object.keys(document.parameters ?? {}).sort());
    expect(parameters.RoleId).toEqual({ ResourceValue: { Value: 'RESOURCE_ID' } });
    expect(parameters.PolicyArn).toEqual({ StaticValue: { Values: [{ Ref: 'SessionManagerInstancePolicy' }] } });
    expect(parameters.AutomationAssumeRole).toEqual({
      StaticValue: { Values: [{ 'Fn::GetAtt': ['AttachPolicyAutomationRole', 'Arn'] }] },
    });
    expect(template.Parameters?.AutomaticRemediation?.Default).toBe('false');
  });

  it('deploys every remediation resource only where IAM is recorded', () => {
    for (const id of [
      'AttachPolicyFunction',
      'AttachPolicyLogGroup',
      'AttachPolicyAutomationRole',
      'AttachPolicyDocument',
      'AttachPolicyRemediation',
    ]) {
      expect(resources[id]?.Condition, id).toBe('IsGlobalResourcesRegion');
    }
  });

  it("lets only this account and region's automation executions assume the automation role", () => {
    const trust = (automationRole.Properties!.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement;
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'ssm.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*',
            },
          },
        },
      },
    ]);
  });

  it('grants the automation role this function and the verify read, and nothing else', () => {
    const statements = (
      automationRole.Properties!.Policies as {
        PolicyDocument: { Statement: { Action: string; Resource: unknown }[] };
      }[]
    ).flatMap((p) => p.PolicyDocument.Statement);
    expect(statements.map((s) => [s.Action, s.Resource])).toEqual([
      ['lambda:InvokeFunction', { 'Fn::GetAtt': ['AttachPolicyFunction', 'Arn'] }],
      ['iam:ListAttachedRolePolicies', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*' }],
    ]);
    // Every API the document calls itself is among them.
    for (const step of document.mainSteps.filter((s) => s.action === 'aws:executeAwsApi')) {
      expect(statements.map((s) => s.Action)).toContain(`${step.inputs.Service}:${step.inputs.Api}`);
    }
    expect(json(template)).not.toContain('AmazonSSMAutomationRole');
    expect(automationRole.Properties).not.toHaveProperty('ManagedPolicyArns');
  });

  it('lets the function attach only the instance policy', () => {
    const functionRole = resources.AttachPolicyFunctionRole!;
    const statements = (
      functionRole.Properties!.Policies as {
        PolicyDocument: { Statement: { Action: unknown; Condition?: unknown }[] };
      }[]
    ).flatMap((p) => p.PolicyDocument.Statement);
    const attach = statements.filter((s) => json(s.Action).includes('iam:AttachRolePolicy'));
    expect(attach).toHaveLength(1);
    expect(attach[0]!.Condition).toEqual({ ArnEquals: { 'iam:PolicyARN': { Ref: 'SessionManagerInstancePolicy' } } });
    expect(json(statements)).not.toMatch(/iam:\*|"\*:|iam:Detach|iam:Put|iam:Create|iam:Delete/);
  });

  it("passes the rule's exemption tag key and node-role regions to the function", () => {
    expect(functionResource.Properties!.Environment).toEqual({
      Variables: { EXEMPTION_TAG_KEY: { Ref: 'ExemptionTagKey' }, NODE_ROLE_REGIONS: { Ref: 'NodeRoleRegions' } },
    });
  });
});
