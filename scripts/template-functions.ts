/**
 * Writes every function's resource set into template.yaml from functions/deployment.yaml: the
 * function with its esbuild Metadata, its role (Lambda trust bound to this account, its own log
 * group only), its log group and, for a Config rule, the Lambda permission, the rule, the policy
 * that reads the rule's own results and the alarm on its errors. What differs between functions
 * (descriptions, timeouts, their own IAM statements, a rule's scope and parameters) is copied from
 * the description line for line, comments included; the rest is written here once.
 *
 * template.yaml stays the complete template CloudFormation, `sam build`, cfn-lint and the tests
 * read; each set sits between "# BEGIN function <Name>" and "# END function <Name>" lines, and a
 * test fails while a block differs from what this writes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CLOUDFORMATION_TAGS } from '../cli/iac/cloudformation-yaml';
import { isRecord } from '../functions/shared/core/validation';
import { replaceBlock } from './marker-block';

export const DESCRIPTION_FILE = 'functions/deployment.yaml';

export class FunctionDescriptionError extends Error {
  override name = 'FunctionDescriptionError';
}

export interface FunctionDescription {
  /** The prefix of every logical ID in the set: `<Name>Function`, `<Name>FunctionRole`, ... */
  readonly name: string;
  /** The function's folder under functions/, holding handler.ts. */
  readonly folder: string;
  readonly condition?: string | undefined;
  /** For a Config rule: how its alarm names it ("the instance-role rule"). */
  readonly ruleTitle?: string | undefined;
}

const FUNCTION_KEYS = ['Folder', 'Condition', 'Function', 'Role', 'ConfigRule'];
const RULE_KEYS = ['Title', 'Description', 'Scope', 'InputParameters'];
/** Properties the generator writes itself; the description may not set them. */
const GENERATED_FUNCTION_PROPERTIES = ['CodeUri', 'Handler', 'LoggingConfig', 'Role'];
const GENERATED_ROLE_PROPERTIES = ['AssumeRolePolicyDocument'];
/** A rule's alarm condition follows the rule's: only these two placements exist. */
const ALARM_CONDITIONS: Record<string, string> = { '': 'AlarmsOn', IsGlobalResourcesRegion: 'GlobalAlarmsOn' };

/** The functions the description declares, checked: a wrong key or folder fails with what to fix. */
export function describedFunctions(descriptionText: string, root: string): FunctionDescription[] {
  const description: unknown = parse(descriptionText, { customTags: CLOUDFORMATION_TAGS, uniqueKeys: true });
  if (!isRecord(description) || !isRecord(description.BuildProperties) || !isRecord(description.Functions)) {
    throw new FunctionDescriptionError(`${DESCRIPTION_FILE} must be a map with BuildProperties and Functions.`);
  }
  if ('EntryPoints' in description.BuildProperties) {
    throw new FunctionDescriptionError(
      `${DESCRIPTION_FILE}: BuildProperties must not set EntryPoints; each function's comes from its Folder.`,
    );
  }
  return Object.entries(description.Functions).map(([name, fn]) => {
    const where = `${DESCRIPTION_FILE}: Functions.${name}`;
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name))
      throw new FunctionDescriptionError(
        `${where}: the name must be alphanumeric and start with a capital, as logical IDs do.`,
      );
    if (!isRecord(fn)) throw new FunctionDescriptionError(`${where} must be a map with ${FUNCTION_KEYS.join(', ')}.`);
    rejectUnknown(where, fn, FUNCTION_KEYS);
    if (typeof fn.Folder !== 'string' || !existsSync(join(root, 'functions', fn.Folder, 'handler.ts'))) {
      throw new FunctionDescriptionError(
        `${where}.Folder must name a folder under functions/ with a handler.ts; ` +
          `functions/${String(fn.Folder)}/handler.ts does not exist.`,
      );
    }
    if (fn.Condition !== undefined && typeof fn.Condition !== 'string')
      throw new FunctionDescriptionError(`${where}.Condition must be the name of a condition.`);
    for (const part of ['Function', 'Role'] as const) {
      if (!isRecord(fn[part]))
        throw new FunctionDescriptionError(`${where}.${part} must be a map of properties (at least a Description).`);
    }
    rejectGenerated(`${where}.Function`, fn.Function as Record<string, unknown>, GENERATED_FUNCTION_PROPERTIES);
    rejectGenerated(`${where}.Role`, fn.Role as Record<string, unknown>, GENERATED_ROLE_PROPERTIES);
    if (fn.ConfigRule === undefined) return { name, folder: fn.Folder, condition: fn.Condition };
    if (!isRecord(fn.ConfigRule))
      throw new FunctionDescriptionError(`${where}.ConfigRule must be a map with ${RULE_KEYS.join(', ')}.`);
    rejectUnknown(`${where}.ConfigRule`, fn.ConfigRule, RULE_KEYS);
    const title = fn.ConfigRule.Title;
    if (typeof title !== 'string' || !/^[\w -]+$/.test(title)) {
      throw new FunctionDescriptionError(
        `${where}.ConfigRule.Title must be a short plain phrase such as "the instance-role rule".`,
      );
    }
    if (!((fn.Condition ?? '') in ALARM_CONDITIONS)) {
      throw new FunctionDescriptionError(
        `${where}: a Config rule deploys in every region or with Condition IsGlobalResourcesRegion, not ` +
          `${String(fn.Condition)}.`,
      );
    }
    return { name, folder: fn.Folder, condition: fn.Condition, ruleTitle: title };
  });
}

