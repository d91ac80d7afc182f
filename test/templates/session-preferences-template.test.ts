/**
 * The session-preferences part of template.yaml: cfn-lint clean for every combination of its
 * optional parts, and the least-privilege promises the code relies on.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { readTemplate } from '../../scripts/template';
import { parsePolicyDocument, statementCoversAction } from '../../functions/shared/core/policy-document';
import { policyDocuments } from '../support/template-policies';
import { requireTool, runTool } from '../support/tools';

const root = resolve(import.meta.dirname, '../..');
const templatePath = join(root, 'template.yaml');
const template = readTemplate(templatePath);
const resources = template.Resources;

const lintable = requireTool('cfnLint');

type Variant = {
  encrypt: 'true' | 'false';
  cloudWatch: 'true' | 'false';
  s3: 'off' | 'new-bucket' | 'existing-bucket';
  manage: 'true' | 'false';
  /** Deployed again over what an earlier deployment kept: its key and its session log group. */
  overKept?: true;
};
const variants: Variant[] = [
  ...(['true', 'false'] as const).flatMap((encrypt) =>
    (['true', 'false'] as const).flatMap((cloudWatch) =>
      (['off', 'new-bucket', 'existing-bucket'] as const).map((s3) => ({
        encrypt,
        cloudWatch,
        s3,
        manage: 'true' as const,
      })),
    ),
  ),
  // A second deployment in the account and region: everything but the preferences resource.
  { encrypt: 'true', cloudWatch: 'true', s3: 'new-bucket', manage: 'false' },
  // Deployed again after a deletion, over the kept key, log group and bucket.
  { encrypt: 'true', cloudWatch: 'true', s3: 'existing-bucket', manage: 'true', overKept: true },
];
const variantName = (v: Variant) =>
  `encrypt-${v.encrypt}_cloudwatch-${v.cloudWatch}_s3-${v.s3}_manage-${v.manage}${v.overKept ? '_over-kept' : ''}.yaml`;

/**
 * The template with the variant's values as parameter defaults and the conditions on them pinned,
 * so cfn-lint sees exactly the resources that variant deploys.
 */
function resolvedVariant(v: Variant): string {
  const doc = parseDocument(readFileSync(templatePath, 'utf8'));
  const values: Record<string, string> = {
    EncryptSessions: v.encrypt,
    CloudWatchSessionLogging: v.cloudWatch,
    S3SessionLogging: v.s3 === 'off' ? 'false' : 'true',
    ExistingAuditBucketName: v.s3 === 'existing-bucket' ? 'company-session-audit' : '',
    ManageSessionPreferences: v.manage,
    ExistingSessionDataKeyArn: v.overKept
      ? 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'
      : '',
    SessionLogGroupExists: v.overKept ? 'true' : 'false',
  };
  for (const [name, value] of Object.entries(values)) doc.setIn(['Parameters', name, 'Default'], value);
  const pin = (condition: string, value: string) => doc.setIn(['Conditions', condition, 0], doc.createNode(value));
  pin('EncryptSessionsOn', values.EncryptSessions!);
  pin('CloudWatchLoggingOn', values.CloudWatchSessionLogging!);
  pin('S3LoggingOn', values.S3SessionLogging!);
  pin('ManagesSessionPreferences', values.ManageSessionPreferences!);
  return doc.toString();
}

describe.skipIf(!lintable)('template variants for the optional session-preference parts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'session-guard-variants-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // cfn-lint spends a second or two of CPU per variant, so the variants are linted in one process
  // per core; the long timeout only guards against a hang on a busy machine.
  it(`are cfn-lint clean in all ${variants.length} combinations of encryption, CloudWatch, S3 and preferences management`, {
    timeout: 180_000,
  }, async () => {
    const files = variants.map((v) => {
      const file = join(dir, variantName(v));
      writeFileSync(file, resolvedVariant(v));
      return file;
    });
    expect(readFileSync(files[0]!, 'utf8')).toMatch(/EncryptSessionsOn: !Equals \[ "?true"?, 'true' \]/);
    // Pinning a condition to a constant is what W8003 (constant Equals) and W1028 (unreachable
    // If branch) report; both are how the variants are made, not findings.
    const processes = Math.min(availableParallelism(), files.length);
    const shares = Array.from({ length: processes }, (_, i) => files.filter((_, j) => j % processes === i));
    const lints = await Promise.all(
      shares.map((share) => runTool('cfnLint', ['--ignore-checks', 'W8003', 'W1028', '--', ...share])),
    );
    for (const lint of lints) {
      expect(lint.output).toBe('');
      expect(lint.status).toBe(0);
    }
  });
});

