/**
 * A test-only runner for SSM Automation documents (schemaVersion 0.3), for exactly the actions our
 * documents use. moto does not implement StartAutomationExecution, so end-to-end tests run the real
 * document with this instead: parameters checked against their allowedPattern, `{{ }}` references
 * resolved, steps run in the documented order (nextStep, isEnd, aws:branch Choices/Default, else
 * the next step), step outputs selected by JSONPath, document outputs collected.
 *
 * What it does not model: the assume role (steps run with the test's credentials), timeouts,
 * aws:sleep's wait, and any action not listed in `ACTIONS`, which fails loudly.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { toolPath } from './tools';

export interface StepOutput {
  readonly Name: string;
  readonly Selector: string;
  readonly Type: 'String' | 'StringList' | 'Integer' | 'Boolean' | 'StringMap' | 'MapList';
}

export interface AutomationStep {
  readonly name: string;
  readonly action: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs?: readonly StepOutput[];
  readonly nextStep?: string;
  readonly isEnd?: boolean;
  readonly onFailure?: string;
  readonly maxAttempts?: number;
}

export interface AutomationDocument {
  readonly schemaVersion: string;
  readonly assumeRole?: string;
  readonly parameters?: Record<string, { type: string; default?: unknown; allowedPattern?: string }>;
  readonly mainSteps: readonly AutomationStep[];
  readonly outputs?: readonly string[];
}

export interface AutomationEnvironment {
  /** Invokes a Lambda function; a thrown error is a function error. */
  invokeFunction(functionName: string, payload: unknown): Promise<unknown>;
  /** Calls an AWS API the way aws:executeAwsApi does (service namespace, operation, its inputs). */
  callAwsApi(service: string, api: string, input: Record<string, unknown>): Promise<unknown>;
  /**
   * Whether a function error fails an aws:invokeLambdaFunction step. The action's reference does
   * not say, so documents are tested under both answers.
   */
  readonly functionErrorFailsStep: boolean;
}

export interface StepExecution {
  readonly name: string;
  readonly action: string;
  readonly status: 'Success' | 'Failed';
  readonly outputs: Record<string, unknown>;
  readonly failureMessage?: string;
}

export interface AutomationExecution {
  readonly status: 'Success' | 'Failed';
  readonly steps: readonly StepExecution[];
  /** The document's outputs that were produced, keyed `Step.Output`. */
  readonly outputs: Record<string, unknown>;
  readonly failureMessage?: string;
}

/** Loads a document file, filling in CloudFormation Fn::Sub variables the way the stack would. */
export function loadAutomationDocument(path: string, substitutions: Record<string, string> = {}): AutomationDocument {
  const text = readFileSync(path, 'utf8').replace(/\$\{([^}!]+)\}/g, (whole, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`${path}: no value for the Fn::Sub variable ${whole}`);
    return value;
  });
  return parse(text) as AutomationDocument;
}

/** Every `{{ name }}` reference in a value, in order. */
export function referencesIn(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(/\{\{\s*([\w.:-]+)\s*\}\}/g)].map((m) => m[1]!);
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(referencesIn);
  return [];
}

/** The actions this runner knows; the document tests check that a document uses no others. */
export const ACTIONS = [
  'aws:invokeLambdaFunction',
  'aws:executeScript',
  'aws:branch',
  'aws:executeAwsApi',
  'aws:sleep',
] as const;

/** Something the runner cannot do: a test problem, never a step failure. */
export class RunnerLimitation extends Error {
  override name = 'RunnerLimitation';
}

export async function runAutomation(
  document: AutomationDocument,
  parameters: Record<string, unknown>,
  environment: AutomationEnvironment,
): Promise<AutomationExecution> {
  const variables = new Map<string, unknown>(Object.entries(resolveParameters(document, parameters)));
  const steps: StepExecution[] = [];
  const indexOf = new Map(document.mainSteps.map((s, i) => [s.name, i]));
  let index: number | undefined = 0;
  let failureMessage: string | undefined;

  while (index !== undefined && index < document.mainSteps.length) {
    const step: AutomationStep = document.mainSteps[index]!;
    const result = await runStepWithAttempts(step, variables, environment);
    steps.push(result.execution);
    for (const [name, value] of Object.entries(result.execution.outputs)) variables.set(`${step.name}.${name}`, value);

    if (result.execution.status === 'Failed') {
      const onFailure: string = step.onFailure ?? 'Abort';
      if (onFailure === 'Abort') {
        failureMessage = `Step ${step.name} failed: ${result.execution.failureMessage}`;
        break;
      }
      index = onFailure === 'Continue' ? index + 1 : stepIndex(indexOf, onFailure.replace(/^step:/, ''));
      continue;
    }
    if (step.isEnd) break;
    const next: string | undefined = result.branchTo ?? step.nextStep;
    index = next ? stepIndex(indexOf, next) : index + 1;
  }

  const outputs: Record<string, unknown> = {};
  for (const name of document.outputs ?? []) if (variables.has(name)) outputs[name] = variables.get(name);
  return {
    status: failureMessage ? 'Failed' : 'Success',
    steps,
    outputs,
    ...(failureMessage ? { failureMessage } : {}),
  };
}