function rejectUnknown(where: string, map: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(map).filter((key) => !known.includes(key));
  if (unknown.length > 0)
    throw new FunctionDescriptionError(`${where}: unknown key(s) ${unknown.join(', ')}; expected ${known.join(', ')}.`);
}

function rejectGenerated(where: string, map: Record<string, unknown>, generated: readonly string[]): void {
  const set = Object.keys(map).filter((key) => generated.includes(key));
  if (set.length > 0)
    throw new FunctionDescriptionError(
      `${where}: ${set.join(', ')} is written by the generator for every function; remove it here.`,
    );
}

/**
 * The lines of the block under `key:` at `indent` spaces inside `lines` (comments included), or
 * undefined when the key is absent. Blocks must be block style, as template.yaml writes them.
 */
function blockUnder(lines: readonly string[], key: string, indent: number): string[] | undefined {
  const head = `${' '.repeat(indent)}${key}:`;
  const start = lines.findIndex((line) => line === head || line.startsWith(`${head} #`));
  if (start < 0) {
    if (lines.some((line) => line.startsWith(`${head} `))) {
      throw new FunctionDescriptionError(
        `${DESCRIPTION_FILE}: write ${key} as a block (its entries on the lines below), not on one line.`,
      );
    }
    return undefined;
  }
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && line.search(/\S/) <= indent) break;
    body.push(line);
  }
  while (body.length > 0 && body.at(-1)!.trim() === '') body.pop();
  return body;
}

/** Moves block lines from one indentation to another. */
const reindent = (lines: readonly string[], from: number, to: number): string[] =>
  lines.map((line) =>
    line.trim() === '' ? '' : to >= from ? `${' '.repeat(to - from)}${line}` : line.slice(from - to),
  );

/** The lines of one function's resource set, at the indentation of template.yaml's Resources. */
export function functionBlock(descriptionText: string, fn: FunctionDescription): string[] {
  const lines = descriptionText.split('\n');
  const own = blockUnder(blockUnder(lines, 'Functions', 0) ?? [], fn.name, 2) ?? [];
  const part = (key: string) => blockUnder(own, key, 4) ?? [];
  const buildProperties = reindent(blockUnder(lines, 'BuildProperties', 0) ?? [], 2, 8);
  const functionProperties = part('Function');
  const role = part('Role');
  const policies = blockUnder(role, 'Policies', 6) ?? [];
  const roleProperties = withoutBlock(role, 'Policies', 6);
  const rule = part('ConfigRule').filter((line) => !line.startsWith('      Title:'));

  const condition = fn.condition ? [`    Condition: ${fn.condition}`] : [];
  const { name } = fn;
  const resources: string[][] = [
    [
      `  ${name}Function:`,
      '    Type: AWS::Serverless::Function',
      ...condition,
      '    Metadata:',
      '      BuildMethod: esbuild',
      '      BuildProperties:',
      `        EntryPoints: [functions/${fn.folder}/handler.ts]`,
      ...buildProperties,
      '    Properties:',
      ...functionProperties,
      '      CodeUri: .',
      '      Handler: handler.handler',
      '      LoggingConfig:',
      `        LogGroup: !Ref ${name}LogGroup`,
      '        LogFormat: JSON',
      `      Role: !GetAtt ${name}FunctionRole.Arn`,
    ],
    [
      "  # An explicit role instead of SAM's generated one: the generated role carries",
      '  # AWSLambdaBasicExecutionRole, which may write to every log group of the account.',
      `  ${name}FunctionRole:`,
      '    Type: AWS::IAM::Role',
      ...condition,
      '    Properties:',
      ...roleProperties,
      '      AssumeRolePolicyDocument:',
      "        Version: '2012-10-17'",
      '        Statement:',
      '          - Effect: Allow',
      '            Principal:',
      '              Service: lambda.amazonaws.com',
      '            Action: sts:AssumeRole',
      '            Condition:',
      '              StringEquals:',
      "                aws:SourceAccount: !Ref 'AWS::AccountId'",
      '      Policies:',
      '        - PolicyName: write-own-logs',
      '          PolicyDocument:',
      "            Version: '2012-10-17'",
      '            Statement:',
      '              - Effect: Allow',
      '                Action:',
      '                  - logs:CreateLogStream',
      '                  - logs:PutLogEvents',
      `                Resource: !GetAtt ${name}LogGroup.Arn`,
      ...policies,
    ],
    [
      `  ${name}LogGroup:`,
      '    Type: AWS::Logs::LogGroup',
      ...condition,
      '    Properties:',
      '      RetentionInDays: !Ref LogRetentionDays',
    ],
  ];
  if (fn.ruleTitle) resources.push(...ruleResources(fn, fn.ruleTitle, rule, condition));
  return resources.flatMap((resource, i) => (i === 0 ? resource : ['', ...resource]));
}

