/**
 * `npm run bench`: the figures session-guard promises, measured.
 *
 * 1. A periodic sweep of a 10,000-role account by the built RolePolicyRuleFunction bundle, over
 *    HTTP against a counting stand-in for IAM and Config: IAM reads per role, Config calls.
 *    Targets: IAM reads <= ceil(N/1000) + 1; PutEvaluations calls = ceil(N/100).
 * 2. The same account swept by the built SsmAccessRuleFunction bundle, which also reads the AWS
 *    managed policies attached to its roles in the same paged listing (M of them, as many as AWS
 *    publishes). Targets: IAM reads <= ceil(N/1000) + 1 + ceil(M/1000), no per-policy reads;
 *    PutEvaluations calls = ceil(resources/100) (the roles and the instance policy).
 * 3. The pure core: instance-role verdicts per second over 100,000 role facts, and effective-access
 *    verdicts per second over 10,000 subjects.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { evaluateInstanceRole, type RoleFacts } from '../../functions/shared/core/instance-role';
import type { PolicySubject } from '../../functions/shared/core/policy-subject';
import { evaluateSsmAccess, NO_EXEMPTIONS } from '../../functions/shared/core/ssm-access-guardrails';
import { functionBuilds } from '../../scripts/build-functions';
import { BENCH_POLICY_ARN, FakeAws } from './fake-aws';

const SWEEP_ROLES = 10_000;
/** About as many AWS managed policies as AWS publishes. */
const AWS_MANAGED_POLICIES = 1_400;
const CORE_ITEMS = 100_000;
const CORE_SUBJECTS = 10_000;

async function benchSweep(logicalId: 'RolePolicyRuleFunction' | 'SsmAccessRuleFunction', ruleParameters: Record<string, string>, awsManagedPolicies: number): Promise<boolean> {
  const fake = await new FakeAws({ roles: SWEEP_ROLES, pageSize: 1000, awsManagedPolicies }).start();
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
  const { handler } = (await import(join(bundle.outdir, 'handler.mjs'))) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
  const event = {
    invokingEvent: JSON.stringify({ messageType: 'ScheduledNotification', notificationCreationTime: new Date().toISOString(), awsAccountId: '111122223333' }),
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
  const managed = awsManagedPolicies > 0 ? ` and ${awsManagedPolicies.toLocaleString('en')} AWS managed policies` : '';
  console.log(`${logicalId}: sweep of ${SWEEP_ROLES.toLocaleString('en')} roles${managed} (built bundle, loopback HTTP)`);
  console.log(`  IAM read calls:            ${iamReads} (${listings} listing pages, ${policyReads} per-policy reads; target <= ${iamTarget})`);
  console.log(`  Config PutEvaluations:     ${puts} (target ${putTarget})`);
  console.log(`  Config GetComplianceDetailsByConfigRule: ${otherConfig}`);
  console.log(`  wall time:                 ${seconds.toFixed(2)} s (${Math.round(SWEEP_ROLES / seconds).toLocaleString('en')} roles/s)`);
  return iamReads <= iamTarget && puts === putTarget;
}

/** Effective access over subjects shaped like real ones: AWS managed policies, inline grants, tag conditions, boundaries. */
function benchEffectiveAccess(): void {
  const encode = (...statements: object[]) => encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
  const ssmFull = { name: 'AWS managed policy AmazonSSMFullAccess', document: encode({ Effect: 'Allow', Action: ['logs:*', 'ssm:*'], Resource: '*' }) };
  const tagged = { name: 'inline policy team', document: encode({ Effect: 'Allow', Action: ['ssm:StartSession', 'ssm:SendCommand'], Resource: ['arn:aws:ec2:*:111122223333:instance/*', 'arn:aws:ssm:*:111122223333:managed-instance/*'], Condition: { StringEquals: { 'ssm:resourceTag/Team': 'ops' } } }) };
  const listed = { name: 'inline policy listed', document: encode({ Effect: 'Allow', Action: 'ssm:StartSession', Resource: ['arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0', 'arn:aws:ec2:eu-west-1:111122223333:instance/i-0fedcba987654321f'] }) };
  const readOnly = { name: 'AWS managed policy ReadOnlyAccess', document: encode({ Effect: 'Allow', Action: ['ec2:Describe*', 'ssm:Describe*', 'ssm:Get*', 'ssm:List*'], Resource: '*' }) };
  const boundary = { name: 'permissions boundary policy no-shells v1', document: encode({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: ['ssm:SendCommand', 'ssm:StartSession'], Resource: '*' }) };
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
  for (const subject of subjects) if (evaluateSsmAccess(subject, exemptions).compliance === 'NON_COMPLIANT') nonCompliant++;
  const seconds = (performance.now() - started) / 1000;
  console.log(`core: ${CORE_SUBJECTS.toLocaleString('en')} effective-access verdicts (IAM-SSM-1 to SG-SSM-4)`);
  console.log(`  throughput:                ${Math.round(CORE_SUBJECTS / seconds).toLocaleString('en')} subjects/s (${nonCompliant} non-compliant)`);
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

const sweepWithinTargets =
  (await benchSweep('RolePolicyRuleFunction', { PolicyArn: BENCH_POLICY_ARN }, 0)) &&
  (await benchSweep('SsmAccessRuleFunction', {}, AWS_MANAGED_POLICIES));
benchEffectiveAccess();
benchCore();
if (!sweepWithinTargets) {
  console.error('bench: the sweep made more calls than its targets allow');
  process.exit(1);
}
