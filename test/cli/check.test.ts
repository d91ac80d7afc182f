/**
 * `session-guard check` on the sample templates under test/fixtures/iac and on our own template:
 * each finding's check, resource, file, line and verdict, unknown values named, exit codes, errors,
 * and the SARIF validated against the SARIF 2.1.0 schema (the copy @microsoft/jest-sarif ships).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';

const IAC = 'test/fixtures/iac';
const INSTANCE_POLICY = 'arn:aws:iam::123456789012:policy/SessionManagerInstancePolicy';

interface Result {
  file: string;
  line: number;
  resourceType: string;
  resource: string;
  compliance: string;
  annotation: string;
}
interface JsonReport {
  files: string[];
  summary: Record<string, number>;
  checks: { id: string; results: Result[] }[];
}

async function checkJson(...args: string[]): Promise<JsonReport> {
  const run = await runCli(['check', '--json', ...args]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as JsonReport;
}

/** `checkId file:line resource VERDICT` for every finding, in a stable order. */
const verdicts = (report: JsonReport) =>
  report.checks
    .flatMap((c) => c.results.map((r) => `${c.id} ${r.file}:${r.line} ${r.resource} ${r.compliance}`))
    .sort();

const TERRAFORM_VERDICTS = [
  `instance-role ${IAC}/terraform/main.tf:46 aws_iam_role.runner NOT_APPLICABLE`,
  `instance-role ${IAC}/terraform/main.tf:66 aws_iam_role.web COMPLIANT`,
  `instance-role ${IAC}/terraform/plan.json:8 aws_iam_role.batch NON_COMPLIANT`,
  `ssm-access ${IAC}/terraform/main.tf:13 aws_iam_policy.operators NON_COMPLIANT`,
  `ssm-access ${IAC}/terraform/main.tf:39 aws_iam_policy.fleet_commands COMPLIANT`,
  `ssm-access ${IAC}/terraform/main.tf:46 aws_iam_role.runner NON_COMPLIANT`,
  // The instance policy is defined elsewhere: its document is unknown here, and that is reported.
  `ssm-access ${IAC}/terraform/main.tf:66 aws_iam_role.web NON_COMPLIANT`,
  `ssm-access ${IAC}/terraform/plan.json:8 aws_iam_role.batch NON_COMPLIANT`,
  `ssm-access ${IAC}/terraform/plan.json:36 module.audit.aws_iam_policy.reader COMPLIANT`,
  `ssm-access ${IAC}/terraform/plan.json:47 module.audit.aws_iam_policy.key_admin NON_COMPLIANT`,
  `session-document ${IAC}/terraform/main.tf:85 aws_ssm_document.sessions NON_COMPLIANT`,
];

const find = (report: JsonReport, checkId: string, resource: string) =>
  report.checks.find((c) => c.id === checkId)?.results.find((r) => r.resource === resource);