function withoutBlock(lines: readonly string[], key: string, indent: number): string[] {
  const start = lines.indexOf(`${' '.repeat(indent)}${key}:`);
  if (start < 0) return [...lines];
  const length = 1 + (blockUnder(lines, key, indent)?.length ?? 0);
  return [...lines.slice(0, start), ...lines.slice(start + length)];
}

function ruleResources(
  fn: FunctionDescription,
  title: string,
  rule: readonly string[],
  condition: readonly string[],
): string[][] {
  const { name } = fn;
  return [
    [
      '  # Config calls the function. PutConfigRule checks this permission, so the rule depends on it and',
      "  # the permission cannot name the rule's ARN; SourceAccount keeps other accounts out.",
      `  ${name}Permission:`,
      '    Type: AWS::Lambda::Permission',
      ...condition,
      '    Properties:',
      '      Action: lambda:InvokeFunction',
      `      FunctionName: !GetAtt ${name}Function.Arn`,
      '      Principal: config.amazonaws.com',
      "      SourceAccount: !Ref 'AWS::AccountId'",
    ],
    [
      `  ${name}:`,
      '    Type: AWS::Config::ConfigRule',
      ...condition,
      `    DependsOn: ${name}Permission`,
      '    Properties:',
      ...rule,
      '      Source:',
      '        Owner: CUSTOM_LAMBDA',
      `        SourceIdentifier: !GetAtt ${name}Function.Arn`,
      // Both change notifications: an item too large for the event arrives only as the oversized kind.
      '        SourceDetails:',
      '          - EventSource: aws.config',
      '            MessageType: ConfigurationItemChangeNotification',
      '          - EventSource: aws.config',
      '            MessageType: OversizedConfigurationItemChangeNotification',
      '          - EventSource: aws.config',
      '            MessageType: ScheduledNotification',
      '            MaximumExecutionFrequency: !Ref SweepFrequency',
    ],
    [
      "  # Reading the rule's earlier results names the rule itself. It is a separate policy because the",
      "  # rule is created after the function: inlining it in the function's role would be a cycle.",
      `  ${name}ResultsPolicy:`,
      '    Type: AWS::IAM::RolePolicy',
      ...condition,
      '    Properties:',
      `      RoleName: !Ref ${name}FunctionRole`,
      '      PolicyName: read-own-rule-results',
      '      PolicyDocument:',
      "        Version: '2012-10-17'",
      '        Statement:',
      '          - Sid: ReadOwnResults',
      '            Effect: Allow',
      '            Action: config:GetComplianceDetailsByConfigRule',
      `            Resource: !GetAtt ${name}.Arn`,
    ],
    [
      "  # A rule function that fails reports nothing, so Config's dashboard silently goes stale.",
      `  ${name}ErrorsAlarm:`,
      '    Type: AWS::CloudWatch::Alarm',
      `    Condition: ${ALARM_CONDITIONS[fn.condition ?? '']}`,
      '    Properties:',
      `      AlarmDescription: !Sub 'session-guard \${DeploymentName}: ${title} function failed; its evaluations ` +
        `were not delivered. See its logs.'`,
      '      Namespace: AWS/Lambda',
      '      MetricName: Errors',
      '      Dimensions:',
      '        - Name: FunctionName',
      `          Value: !Ref ${name}Function`,
      '      Statistic: Sum',
      '      Period: 300',
      '      EvaluationPeriods: 1',
      '      Threshold: 1',
      '      ComparisonOperator: GreaterThanOrEqualToThreshold',
      '      TreatMissingData: notBreaching',
      '      AlarmActions: [!Ref AlarmTopicArn]',
    ],
  ];
}

const beginMarker = (name: string) =>
  `  # BEGIN function ${name} (npm run generate writes this block from ${DESCRIPTION_FILE})`;
const endMarker = (name: string) => `  # END function ${name}`;

/** template.yaml's text with every function's block written from the description. */
export function withFunctionBlocks(templateText: string, descriptionText: string, root: string): string {
  const functions = describedFunctions(descriptionText, root);
  const described = new Set(functions.map((fn) => fn.name));
  const orphans = [...templateText.matchAll(/^ {2}# BEGIN function (\w+) /gm)]
    .map((m) => m[1]!)
    .filter((name) => !described.has(name));
  if (orphans.length > 0) {
    throw new FunctionDescriptionError(
      `template.yaml has a block for ${orphans.join(', ')}, which ${DESCRIPTION_FILE} does not describe; delete ` +
        `the block or describe the function.`,
    );
  }
  let text = templateText;
  for (const fn of functions) {
    const begin = beginMarker(fn.name);
    const end = endMarker(fn.name);
    text = replaceBlock(
      text,
      begin,
      end,
      functionBlock(descriptionText, fn).join('\n'),
      () =>
        new FunctionDescriptionError(
          `template.yaml has no block for function ${fn.name}; put the lines "${begin.trim()}" and "${end.trim()}" ` +
            `under Resources where its resources belong.`,
        ),
    );
  }
  return text;
}