const statementsOf = (resource: string): Array<Record<string, unknown>> => {
  const doc = (resources[resource]?.Properties?.PolicyDocument ?? {}) as { Statement: unknown[] };
  // Conditional statements are written as Fn::If [condition, statement, AWS::NoValue].
  return doc.Statement.map(
    (s) => ((s as Record<string, unknown>)['Fn::If'] as unknown[] | undefined)?.[1] ?? s,
  ) as Array<Record<string, unknown>>;
};

describe('session-preference resources', () => {
  it('never hard-code a partition', () => {
    expect(readFileSync(templatePath, 'utf8')).not.toMatch(/arn:aws:/);
  });

  it('let the preferences function write SSM-SessionManagerRunShell and nothing else', () => {
    const policies = resources.SessionPreferencesFunctionRole?.Properties?.Policies as Array<{
      PolicyName: string;
      PolicyDocument: { Statement: Array<Record<string, unknown>> };
    }>;
    const statements = policies
      .filter((p) => p.PolicyName !== 'write-own-logs')
      .flatMap((p) => p.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Resource).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:document/SSM-SessionManagerRunShell',
    });
  });

  it("keep '*' in the instance policy to the two actions that accept nothing else", () => {
    const wildcard = statementsOf('SessionManagerInstancePolicy').filter((s) => s.Resource === '*');
    expect(wildcard.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      'logs:DescribeLogGroups',
      'ssmmessages:CreateControlChannel',
      'ssmmessages:CreateDataChannel',
      'ssmmessages:OpenControlChannel',
      'ssmmessages:OpenDataChannel',
    ]);
  });

  it('pass the key straight from the key resource and name the log group the logs key is limited to', () => {
    const properties = resources.SessionPreferences?.Properties ?? {};
    expect(properties.KmsKeyId).toEqual({
      'Fn::If': [
        'EncryptSessionsOn',
        {
          'Fn::If': [
            'UseExistingSessionDataKey',
            { Ref: 'ExistingSessionDataKeyArn' },
            { 'Fn::GetAtt': ['SessionDataKey', 'Arn'] },
          ],
        },
        '',
      ],
    });
    const logGroupName = (resources.SessionLogGroup?.Properties?.LogGroupName as { 'Fn::Sub': string })['Fn::Sub'];
    const keyStatements = (resources.SessionLogsKey?.Properties?.KeyPolicy as { Statement: Array<Record<string, any>> })
      .Statement;
    const logsStatement = keyStatements.find((s) => s.Principal?.Service);
    expect(logsStatement?.Condition.ArnEquals['kms:EncryptionContext:aws:logs:arn']['Fn::Sub']).toMatch(
      new RegExp(`:log-group:${logGroupName.replace(/[$.{}/]/g, '\\$&')}$`),
    );
  });

  it('name aliases, log group and bucket from DeploymentName, and rotate both keys on the period parameter', () => {
    for (const alias of ['SessionDataKeyAlias', 'SessionLogsKeyAlias']) {
      expect((resources[alias]?.Properties?.AliasName as { 'Fn::Sub': string })['Fn::Sub']).toMatch(
        /^alias\/\$\{DeploymentName\}\//,
      );
    }
    expect(resources.SessionLogGroup?.Properties?.LogGroupName).toEqual({ 'Fn::Sub': '/${DeploymentName}/sessions' });
    expect(resources.AuditBucket?.Properties?.BucketName).toEqual({
      'Fn::Sub': '${DeploymentName}-audit-${AWS::AccountId}-${AWS::Region}',
    });
    for (const key of ['SessionDataKey', 'SessionLogsKey']) {
      expect(resources[key]?.Properties).toMatchObject({
        EnableKeyRotation: true,
        RotationPeriodInDays: { Ref: 'KeyRotationPeriodDays' },
      });
    }
  });
});

