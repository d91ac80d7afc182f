/**
 * `npm run bench`: the figures session-guard promises, measured.
 *
 * 1. A periodic sweep of a 10,000-role account in 17 regions by the built RolePolicyRuleFunction
 *    bundle, over HTTP against a counting stand-in for IAM, Config, Account Management and Systems Manager: IAM
 *    reads per role, Config calls, and the node-role reads per region.
 *    Targets: IAM reads <= ceil(N/1000) + 1; PutEvaluations calls = ceil(N/100); one
 *    ListRegions and three Systems Manager reads per region, whatever N.
 *    The same account swept by the built SsmAccessRuleFunction bundle, which also reads the AWS
 *    managed policies attached to its roles in the same paged listing (M of them, as many as AWS
 *    publishes). Targets: IAM reads <= ceil(N/1000) + 1 + ceil(M/1000), no per-policy reads;
 *    PutEvaluations calls = ceil(resources/100) (the roles and the instance policy); no region or
 *    node-role reads.
 * 2. Remediation of a role at its managed-policy quota by the built AttachPolicyFunction bundle:
 *    exactly one AttachRolePolicy request and the quota message; and of a role whose attach IAM
 *    keeps throttling: REMEDIATION_RETRY_BUDGET.maxAttempts requests, then a throttling failure.
 *    Target: both end far inside the function's 60 s timeout.
 * 3. The pure core: instance-role verdicts per second over 100,000 role facts, and effective-access
 *    verdicts per second over 10,000 subjects.
 * 4. Cold start of each rule on one change event, as a ratio to a bare `node -e 0` (./cold-start),
 *    and what each built function loads at start and weighs on disk.
 * 5. The command line's start-up: `--help` and `--version` through the bin (test/bench/cli-startup.ts).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { evaluateInstanceRole, type RoleFacts } from '../../functions/shared/core/instance-role';
import type { PolicySubject } from '../../functions/shared/core/policy-subject';
import { evaluateSsmAccess, NO_EXEMPTIONS } from '../../functions/shared/core/ssm-access-guardrails';
import { REMEDIATION_RETRY_BUDGET } from '../../functions/shared/adapters/aws-clients';
import { functionBuilds } from '../../scripts/build-functions';
import { bundleWeight } from '../support/build-functions';
import { benchCliStartup } from './cli-startup';
import { benchColdStart, kb } from './cold-start';
import { BENCH_POLICY_ARN, FakeAws } from './fake-aws';
import { FakeFullRole, FULL_ROLE } from './fake-full-role';

const SWEEP_ROLES = 10_000;
/** About as many AWS managed policies as AWS publishes. */
const AWS_MANAGED_POLICIES = 1_400;
const SWEEP_REGIONS = 17;
const CORE_ITEMS = 100_000;
const CORE_SUBJECTS = 10_000;

