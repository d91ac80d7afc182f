/**
 * `session-guard check`: the rules' checks on CloudFormation, SAM and Terraform before anything is
 * deployed, so a pull request meets the same verdicts AWS Config gives once it is.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { type Command, Option } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { InvalidRuleParameterError, parseRuleParameters } from '../../functions/shared/config-rule/parameters';
import { defaultVersionDocument, type NamedPolicyDocument } from '../../functions/shared/core/policy-subject';
import { sessionDocumentParametersSchema } from '../../functions/session-document-rule/rule';
import { instanceRoleParametersSchema } from '../../functions/instance-role-rule/rule';
import { ssmAccessParametersSchema } from '../../functions/ssm-access-rule/rule';
import { type Check, flagKey, flagName } from '../checks/check';
import { sessionDocumentCheck } from '../checks/session-document';
import { instanceRoleCheck } from '../checks/instance-role';
import { CHECKS } from '../checks/registry';
import { ssmAccessCheck } from '../checks/ssm-access';
import {
  checkCloudFormation,
  type IacFinding,
  type IacOptions,
  isCloudFormationTemplate,
  readCloudFormation,
  TemplateFileError,
  templateRuleParameters,
} from '../iac/cloudformation';
import type { AccountHome } from '../../functions/shared/core/ssm-access-guardrails';
import { isTerraformPlan, readTerraformFile, readTerraformPlan, TerraformFileError } from '../iac/terraform';
import { type CliIo, EXIT_FINDINGS, EXIT_OK, formatJson, stdoutStyle, UsageError, writeReportFile } from '../io';
import { iacReportJson, type IacReport, renderIacText } from '../report/iac-report';
import { renderSarif } from '../report/sarif';
import { readSampleAccountFile } from '../sources/sample-account-file';

interface CheckFlags {
  json?: boolean;
  sarif?: string;
  failOn: 'never' | 'non-compliant';
  accountId: string;
  partition: string;
  [parameterFlag: string]: unknown;
}

/** Files a folder is searched for: templates (CDK's cdk.out/*.template.json too), .tf files, plan JSON. */
const TEMPLATE_EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.template', '.tf']);
/** Folders that hold dependencies or build copies, never the templates under review. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.aws-sam', '.terraform']);

export function checkCommand(program: Command, io: CliIo, exit: (code: number) => void): Command {
  const command = program
    .command('check')
    .description(
      'Run the checks on CloudFormation and SAM templates (YAML or JSON, CDK cdk.out/*.template.json), ' +
        'Terraform .tf files and `terraform show -json` plans before they are deployed: ' +
        'IAM policies, roles, users and groups (ssm-access), Session documents ' +
        '(session-document), and, with --policy-arn, roles in instance profiles (instance-role). ' +
        'Folders are searched for templates; files that are not templates are left out.',
    )
    .argument('<paths...>', 'templates, .tf files, plan JSON, or folders to search')
    .option('--json', 'print the report as JSON on stdout instead of tables')
    .option(
      '--sarif <file>',
      'also write the NON_COMPLIANT findings to FILE as SARIF 2.1.0 (GitHub code scanning, other CI tools)',
    )
    .addOption(
      new Option('--fail-on <when>', 'exit 1 when a resource is NON_COMPLIANT (for pipelines)')
        .choices(['never', 'non-compliant'])
        .default('never'),
    )
    .option('--account-id <id>', 'the account the templates deploy to, as ${AWS::AccountId} reads', '123456789012')
    .addOption(
      new Option('--partition <partition>', 'the partition the templates deploy to, as ${AWS::Partition} reads')
        .choices(['aws', 'aws-cn', 'aws-us-gov'])
        .default('aws'),
    );
  for (const check of CHECKS) {
    for (const parameter of check.parameters) {
      if (parameter.name === 'NodeRoleRegions') continue;
      const description =
        parameter.name === 'PolicyArn'
          ? 'instance-role: the instance policy every instance role must carry, ' +
            'as an ARN or the logical ID of a managed policy in the template'
          : `${check.id}: ${parameter.description.replace(/ \(default: .*\)$/, '')}`;
      command.addOption(new Option(parameter.flag, description));
    }
  }
  return command.action(async (paths: string[], flags: CheckFlags) => {
    if (!/^\d{12}$/.test(flags.accountId))
      throw new UsageError(`--account-id ${JSON.stringify(flags.accountId)} is not a 12-digit AWS account ID.`);
    const files = templateFiles(paths);
    const findings: IacFinding[] = [];
    const home = { partition: flags.partition, accountId: flags.accountId };
    const knownManagedPolicy = knownAwsManagedPolicies(flags.partition);
    for (const { path, named } of files) {
      let read: Awaited<ReturnType<typeof readInfrastructureFile>>;
      try {
        read = await readInfrastructureFile(path, readText(path));
      } catch (error) {
        if (!(error instanceof TemplateFileError || error instanceof TerraformFileError)) throw error;
        if (named) throw new UsageError(error.message);
        io.stderr.write(`Skipped ${path}: ${error.message}\n`);
        continue;
      }
      if (!read) {
        if (named)
          throw new UsageError(
            `${path} is neither a CloudFormation or SAM template (no Resources with a Type) ` +
              'nor a Terraform plan; name a template, a .tf file, a plan, or a folder to search.',
          );
        continue;
      }
      const { template, lineOf } = read;
      const options = checkOptions(
        flags,
        home,
        knownManagedPolicy,
        (check) => templateRuleParameters(template, check.logicalId, home),
        path,
      );
      findings.push(...checkCloudFormation(path, template, lineOf, options));
    }
    const report: IacReport = { files: files.map((f) => f.path), findings };
    if (flags.json) io.stdout.write(formatJson(iacReportJson(report)));
    else io.stdout.write(renderIacText(report, stdoutStyle(io)));
    if (flags.sarif) {
      writeReportFile(flags.sarif, formatJson(renderSarif(report, packageJson.version)), 'SARIF report');
      io.stderr.write(`SARIF written to ${flags.sarif}\n`);
    }
    const failing = flags.failOn === 'non-compliant' && findings.some((f) => f.compliance === 'NON_COMPLIANT');
    exit(failing ? EXIT_FINDINGS : EXIT_OK);
  });
}

/**
 * Each check's parameters: the flags, else what the template gives the rule if it deploys it
 * (session-guard's own template does). The rules' own schemas read them, so a value a rule would
 * reject is rejected here too.
 */