describe('session-guard check on CloudFormation and SAM templates', () => {
  it('gives every resource of the sample templates its verdict at the line of its logical ID', async () => {
    const report = await checkJson(IAC, '--policy-arn', INSTANCE_POLICY);
    expect(report.files).toEqual([
      `${IAC}/cdk.out/FleetStack.template.json`,
      `${IAC}/cloudformation.yaml`,
      `${IAC}/sam.yaml`,
      `${IAC}/session-documents.json`,
      `${IAC}/terraform/main.tf`,
      `${IAC}/terraform/plan.json`,
    ]);
    expect(verdicts(report)).toEqual(
      [
        `instance-role ${IAC}/cloudformation.yaml:87 BastionRole NON_COMPLIANT`,
        `instance-role ${IAC}/cloudformation.yaml:42 TargetedCommandsRole NOT_APPLICABLE`,
        `instance-role ${IAC}/cloudformation.yaml:61 SupportRole NOT_APPLICABLE`,
        `instance-role ${IAC}/cdk.out/FleetStack.template.json:21 FleetRole5E6F7A8B NOT_APPLICABLE`,
        `ssm-access ${IAC}/cloudformation.yaml:15 OperatorsPolicy NON_COMPLIANT`,
        `ssm-access ${IAC}/cloudformation.yaml:26 FleetCommandsPolicy COMPLIANT`,
        `ssm-access ${IAC}/cloudformation.yaml:42 TargetedCommandsRole NON_COMPLIANT`,
        `ssm-access ${IAC}/cloudformation.yaml:61 SupportRole NON_COMPLIANT`,
        `ssm-access ${IAC}/cloudformation.yaml:87 BastionRole COMPLIANT`,
        `ssm-access ${IAC}/cloudformation.yaml:103 Operators NON_COMPLIANT`,
        `ssm-access ${IAC}/cloudformation.yaml:108 Alice NON_COMPLIANT`,
        `ssm-access ${IAC}/sam.yaml:5 PatchFunction NON_COMPLIANT`,
        `ssm-access ${IAC}/sam.yaml:18 ReportFunction COMPLIANT`,
        `ssm-access ${IAC}/sam.yaml:26 InventoryFunction NON_COMPLIANT`,
        `ssm-access ${IAC}/cdk.out/FleetStack.template.json:21 FleetRole5E6F7A8B COMPLIANT`,
        `session-document ${IAC}/session-documents.json:7 EncryptedSessions COMPLIANT`,
        `session-document ${IAC}/session-documents.json:27 PlainSessions NON_COMPLIANT`,
        `session-document ${IAC}/session-documents.json:34 KeyFromParameter NON_COMPLIANT`,
        ...TERRAFORM_VERDICTS,
      ].sort(),
    );
  });

  it('says which guardrail a statement breaks, and which unknown value decided it', async () => {
    const report = await checkJson(`${IAC}/cloudformation.yaml`);
    expect(find(report, 'ssm-access', 'OperatorsPolicy')?.annotation).toMatch(
      /^Policy OperatorsPolicy allows IAM-SSM-2 through policy OperatorsPolicy, statement ShellEverywhere/,
    );
    // A parameter inside a tag condition cannot widen it: no unknown value is blamed.
    expect(find(report, 'ssm-access', 'FleetCommandsPolicy')?.annotation).not.toMatch(/Not known before deployment/);
    expect(find(report, 'ssm-access', 'TargetedCommandsRole')?.annotation).toMatch(
      /IAM-SSM-1 .*Not known before deployment: TargetInstanceArn, read as any value\.$/,
    );
    // Only the break-glass branch of the Fn::If grants sessions; it is checked all the same.
    expect(find(report, 'ssm-access', 'SupportRole')?.annotation).toMatch(
      /IAM-SSM-2, SG-SSM-3 through inline policy support, statement SessionsWhenBreakGlass/,
    );
    // A user is judged with its group's policies, an AWS managed one read from its known document.
    expect(find(report, 'ssm-access', 'Alice')?.annotation).toMatch(
      /through group Operators: AWS managed policy AmazonSSMFullAccess/,
    );
  });

  it('reports a managed policy or SAM policy template it cannot read instead of passing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-check-'));
    const template = join(dir, 'template.yaml');
    writeFileSync(
      template,
      [
        'Resources:',
        '  Deployer:',
        '    Type: AWS::IAM::Role',
        '    Properties:',
        '      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: codebuild.amazonaws.com}, Action: sts:AssumeRole}]}',
        '      ManagedPolicyArns: [arn:aws:iam::aws:policy/AWSCodeDeployFullAccess, !ImportValue shared-policy-arn]',
      ].join('\n'),
    );
    const report = await checkJson(template);
    const deployer = find(report, 'ssm-access', 'Deployer');
    expect(deployer?.compliance).toBe('NON_COMPLIANT');
    expect(deployer?.annotation).toMatch(
      /AWS managed policy AWSCodeDeployFullAccess \(its document is not in the template/,
    );
    expect(find(await checkJson(`${IAC}/sam.yaml`), 'ssm-access', 'InventoryFunction')?.annotation).toMatch(
      /SAM policy template SSMParameterReadPolicy/,
    );
  });

  it('reads a Session document whose key comes from a parameter as unencrypted, and says so', async () => {
    const report = await checkJson(`${IAC}/session-documents.json`);
    expect(find(report, 'session-document', 'KeyFromParameter')?.annotation).toBe(
      'Session document KeyFromParameter: kmsKeyId empty (no session encryption beyond TLS). Not known before deployment: SessionKeyId, read as unset.',
    );
    expect(find(report, 'session-document', 'RunbookCommand')).toBeUndefined();
  });

  it('checks instance roles only when the instance policy is known, and takes it by logical ID', async () => {
    expect((await checkJson(`${IAC}/cloudformation.yaml`)).checks.map((c) => c.id)).not.toContain('instance-role');
    const dir = mkdtempSync(join(tmpdir(), 'sg-check-'));
    const template = join(dir, 'template.yaml');
    writeFileSync(
      template,
      [
        'Resources:',
        '  InstancePolicy:',
        '    Type: AWS::IAM::ManagedPolicy',
        '    Properties:',
        '      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ssm:UpdateInstanceInformation, Resource: "*"}]}',
        '  WebRole:',
        '    Type: AWS::IAM::Role',
        '    Properties:',
        '      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}',
        '      ManagedPolicyArns: [!Ref InstancePolicy]',
        '  WebProfile:',
        '    Type: AWS::IAM::InstanceProfile',
        '    Properties: {Roles: [!Ref WebRole]}',
      ].join('\n'),
    );
    const report = await checkJson(template, '--policy-arn', 'InstancePolicy');
    expect(find(report, 'instance-role', 'WebRole')).toMatchObject({ line: 6, compliance: 'COMPLIANT' });
  });

  it('passes our own template, with the rule parameters it deploys', async () => {
    const run = await runCli(['check', 'template.yaml', '--fail-on', 'non-compliant']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/All files: 0 non-compliant, \d+ compliant/);
    // The instance policy comes from the RolePolicyRule it deploys, so its roles are checked.
    expect(run.stdout).toMatch(/instance-role: /);
  });

  it('exits 1 with --fail-on non-compliant when something is NON_COMPLIANT, 0 without it', async () => {
    expect((await runCli(['check', `${IAC}/sam.yaml`, '--fail-on', 'non-compliant'])).code).toBe(1);
    const run = await runCli(['check', `${IAC}/sam.yaml`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/sam\.yaml:5 +PatchFunction +NON_COMPLIANT/);
  });

  it('names what is wrong with the input, and exits 2', async () => {
    const missing = await runCli(['check', 'no-such-template.yaml']);
    expect(missing).toMatchObject({
      code: 2,
      stderr: 'session-guard: no-such-template.yaml does not exist; name template files or folders to search.\n',
    });

    const notATemplate = await runCli(['check', 'package.json']);
    expect(notATemplate.code).toBe(2);
    expect(notATemplate.stderr).toMatch(
      /package\.json is neither a CloudFormation or SAM template .* nor a Terraform plan/,
    );

    const dir = mkdtempSync(join(tmpdir(), 'sg-check-'));
    writeFileSync(join(dir, 'broken.yaml'), 'Resources:\n  A: [unclosed\n');
    const broken = await runCli(['check', join(dir, 'broken.yaml')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.yaml:\d+: not valid YAML or JSON/);

    const badArn = await runCli(['check', `${IAC}/sam.yaml`, '--break-glass-arns', 'not-an-arn']);
    expect(badArn.code).toBe(2);
    expect(badArn.stderr).toMatch(/The ssm-access check cannot run on .*sam\.yaml: --break-glass-arns/);

    expect((await runCli(['check', IAC, '--account-id', '12345'])).stderr).toMatch(
      /--account-id "12345" is not a 12-digit AWS account ID/,
    );
  });

  it('writes SARIF 2.1.0 that the schema accepts: one rule per check, one error per NON_COMPLIANT resource at its line', async () => {
    const sarifFile = join(mkdtempSync(join(tmpdir(), 'sg-check-')), 'session-guard.sarif');
    const run = await runCli(['check', IAC, '--policy-arn', INSTANCE_POLICY, '--sarif', sarifFile]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe(`SARIF written to ${sarifFile}\n`);
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string; help: { text: string } }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
        }[];
      }[];
    };
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors)).toBe(true);

    const [sarifRun] = sarif.runs;
    expect(sarifRun?.tool.driver.rules.map((r) => r.id)).toEqual(['ssm-access', 'session-document', 'instance-role']);
    expect(sarifRun?.tool.driver.rules.every((r) => r.help.text.length > 50)).toBe(true);
    const results = sarifRun?.results.map(
      (r) =>
        `${r.ruleId}#${r.ruleIndex} ${r.level} ${r.locations[0]?.physicalLocation.artifactLocation.uri}:${r.locations[0]?.physicalLocation.region.startLine}`,
    );
    expect(results?.sort()).toEqual(
      [
        `instance-role#2 error ${IAC}/cloudformation.yaml:87`,
        `ssm-access#0 error ${IAC}/cloudformation.yaml:15`,
        `ssm-access#0 error ${IAC}/cloudformation.yaml:42`,
        `ssm-access#0 error ${IAC}/cloudformation.yaml:61`,
        `ssm-access#0 error ${IAC}/cloudformation.yaml:103`,
        `ssm-access#0 error ${IAC}/cloudformation.yaml:108`,
        `ssm-access#0 error ${IAC}/sam.yaml:5`,
        `ssm-access#0 error ${IAC}/sam.yaml:26`,
        `session-document#1 error ${IAC}/session-documents.json:27`,
        `session-document#1 error ${IAC}/session-documents.json:34`,
        ...TERRAFORM_VERDICTS.filter((v) => v.endsWith('NON_COMPLIANT')).map((v) => {
          const [id, where] = v.split(' ');
          return `${id}#${['ssm-access', 'session-document', 'instance-role'].indexOf(id!)} error ${where}`;
        }),
      ].sort(),
    );
    expect(
      sarifRun?.results.find((r) => r.message.text.startsWith('Policy OperatorsPolicy allows IAM-SSM-2')),
    ).toBeDefined();
  });

  it('rejects SARIF that breaks the schema (the validation can fail)', () => {
    expect(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [] }] })).toBe(false);
  });
});