async function benchSweep(
  logicalId: 'RolePolicyRuleFunction' | 'SsmAccessRuleFunction',
  ruleParameters: Record<string, string>,
  awsManagedPolicies: number,
): Promise<boolean> {
  const fake = await new FakeAws({
    roles: SWEEP_ROLES,
    regions: SWEEP_REGIONS,
    pageSize: 1000,
    awsManagedPolicies,
  }).start();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: fake.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const bundle = functionBuilds().find((f) => f.logicalId === logicalId)!;
  const { handler } = (await import(join(bundle.outdir, 'handler.mjs'))) as {
    handler: (e: unknown, c: unknown) => Promise<unknown>;
  };
  const event = {
    invokingEvent: JSON.stringify({
      messageType: 'ScheduledNotification',
      notificationCreationTime: new Date().toISOString(),
      awsAccountId: '111122223333',
    }),
    ruleParameters: JSON.stringify(ruleParameters),
    resultToken: 'TESTMODE',
    eventLeftScope: false,
    configRuleName: 'bench-rule',
  };
  const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 600_000 };

  const started = performance.now();
  await handler(event, context);
  const seconds = (performance.now() - started) / 1000;
  await fake.close();

  const listings = fake.calls.get('GetAccountAuthorizationDetails') ?? 0;
  const policyReads = (fake.calls.get('GetPolicy') ?? 0) + (fake.calls.get('GetPolicyVersion') ?? 0);
  const iamReads = listings + policyReads;
  const puts = fake.calls.get('PutEvaluations') ?? 0;
  const otherConfig = fake.calls.get('GetComplianceDetailsByConfigRule') ?? 0;
  const iamTarget = Math.ceil(SWEEP_ROLES / 1000) + 1 + Math.ceil(awsManagedPolicies / 1000);
  // The access rule also reports the account's one customer managed policy (the instance policy).
  const evaluated = SWEEP_ROLES + (logicalId === 'SsmAccessRuleFunction' ? 1 : 0);
  const putTarget = Math.ceil(evaluated / 100);
  // Only the instance-role rule looks for DHMC and activation roles, region by region.
  const readsNodeRoles = logicalId === 'RolePolicyRuleFunction';
  const regionReads = fake.calls.get('ListRegions') ?? 0;
  const regionTarget = readsNodeRoles ? 1 : 0;
  const nodeRoleReads = ['GetServiceSetting', 'DescribeActivations', 'DescribeInstanceInformation'].reduce(
    (sum, a) => sum + (fake.calls.get(a) ?? 0),
    0,
  );
  const nodeRoleTarget = readsNodeRoles ? 3 * SWEEP_REGIONS : 0;
  const managed = awsManagedPolicies > 0 ? ` and ${awsManagedPolicies.toLocaleString('en')} AWS managed policies` : '';
  console.log(
    `${logicalId}: sweep of ${SWEEP_ROLES.toLocaleString('en')} roles${managed} (built bundle, loopback HTTP)`,
  );
  console.log(
    `  IAM read calls:            ${iamReads} (${listings} listing pages, ${policyReads} per-policy reads; target <= ${iamTarget})`,
  );
  console.log(`  Config PutEvaluations:     ${puts} (target ${putTarget})`);
  console.log(`  Config GetComplianceDetailsByConfigRule: ${otherConfig}`);
  console.log(`  Account ListRegions:       ${regionReads} (target ${regionTarget})`);
  console.log(`  SSM node-role reads:       ${nodeRoleReads} over ${SWEEP_REGIONS} regions (target ${nodeRoleTarget})`);
  console.log(
    `  wall time:                 ${seconds.toFixed(2)} s (${Math.round(SWEEP_ROLES / seconds).toLocaleString('en')} roles/s)`,
  );
  return (
    iamReads <= iamTarget && puts === putTarget && regionReads === regionTarget && nodeRoleReads === nodeRoleTarget
  );
}

/** A remediation must end, failed or not, well before the function's 60 s timeout. */
const REMEDIATION_TARGET_SECONDS = 20;

async function benchRemediation(): Promise<boolean> {
  const fake = await new FakeFullRole().start();
  // Each run fails on purpose; its error log line is what the function writes, not news here.
  Object.assign(process.env, { AWS_ENDPOINT_URL: fake.endpoint, POWERTOOLS_LOG_LEVEL: 'SILENT' });
  const bundle = functionBuilds().find((f) => f.logicalId === 'AttachPolicyFunction')!;
  const { handler } = (await import(join(bundle.outdir, 'handler.mjs'))) as {
    handler: (e: unknown, c: unknown) => Promise<unknown>;
  };
  const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 60_000 };
  const event = { RoleId: FULL_ROLE.id, PolicyArn: BENCH_POLICY_ARN };

  let withinTargets = true;
  console.log(`remediation of a role holding 10 managed policies (built bundle, loopback HTTP)`);
  for (const [label, throttled, expectedAttaches, expectedError] of [
    ['quota full (LimitExceeded)', false, 1, 'ManagedPolicyQuotaError'],
    ['attach always throttled', true, REMEDIATION_RETRY_BUDGET.maxAttempts, 'AwsThrottledError'],
  ] as const) {
    fake.attachRequests = 0;
    fake.throttleAttach = throttled;
    const started = performance.now();
    const error = await handler(event, context).then(
      () => undefined,
      (e: Error) => e,
    );
    const seconds = (performance.now() - started) / 1000;
    const ok =
      error?.name === expectedError && fake.attachRequests === expectedAttaches && seconds < REMEDIATION_TARGET_SECONDS;
    withinTargets &&= ok;
    console.log(
      `  ${label}: ${fake.attachRequests} AttachRolePolicy request(s) (target ${expectedAttaches}), ${error?.name ?? 'no error'}, ${seconds.toFixed(2)} s (target < ${REMEDIATION_TARGET_SECONDS} s)`,
    );
  }
  await fake.close();
  return withinTargets;
}

