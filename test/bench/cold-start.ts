/**
 * Cold start of the built rule functions: a fresh `node` process imports a function's bundle from
 * `.aws-sam/build/<LogicalId>/` and evaluates one change event (a sample from sam/events) against
 * a loopback stand-in, PutEvaluations included. Timed against a bare `node -e 0` in the same
 * interleaved rounds, in wall time and in CPU time (every process, the bare one too, reports its
 * own through ./report-usage.mjs), so the ratio holds on a busy machine too. Each function runs
 * with the NODE_OPTIONS it gets when deployed (after `sam build`), and once more without
 * `--enable-source-maps`, so the price of source maps is a figure rather than a guess.
 * Target: at most 2x a bare Node start. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { functionBuilds, type FunctionBuild } from '../../scripts/build-functions';
import { FakeAws } from './fake-aws';

const root = resolve(import.meta.dirname, '../..');
const ROUNDS = 10;
const TARGET_RATIO = 2;
const LABEL_WIDTH = 52;

/** The rules and the change event each is timed on. */
const CHANGE_EVENTS: Record<string, string> = {
  RolePolicyRuleFunction: 'change.json',
  SsmAccessRuleFunction: 'policy-change.json',
  PreferencesRuleFunction: 'document-change.json',
};

/** What the Lambda runtime does for one cold invocation: import the handler, call it once. */
const COLD_INVOCATION = `
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, eventFile, functionName] = process.argv.slice(1);
const { handler } = await import(pathToFileURL(bundle).href);
const context = { functionName, functionVersion: '$LATEST', awsRequestId: 'bench', logStreamName: 'bench', getRemainingTimeInMillis: () => 60000 };
await handler(JSON.parse(readFileSync(eventFile, 'utf8')), context);
`;

interface Run {
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
}

interface Cost {
  readonly wallMs: number;
  readonly cpuMs: number;
}

const REPORT_USAGE = join(import.meta.dirname, 'report-usage.mjs');

/** Wall time from spawn to exit, and the process's own CPU time; a failed run stops the benchmark. */
function measured({ args, env }: Run): Promise<Cost> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', REPORT_USAGE, ...args], {
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let usage = '';
    let wallMs = 0;
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => (usage += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => (wallMs = performance.now() - started));
    child.on('close', (code) => {
      if (code === 0) resolvePromise({ wallMs, cpuMs: (JSON.parse(usage) as { cpuMs: number }).cpuMs });
      else reject(new Error(`cold start run failed (exit ${code}): node ${args.slice(0, 3).join(' ')}\n${stderr}`));
    });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const withoutSourceMaps = (nodeOptions: string) =>
  nodeOptions
    .split(/\s+/)
    .filter((o) => o && o !== '--enable-source-maps')
    .join(' ');

export async function benchColdStart(): Promise<void> {
  const fake = await new FakeAws({ roles: 0, regions: 1, pageSize: 1000 }).start();
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_ENDPOINT_URL: fake.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    POWERTOOLS_SERVICE_NAME: 'session-guard',
    // Local Node is 20; the SDK's notice about Node 22 would only add a line to stderr.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const rules = functionBuilds().filter((fn) => CHANGE_EVENTS[fn.logicalId]);
  const invocation = (fn: FunctionBuild, nodeOptions: string): Run => ({
    args: [
      '--input-type=module',
      '-e',
      COLD_INVOCATION,
      join(fn.outdir, 'handler.mjs'),
      join(root, 'sam', 'events', fn.logicalId, CHANGE_EVENTS[fn.logicalId]!),
      fn.logicalId,
    ],
    env: { ...baseEnv, AWS_LAMBDA_FUNCTION_NAME: fn.logicalId, NODE_OPTIONS: nodeOptions },
  });

  const bare: Cost[] = [];
  const deployed = new Map<string, Cost[]>(rules.map((fn) => [fn.logicalId, []]));
  const noMaps = new Map<string, Cost[]>(rules.map((fn) => [fn.logicalId, []]));
  try {
    // Interleaved rounds: a burst of load elsewhere on the machine touches every series alike.
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await measured({ args: ['-e', '0'], env: { PATH: process.env.PATH } }));
      for (const fn of rules) {
        deployed.get(fn.logicalId)!.push(await measured(invocation(fn, fn.nodeOptions)));
        noMaps.get(fn.logicalId)!.push(await measured(invocation(fn, withoutSourceMaps(fn.nodeOptions))));
      }
    }
    const puts = fake.calls.get('PutEvaluations') ?? 0;
    if (puts !== ROUNDS * rules.length * 2)
      throw new Error(
        `expected one PutEvaluations per cold evaluation (${ROUNDS * rules.length * 2}), the stand-in saw ${puts}`,
      );

    const base = { wallMs: median(bare.map((c) => c.wallMs)), cpuMs: median(bare.map((c) => c.cpuMs)) };
    const [load] = loadavg();
    console.log(
      `cold start: a fresh node process imports the built bundle and evaluates one change event against a loopback stand-in`,
    );
    console.log(
      `  (median of ${ROUNDS} rounds; load average ${load!.toFixed(1)} on ${availableParallelism()} CPUs: wall time stretches under load, CPU time much less)`,
    );
    console.log(
      `  ${'bare `node -e 0`'.padEnd(LABEL_WIDTH + 2)} wall ${base.wallMs.toFixed(0).padStart(4)} ms          CPU ${base.cpuMs.toFixed(0).padStart(4)} ms`,
    );
    for (const fn of rules) {
      const loaded = await codeLoadedBy(invocation(fn, withoutSourceMaps(fn.nodeOptions)), fn.outdir);
      const line = (label: string, costs: Cost[]) => {
        const wallMs = median(costs.map((c) => c.wallMs));
        const cpuMs = median(costs.map((c) => c.cpuMs));
        return `    ${label.padEnd(LABEL_WIDTH)} wall ${wallMs.toFixed(0).padStart(4)} ms = ${ratio(wallMs, base.wallMs)}  CPU ${cpuMs.toFixed(0).padStart(4)} ms = ${ratio(cpuMs, base.cpuMs)}`;
      };
      console.log(
        `  ${fn.logicalId} on ${CHANGE_EVENTS[fn.logicalId]}: loads ${kb(loaded.bytes)} of its bundle in ${loaded.files} files; target <= ${TARGET_RATIO}x bare`,
      );
      console.log(line(`as deployed, NODE_OPTIONS="${fn.nodeOptions}"`, deployed.get(fn.logicalId)!));
      if (fn.nodeOptions !== withoutSourceMaps(fn.nodeOptions))
        console.log(line('without --enable-source-maps', noMaps.get(fn.logicalId)!));
    }
  } finally {
    await fake.close();
  }
}

const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}x`;

/** Runs one more cold evaluation, untimed, recording every module file it loads from the bundle. */
async function codeLoadedBy(run: Run, bundleDir: string): Promise<{ bytes: number; files: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'session-guard-bench-'));
  const log = join(dir, 'loaded.txt');
  try {
    const hook = join(import.meta.dirname, 'record-loaded-modules.mjs');
    await measured({ args: ['--import', hook, ...run.args], env: { ...run.env, LOADED_MODULES_LOG: log } });
    const files = [...new Set(readFileSync(log, 'utf8').split('\n'))]
      .filter((url) => url.startsWith('file:'))
      .map((url) => fileURLToPath(url))
      .filter((path) => path.startsWith(bundleDir));
    return { bytes: files.reduce((sum, path) => sum + statSync(path).size, 0), files: files.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