describe('ManageSessionPreferences', () => {
  const gated = [
    'SessionPreferencesFunction',
    'SessionPreferencesFunctionRole',
    'SessionPreferencesLogGroup',
    'SessionPreferences',
  ];
  const referenced = (value: unknown): string[] => {
    if (Array.isArray(value)) return value.flatMap(referenced);
    if (typeof value !== 'object' || value === null)
      return typeof value === 'string' ? [...value.matchAll(/\$\{([A-Za-z0-9]+)/g)].map((m) => m[1]!) : [];
    return Object.entries(value).flatMap(([key, inner]) => {
      if (key === 'Ref') return [String(inner)];
      if (key === 'Fn::GetAtt') return [String(Array.isArray(inner) ? inner[0] : String(inner).split('.')[0])];
      return referenced(inner);
    });
  };

  it('gates the preferences function, its role, its log group and the custom resource on the one condition', () => {
    expect(template.Conditions?.ManagesSessionPreferences).toEqual({
      'Fn::Equals': [{ Ref: 'ManageSessionPreferences' }, 'true'],
    });
    expect(template.Parameters?.ManageSessionPreferences).toMatchObject({
      Default: 'true',
      AllowedValues: ['true', 'false'],
    });
    expect(template.Parameters?.ManageSessionPreferences?.Description).toMatch(
      /one preferences\s+document per account and region/,
    );
    for (const id of gated) expect(resources[id]?.Condition, id).toBe('ManagesSessionPreferences');
  });

  it('leaves nothing outside that condition referring to what it gates', () => {
    const outputs = Object.entries((template as { Outputs?: Record<string, { Condition?: string }> }).Outputs ?? {});
    const ungated = [...Object.entries(resources), ...outputs].filter(
      ([, item]) => item.Condition !== 'ManagesSessionPreferences',
    );
    const dangling = ungated.flatMap(([id, item]) =>
      referenced(item)
        .filter((ref) => gated.includes(ref))
        .map((ref) => `${id} -> ${ref}`),
    );
    expect(dangling).toEqual([]);
  });
});

describe('the instance policy, created once for the account', () => {
  const policy = resources.SessionManagerInstancePolicy!;
  const text = JSON.stringify(policy.Properties);

  // The SSM Agent keeps to instance-profile credentials only when they may call
  // ssm:UpdateInstanceInformation, and falls back to the region's DHMC role otherwise: granting it
  // here would move an instance off DHMC onto a role that may lack the rest of Systems Manager.
  it('never grants ssm:UpdateInstanceInformation, in any combination of its optional parts', () => {
    const branches = policyDocuments(template).filter(({ where }) => where === 'SessionManagerInstancePolicy');
    expect(branches.length).toBeGreaterThan(0);
    const granting = branches
      .flatMap(({ document }) => parsePolicyDocument(document).statements)
      .filter(
        (statement) =>
          statement.effect === 'Allow' && statementCoversAction(statement, 'ssm:UpdateInstanceInformation'),
      );
    expect(granting).toEqual([]);
  });

  it('exists only in the global-resources region, as IAM is global', () => {
    expect(policy.Condition).toBe('IsGlobalResourcesRegion');
  });

  it("names this deployment's key, log group and bucket in every region, never this region's resources", () => {
    expect(text).toContain('alias/${DeploymentName}/session-data');
    expect(text).toContain('log-group:/${DeploymentName}/sessions');
    expect(text).toContain('${DeploymentName}-audit-${AWS::AccountId}-*');
    expect(text).not.toMatch(/AWS::Region|SessionDataKey\.Arn|AuditBucket\.Arn|\$\{SessionLogGroup\}/);
  });
});