function stepIndex(indexOf: Map<string, number>, name: string): number {
  const index = indexOf.get(name);
  if (index === undefined) throw new RunnerLimitation(`The document names step ${name}, which it does not have.`);
  return index;
}

function resolveParameters(document: AutomationDocument, given: Record<string, unknown>): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(document.parameters ?? {})) {
    const value = given[name] ?? spec.default;
    if (value === undefined) throw new Error(`Automation would not start: parameter ${name} is required.`);
    if (spec.allowedPattern && !new RegExp(spec.allowedPattern).test(String(value))) {
      throw new Error(
        `Automation would not start: parameter ${name}=${String(value)} does not match ${spec.allowedPattern}.`,
      );
    }
    resolved[name] = value;
  }
  const unknown = Object.keys(given).filter((name) => !(name in resolved));
  if (unknown.length > 0) throw new Error(`Automation would not start: unknown parameter(s) ${unknown.join(', ')}.`);
  return resolved;
}

async function runStepWithAttempts(
  step: AutomationStep,
  variables: Map<string, unknown>,
  environment: AutomationEnvironment,
) {
  let last: { execution: StepExecution; branchTo?: string } | undefined;
  for (let attempt = 1; attempt <= (step.maxAttempts ?? 1); attempt++) {
    last = await runStep(step, variables, environment);
    if (last.execution.status === 'Success') break;
  }
  return last!;
}

async function runStep(
  step: AutomationStep,
  variables: Map<string, unknown>,
  environment: AutomationEnvironment,
): Promise<{ execution: StepExecution; branchTo?: string }> {
  const record = (status: StepExecution['status'], outputs: Record<string, unknown>, failureMessage?: string) => ({
    name: step.name,
    action: step.action,
    status,
    outputs,
    ...(failureMessage ? { failureMessage } : {}),
  });
  try {
    const inputs = interpolate(step.inputs, variables) as Record<string, unknown>;
    switch (step.action) {
      case 'aws:branch':
        return { execution: record('Success', {}), ...branchTarget(inputs) };
      case 'aws:sleep':
        return { execution: record('Success', {}) };
      case 'aws:invokeLambdaFunction': {
        const response = await invokeLambda(inputs, environment);
        if (response.FunctionError && environment.functionErrorFailsStep) {
          return { execution: record('Failed', response, `Lambda function error: ${response.Payload}`) };
        }
        return { execution: record('Success', { ...response, ...selectOutputs(step, response) }) };
      }
      case 'aws:executeScript': {
        const response = { Payload: runPythonScript(inputs) };
        return { execution: record('Success', selectOutputs(step, response)) };
      }
      case 'aws:executeAwsApi': {
        const { Service, Api, ...apiInputs } = inputs;
        const response = await environment.callAwsApi(String(Service), String(Api), apiInputs);
        return { execution: record('Success', selectOutputs(step, response)) };
      }
      default:
        throw new RunnerLimitation(`The test runner does not implement ${step.action}.`);
    }
  } catch (error) {
    if (error instanceof RunnerLimitation) throw error;
    return { execution: record('Failed', {}, error instanceof Error ? error.message : String(error)) };
  }
}

/** `{{ name }}` → its value; a string that is one whole reference keeps the value's type (a list stays a list). */
function interpolate(value: unknown, variables: Map<string, unknown>): unknown {
  if (typeof value === 'string') {
    const lookup = (name: string) => {
      if (!variables.has(name))
        throw new Error(`{{ ${name} }} has no value (no such parameter, or its step did not produce it).`);
      return variables.get(name);
    };
    const whole = /^\{\{\s*([\w.:-]+)\s*\}\}$/.exec(value);
    if (whole) return lookup(whole[1]!);
    return value.replace(/\{\{\s*([\w.:-]+)\s*\}\}/g, (_, name: string) => String(lookup(name)));
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, variables));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, variables)]));
  return value;
}