function checkOptions(
  flags: CheckFlags,
  home: AccountHome,
  knownManagedPolicy: IacOptions['knownManagedPolicy'],
  fromTemplate: (check: Check) => Record<string, string>,
  file: string,
): IacOptions {
  const raw = (check: Check): Record<string, string> => ({
    ...fromTemplate(check),
    ...Object.fromEntries(
      check.parameters.flatMap((p) =>
        typeof flags[flagKey(p)] === 'string' ? [[p.name, flags[flagKey(p)] as string]] : [],
      ),
    ),
  });
  const parse = <T>(check: Check, read: () => T): T => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof InvalidRuleParameterError)) throw error;
      const problems = error.problems.map(({ where: parameter, problem }) => {
        const named = check.parameters.find((p) => p.name === parameter.split('.')[0]);
        const flag = named ? flagName(named) : parameter;
        return `${flag} (or the ${check.logicalId} InputParameters in ${file}): ${problem}`;
      });
      throw new UsageError(`The ${check.id} check cannot run on ${file}: ${problems.join('; ')}.`);
    }
  };
  // The instance policy may be named by its logical ID in the template; the schema checks ARNs.
  const instanceRoleRaw = raw(instanceRoleCheck);
  const policyArn = instanceRoleRaw.PolicyArn;
  const rolePolicy = parse(instanceRoleCheck, () =>
    parseRuleParameters(instanceRoleParametersSchema, {
      ...instanceRoleRaw,
      PolicyArn: policyArn?.startsWith('arn:') ? policyArn : `arn:aws:iam::${flags.accountId}:policy/placeholder`,
    }),
  );
  return {
    home,
    exemptions: parse(ssmAccessCheck, () => parseRuleParameters(ssmAccessParametersSchema, raw(ssmAccessCheck))),
    limits: parse(sessionDocumentCheck, () =>
      parseRuleParameters(sessionDocumentParametersSchema, raw(sessionDocumentCheck)),
    ),
    instancePolicy: {
      alternativePolicyArns: rolePolicy.alternativePolicyArns,
      exemptionTagKey: rolePolicy.exemptionTagKey,
      ...(policyArn ? { policyArn } : {}),
    },
    knownManagedPolicy,
  };
}

/**
 * The AWS managed policies whose documents session-guard carries (in the bundled sample account,
 * as IAM returns them), for templates that attach them by ARN. Others are reported as unknown.
 */
function knownAwsManagedPolicies(partition: string): (arn: string) => NamedPolicyDocument | undefined {
  const account = readSampleAccountFile();
  return (arn) => {
    // An AWS managed policy's ARN differs between partitions only in the partition (arn:aws-cn:iam::aws:
    // policy/...); a policy AWS does not publish in a partition simply never matches there.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
    const policy = account.AWSManagedPolicies.find((p) => p.Arn?.replace(/^arn:aws:/, `arn:${partition}:`) === arn);
    if (!policy) return undefined;
    const versions = (policy.PolicyVersionList ?? []).map((v) => ({
      versionId: v.VersionId ?? null,
      isDefaultVersion: v.IsDefaultVersion ?? null,
      document: v.Document,
    }));
    return defaultVersionDocument(arn, policy.DefaultVersionId, versions);
  };
}

/**
 * A template, a .tf file or a `terraform show -json` plan read as CloudFormation resources;
 * undefined for YAML or JSON that is neither (a folder holds other files too).
 */
async function readInfrastructureFile(path: string, text: string) {
  if (extname(path) === '.tf') return readTerraformFile(path, text);
  const read = readCloudFormation(path, text);
  if (isTerraformPlan(read.template)) return readTerraformPlan(read.template, text);
  return isCloudFormationTemplate(read.template) ? { template: read.template, lineOf: read.lineOf } : undefined;
}

/** The files named, and the templates found in the folders named. */
function templateFiles(paths: readonly string[]): { path: string; named: boolean }[] {
  const found: { path: string; named: boolean }[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) walk(path);
      else if (entry.isFile() && TEMPLATE_EXTENSIONS.has(extname(entry.name))) found.push({ path, named: false });
    }
  };
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      throw new UsageError(`${path} does not exist; name template files or folders to search.`);
    }
    if (isFolder) walk(path);
    else found.push({ path, named: true });
  }
  return found;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
