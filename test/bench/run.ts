/**
 * `npm run bench`: the figures session-guard promises, measured.
 *
 * 1. A periodic sweep of a 10,000-role account in 17 regions by the built RolePolicyRuleFunction
 *    bundle, over HTTP against a counting stand-in for IAM, Config, EC2 and Systems Manager: IAM
 *    reads per role, Config calls, and the node-role reads per region.
 *    Targets: IAM reads <= ceil(N/1000) + 1; PutEvaluations calls = ceil(N/100); one
 *    DescribeRegions and three Systems Manager reads per region, whatever N.
 * 2. The pure core: instance-role verdicts per second over 100,000 role facts.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { evaluateInstanceRole, type RoleFacts } from '../../functions/shared/core/instance-role';
import { functionBuilds } from '../../scripts/build-functions';
import { BENCH_POLICY_ARN, FakeAws } from './fake-aws';

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

const sweepWithinTargets = await benchSweep();
benchCore();
if (!sweepWithinTargets) {
  console.error('bench: the sweep made more calls than its targets allow');
  process.exit(1);
}