describe('session-guard check on Terraform', () => {
  it('reads jsonencode, heredoc and aws_iam_policy_document policies, and names the variable that decides', async () => {
    const report = await checkJson(`${IAC}/terraform/main.tf`);
    expect(find(report, 'ssm-access', 'aws_iam_policy.operators')?.annotation).toMatch(
      /^Policy aws_iam_policy.operators allows IAM-SSM-2 through policy aws_iam_policy.operators, statement ShellEverywhere/,
    );
    // The data source's tag condition holds whatever var.fleet_tag_value is.
    expect(find(report, 'ssm-access', 'aws_iam_policy.fleet_commands')?.compliance).toBe('COMPLIANT');
    expect(find(report, 'ssm-access', 'aws_iam_role.runner')?.annotation).toMatch(
      /through policy aws_iam_role_policy.runner, statement OneInstance .* Not known before deployment: var\.target_instance_arn, read as any value\.$/,
    );
    expect(find(report, 'session-document', 'aws_ssm_document.sessions')?.annotation).toMatch(
      /^Session document team-sessions: kmsKeyId missing/,
    );
  });

  it('reads a plan: child modules, roles named by name, and values known only after apply', async () => {
    const report = await checkJson(`${IAC}/terraform/plan.json`, '--policy-arn', INSTANCE_POLICY);
    expect(find(report, 'instance-role', 'aws_iam_role.batch')?.annotation).toMatch(
      /Instance profile aws_iam_instance_profile\.batch/,
    );
    expect(find(report, 'ssm-access', 'module.audit.aws_iam_policy.key_admin')?.annotation).toMatch(
      /\(module\.audit\.aws_iam_policy\.key_admin\.policy, not known before deployment\) that could not be read/,
    );
  });

  it('names a .tf file it cannot parse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-check-'));
    writeFileSync(join(dir, 'broken.tf'), 'resource "aws_iam_policy" "p" {\n  policy = \n');
    const run = await runCli(['check', join(dir, 'broken.tf')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/broken\.tf: not valid Terraform/);
  });
});

/**
 * The SARIF 2.1.0 schema is draft-04 JSON Schema; one of its patterns is not a valid unicode
 * regular expression, so patterns compile without the `u` flag.
 */
const validateSarif = new AjvDraft04({
  allErrors: true,
  strict: false,
  unicodeRegExp: false,
  validateFormats: false,
}).compile(
  JSON.parse(
    readFileSync(
      createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'),
      'utf8',
    ),
  ) as object,
);