/** Effective access over subjects shaped like real ones: AWS managed policies, inline grants, tag conditions, boundaries. */
function benchEffectiveAccess(): void {
  const encode = (...statements: object[]) =>
    encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
  const ssmFull = {
    name: 'AWS managed policy AmazonSSMFullAccess',
    document: encode({ Effect: 'Allow', Action: ['logs:*', 'ssm:*'], Resource: '*' }),
  };
  const tagged = {
    name: 'inline policy team',
    document: encode({
      Effect: 'Allow',
      Action: ['ssm:StartSession', 'ssm:SendCommand'],
      Resource: ['arn:aws:ec2:*:111122223333:instance/*', 'arn:aws:ssm:*:111122223333:managed-instance/*'],
      Condition: { StringEquals: { 'ssm:resourceTag/Team': 'ops' } },
    }),
  };
  const listed = {
    name: 'inline policy listed',
    document: encode({
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: [
        'arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0',
        'arn:aws:ec2:eu-west-1:111122223333:instance/i-0fedcba987654321f',
      ],
    }),
  };
  const readOnly = {
    name: 'AWS managed policy ReadOnlyAccess',
    document: encode({
      Effect: 'Allow',
      Action: ['ec2:Describe*', 'ssm:Describe*', 'ssm:Get*', 'ssm:List*'],
      Resource: '*',
    }),
  };
  const boundary = {
    name: 'permissions boundary policy no-shells v1',
    document: encode(
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: ['ssm:SendCommand', 'ssm:StartSession'], Resource: '*' },
    ),
  };
  const subjects: PolicySubject[] = Array.from({ length: CORE_SUBJECTS }, (_, i) => ({
    kind: 'Role',
    name: `role-${i}`,
    arn: `arn:aws:iam::111122223333:role/role-${i}`,
    documents: [readOnly, [ssmFull, tagged, listed, readOnly][i % 4]!],
    ...(i % 8 === 0 ? { boundary } : {}),
    tags: {},
  }));
  const exemptions = NO_EXEMPTIONS;
  const started = performance.now();
  let nonCompliant = 0;
  for (const subject of subjects)
    if (evaluateSsmAccess(subject, exemptions).compliance === 'NON_COMPLIANT') nonCompliant++;
  const seconds = (performance.now() - started) / 1000;
  console.log(`core: ${CORE_SUBJECTS.toLocaleString('en')} effective-access verdicts (IAM-SSM-1 to SG-SSM-4)`);
  console.log(
    `  throughput:                ${Math.round(CORE_SUBJECTS / seconds).toLocaleString('en')} subjects/s (${nonCompliant} non-compliant)`,
  );
}

function benchCore(): void {
  const trust = encodeURIComponent(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com'] }, Action: 'sts:AssumeRole' }],
    }),
  );
  const roles: RoleFacts[] = Array.from({ length: CORE_ITEMS }, (_, i) => ({
    roleId: `AROA${i}`,
    roleName: `role-${i}`,
    path: '/',
    assumeRolePolicyDocument: trust,
    instanceProfileNames: [`profile-${i}`],
    attachedPolicyArns: i % 2 === 0 ? [BENCH_POLICY_ARN] : [],
    tags: {},
  }));
  const policy = { policyArn: BENCH_POLICY_ARN, alternativePolicyArns: [], exemptionTagKey: 'SessionManagerExempt' };
  const started = performance.now();
  let nonCompliant = 0;
  for (const role of roles) if (evaluateInstanceRole(role, policy).compliance === 'NON_COMPLIANT') nonCompliant++;
  const seconds = (performance.now() - started) / 1000;
  console.log(`core: ${CORE_ITEMS.toLocaleString('en')} role verdicts`);
  console.log(
    `  throughput:                ${Math.round(CORE_ITEMS / seconds).toLocaleString('en')} evaluations/s (${nonCompliant} non-compliant)`,
  );
  // Peak resident memory of the whole benchmark process (bundle, sweep and core), as Lambda would bill it.
  console.log(`  peak RSS of this process:  ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

function printBundleWeights(): void {
  console.log('bundles (.aws-sam/build/<LogicalId>/, as sam build writes them)');
  console.log(
    `  ${'function'.padEnd(28)} ${'loaded at start'.padStart(16)} ${'folder, no maps'.padStart(16)} ${'source maps'.padStart(12)}  code files`,
  );
  for (const fn of functionBuilds()) {
    const weight = bundleWeight(fn);
    console.log(
      `  ${fn.logicalId.padEnd(28)} ${kb(weight.loadedAtStartBytes).padStart(16)} ${kb(weight.folderBytes).padStart(16)} ${kb(weight.sourceMapBytes).padStart(12)}  ${weight.codeFiles}`,
    );
  }
}

const sweepWithinTargets =
  (await benchSweep('RolePolicyRuleFunction', { PolicyArn: BENCH_POLICY_ARN }, 0)) &&
  (await benchSweep('SsmAccessRuleFunction', {}, AWS_MANAGED_POLICIES));
const remediationWithinTargets = await benchRemediation();
benchEffectiveAccess();
benchCore();
printBundleWeights();
await benchColdStart();
benchCliStartup();
if (!sweepWithinTargets) {
  console.error('bench: the sweep made more calls than its targets allow');
  process.exit(1);
}
if (!remediationWithinTargets) {
  console.error('bench: a remediation of a full or throttled role missed its targets');
  process.exit(1);
}