async function invokeLambda(
  inputs: Record<string, unknown>,
  environment: AutomationEnvironment,
): Promise<Record<string, unknown>> {
  const payload = inputs.InputPayload ?? (typeof inputs.Payload === 'string' ? JSON.parse(inputs.Payload) : {});
  try {
    const result = await environment.invokeFunction(String(inputs.FunctionName), payload);
    return { StatusCode: 200, Payload: JSON.stringify(result ?? null) };
  } catch (error) {
    // What the Node.js Lambda runtime sends back for a thrown error.
    const e = error instanceof Error ? error : new Error(String(error));
    return {
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: [] }),
    };
  }
}

/** Runs an aws:executeScript Python handler with the local python3, as the action would with its runtime. */
function runPythonScript(inputs: Record<string, unknown>): unknown {
  if (!String(inputs.Runtime).startsWith('python3'))
    throw new RunnerLimitation(`The test runner only runs python3 scripts, not ${String(inputs.Runtime)}.`);
  const bootstrap = [
    'import json, sys',
    'request = json.load(sys.stdin)',
    'namespace = {}',
    "exec(compile(request['script'], 'Script', 'exec'), namespace)",
    'try:',
    "    result = namespace[request['handler']](request['events'], None)",
    'except Exception as error:',
    '    sys.stderr.write(str(error))',
    '    sys.exit(1)',
    'json.dump(result, sys.stdout, default=str)',
  ].join('\n');
  const run = spawnSync(toolPath('python3'), ['-c', bootstrap], {
    input: JSON.stringify({ script: inputs.Script, handler: inputs.Handler, events: inputs.InputPayload ?? {} }),
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(run.stderr.trim());
  return JSON.parse(run.stdout) as unknown;
}

type Choice = Record<string, unknown>;

function branchTarget(inputs: Record<string, unknown>): { branchTo?: string } {
  for (const choice of (inputs.Choices as Choice[] | undefined) ?? []) {
    if (choiceHolds(choice)) return { branchTo: String(choice.NextStep) };
  }
  return inputs.Default ? { branchTo: String(inputs.Default) } : {};
}

function choiceHolds(choice: Choice): boolean {
  if (Array.isArray(choice.And)) return (choice.And as Choice[]).every(choiceHolds);
  if (Array.isArray(choice.Or)) return (choice.Or as Choice[]).some(choiceHolds);
  if (choice.Not) return !choiceHolds(choice.Not as Choice);
  const variable = String(choice.Variable);
  if ('StringEquals' in choice) return variable === String(choice.StringEquals);
  if ('EqualsIgnoreCase' in choice) return variable.toLowerCase() === String(choice.EqualsIgnoreCase).toLowerCase();
  if ('StartsWith' in choice) return variable.startsWith(String(choice.StartsWith));
  if ('EndsWith' in choice) return variable.endsWith(String(choice.EndsWith));
  if ('Contains' in choice) return variable.includes(String(choice.Contains));
  throw new RunnerLimitation(
    `The test runner does not implement the aws:branch operator in ${JSON.stringify(choice)}.`,
  );
}

function selectOutputs(step: AutomationStep, response: unknown): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const output of step.outputs ?? []) {
    const matches = jsonPath(response, output.Selector);
    if (output.Type === 'StringList' || output.Type === 'MapList') outputs[output.Name] = matches;
    else if (matches.length > 0) outputs[output.Name] = matches[0];
  }
  return outputs;
}

/** The JSONPath subset selectors use: `$.a.b`, `$.a[0].b`, `$.a..b`. */
export function jsonPath(root: unknown, selector: string): unknown[] {
  if (!selector.startsWith('$')) throw new Error(`Selector ${selector} must start with $`);
  const tokens = [...selector.slice(1).matchAll(/(\.\.|\.)([\w-]+)|\[(\d+)\]/g)];
  let nodes: unknown[] = [root];
  for (const [, dots, name, position] of tokens) {
    if (position !== undefined)
      nodes = nodes.flatMap((n) => (Array.isArray(n) && Number(position) < n.length ? [n[Number(position)]] : []));
    else if (dots === '..') nodes = nodes.flatMap((n) => descendantsNamed(n, name!));
    else
      nodes = nodes.flatMap((n) =>
        n && typeof n === 'object' && name! in n ? [(n as Record<string, unknown>)[name!]] : [],
      );
  }
  return nodes;
}

function descendantsNamed(node: unknown, name: string): unknown[] {
  if (Array.isArray(node)) return node.flatMap((n) => descendantsNamed(n, name));
  if (!node || typeof node !== 'object') return [];
  const own = name in node ? [(node as Record<string, unknown>)[name]] : [];
  return [...own, ...Object.values(node).flatMap((v) => descendantsNamed(v, name))];
}
