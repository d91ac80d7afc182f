/**
 * `npm run bench`: the figures session-guard promises, measured.
 *
 * 1. A periodic sweep of a 10,000-role account in 17 regions by the built RolePolicyRuleFunction
 *    bundle, over HTTP against a counting stand-in for IAM, Config, EC2 and Systems Manager: IAM
 *    reads per role, Config calls, and the node-role reads per region.
 *    Targets: IAM reads <= ceil(N/1000) + 1; PutEvaluations calls = ceil(N/100); one
 *    DescribeRegions and three Systems Manager reads per region, whatever N.
 * 2. Remediation of a role at its managed-policy quota by the built AttachPolicyFunction bundle:
 *    exactly one AttachRolePolicy request and the quota message; and of a role whose attach IAM
 *    keeps throttling: REMEDIATION_RETRY_BUDGET.maxAttempts requests, then a throttling failure.
 *    Target: both end far inside the function's 60 s timeout.
 * 3. The pure core: instance-role verdicts per second over 100,000 role facts.
 * 4. Cold start of each rule on one change event, as a ratio to a bare `node -e 0` (./cold-start),
 *    and what each built function loads at start and weighs on disk.
 * 5. The command line's start-up: `--help` and `--version` through the bin (test/bench/cli-startup.ts).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { evaluateInstanceRole, type RoleFacts } from '../../functions/shared/core/instance-role';
import { REMEDIATION_RETRY_BUDGET } from '../../functions/shared/adapters/aws-clients';
import { functionBuilds } from '../../scripts/build-functions';
import { bundleWeight } from '../support/build-functions';
import { benchCliStartup } from './cli-startup';
import { benchColdStart, kb } from './cold-start';
import { BENCH_POLICY_ARN, FakeAws } from './fake-aws';
import { FakeFullRole, FULL_ROLE } from './fake-full-role';

const SWEEP_ROLES = 10_000;
const SWEEP_REGIONS = 17;
const CORE_ITEMS = 100_000;

async function benchSweep(): Promise<boolean> {
  const fake = await new FakeAws({ roles: SWEEP_ROLES, regions: SWEEP_REGIONS, pageSize: 1000 }).start();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: fake.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const bundle = functionBuilds().find((f) => f.logicalId === 'RolePolicyRuleFunction')!;
  const { handler } = (await import(join(bundle.outdir, 'handler.mjs'))) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
  const event = {
    invokingEvent: JSON.stringify({ messageType: 'ScheduledNotification', notificationCreationTime: new Date().toISOString(), awsAccountId: '111122223333' }),
    ruleParameters: JSON.stringify({ PolicyArn: BENCH_POLICY_ARN }),
    resultToken: 'TESTMODE',
    eventLeftScope: false,
    configRuleName: 'bench-rule',
  };
  const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 600_000 };

  const started = performance.now();
  await handler(event, context);
  const seconds = (performance.now() - started) / 1000;
  await fake.close();

  const iamReads = fake.calls.get('GetAccountAuthorizationDetails') ?? 0;
  const puts = fake.calls.get('PutEvaluations') ?? 0;
  const otherConfig = fake.calls.get('GetComplianceDetailsByConfigRule') ?? 0;
  const iamTarget = Math.ceil(SWEEP_ROLES / 1000) + 1;
  const putTarget = Math.ceil(SWEEP_ROLES / 100);
  const regionReads = fake.calls.get('DescribeRegions') ?? 0;
  const nodeRoleReads = ['GetServiceSetting', 'DescribeActivations', 'DescribeInstanceInformation'].reduce((sum, a) => sum + (fake.calls.get(a) ?? 0), 0);
  const nodeRoleTarget = 3 * SWEEP_REGIONS;
  console.log(`sweep of ${SWEEP_ROLES.toLocaleString('en')} roles (built bundle, loopback HTTP)`);
  console.log(`  IAM read calls:            ${iamReads} (${(iamReads / SWEEP_ROLES).toFixed(4)} per role; target <= ${iamTarget})`);
  console.log(`  Config PutEvaluations:     ${puts} (target ${putTarget})`);
  console.log(`  Config GetComplianceDetailsByConfigRule: ${otherConfig}`);
  console.log(`  EC2 DescribeRegions:       ${regionReads} (target 1)`);
  console.log(`  SSM node-role reads:       ${nodeRoleReads} over ${SWEEP_REGIONS} regions (target ${nodeRoleTarget})`);
  console.log(`  wall time:                 ${seconds.toFixed(2)} s (${Math.round(SWEEP_ROLES / seconds).toLocaleString('en')} roles/s)`);
  return iamReads <= iamTarget && puts === putTarget && regionReads === 1 && nodeRoleReads === nodeRoleTarget;
}

/** A remediation must end, failed or not, well before the function's 60 s timeout. */
const REMEDIATION_TARGET_SECONDS = 20;

async function benchRemediation(): Promise<boolean> {
  const fake = await new FakeFullRole().start();
  // Each run fails on purpose; its error log line is what the function writes, not news here.
  Object.assign(process.env, { AWS_ENDPOINT_URL: fake.endpoint, POWERTOOLS_LOG_LEVEL: 'SILENT' });
  const bundle = functionBuilds().find((f) => f.logicalId === 'AttachPolicyFunction')!;
  const { handler } = (await import(join(bundle.outdir, 'handler.mjs'))) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
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
    const ok = error?.name === expectedError && fake.attachRequests === expectedAttaches && seconds < REMEDIATION_TARGET_SECONDS;
    withinTargets &&= ok;
    console.log(`  ${label}: ${fake.attachRequests} AttachRolePolicy request(s) (target ${expectedAttaches}), ${error?.name ?? 'no error'}, ${seconds.toFixed(2)} s (target < ${REMEDIATION_TARGET_SECONDS} s)`);
  }
  await fake.close();
  return withinTargets;
}

function benchCore(): void {
  const trust = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com'] }, Action: 'sts:AssumeRole' }] }));
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
  console.log(`  throughput:                ${Math.round(CORE_ITEMS / seconds).toLocaleString('en')} evaluations/s (${nonCompliant} non-compliant)`);
  // Peak resident memory of the whole benchmark process (bundle, sweep and core), as Lambda would bill it.
  console.log(`  peak RSS of this process:  ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

function printBundleWeights(): void {
  console.log('bundles (.aws-sam/build/<LogicalId>/, as sam build writes them)');
  console.log(`  ${'function'.padEnd(28)} ${'loaded at start'.padStart(16)} ${'folder, no maps'.padStart(16)} ${'source maps'.padStart(12)}  code files`);
  for (const fn of functionBuilds()) {
    const weight = bundleWeight(fn);
    console.log(`  ${fn.logicalId.padEnd(28)} ${kb(weight.loadedAtStartBytes).padStart(16)} ${kb(weight.folderBytes).padStart(16)} ${kb(weight.sourceMapBytes).padStart(12)}  ${weight.codeFiles}`);
  }
}

const sweepWithinTargets = await benchSweep();
const remediationWithinTargets = await benchRemediation();
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
