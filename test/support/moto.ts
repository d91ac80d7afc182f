/**
 * moto_server on loopback for integration tests. The real SDK clients talk HTTP to it.
 *
 * A moto_server takes seconds of CPU to start (and more to load AWS managed policies), so one
 * serves every test file a vitest worker runs, one after another: each worker slot
 * (VITEST_POOL_ID) starts its own on first use, so files running side by side never share one.
 * State is reset before every file and every test (moto's /moto-api/reset), as a fresh server
 * would have it; the global setup stops the servers when the run ends.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, beforeEach, inject } from 'vitest';
import { builtHandlerPath } from './build-functions';
import { requireTool, toolPath } from './tools';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where this run's moto_servers are registered, one file per worker slot and flavour. */
    motoServers: string;
  }
}

export const motoAvailable: boolean = requireTool('motoServer');

/** Static credentials moto accepts; no real AWS account is ever reached. */
export const MOTO_CLIENT_SETTINGS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
};

export interface Moto {
  /** http://127.0.0.1:<port>, set once the server answers. */
  endpoint: string;
  clientSettings(): typeof MOTO_CLIENT_SETTINGS & { endpoint: string };
}

export interface MotoOptions {
  /**
   * Load AWS managed policies into IAM (MOTO_IAM_LOAD_MANAGED_POLICIES). On by default, since
   * attaching one needs it; moto then reloads about a thousand policies after every reset, which
   * costs a second or more per test, so files that never touch an AWS managed policy turn it off.
   */
  readonly awsManagedPolicies?: boolean;
}

/** Registers hooks that give the current test file a freshly reset moto_server. */
export function useMoto({ awsManagedPolicies = true }: MotoOptions = {}): Moto {
  const moto: Moto = {
    endpoint: '',
    clientSettings: () => ({ ...MOTO_CLIENT_SETTINGS, endpoint: moto.endpoint }),
  };

  beforeAll(async () => {
    moto.endpoint = await workerMotoServer(awsManagedPolicies);
    await resetMoto(moto.endpoint);
  });

  beforeEach(() => resetMoto(moto.endpoint));

  return moto;
}

interface RegisteredServer {
  readonly pid: number;
  readonly endpoint: string;
}

/** The global setup's side: a folder where workers register their servers, and stopping them all. */
export function motoServersForRun(): { folder: string; stopAll(): void } {
  const folder = mkdtempSync(join(tmpdir(), 'session-guard-moto-'));
  return {
    folder,
    stopAll() {
      for (const name of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
        const { pid } = JSON.parse(readFileSync(join(folder, name), 'utf8')) as RegisteredServer;
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** This worker slot's moto_server of the flavour asked for, started on first use. */
async function workerMotoServer(awsManagedPolicies: boolean): Promise<string> {
  const folder = inject('motoServers');
  if (!folder)
    throw new Error(
      'No moto_server registry: run the integration tests through vitest, whose global setup provides it (vitest.config.ts).',
    );
  const name = `slot-${process.env.VITEST_POOL_ID ?? '1'}-${awsManagedPolicies ? 'aws-managed-policies' : 'plain'}`;
  const registration = join(folder, `${name}.json`);
  try {
    const { endpoint } = JSON.parse(readFileSync(registration, 'utf8')) as RegisteredServer;
    if ((await fetch(`${endpoint}/moto-api/`)).ok) return endpoint;
  } catch {
    // None yet, or it died: start one.
  }

  const port = await freePort();
  const log = join(folder, `${name}.log`);
  // Its stderr goes to a file and nothing ties it to this worker, which exits after its test file;
  // it stays in the run's process group, so an interrupted run stops it too.
  const child = spawn(toolPath('motoServer'), ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', openSync(log, 'a')],
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: String(awsManagedPolicies) },
  });
  child.unref();
  let spawnError = '';
  child.once('error', (error) => (spawnError = `${error.message}\n`));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(endpoint, () => spawnError + readFileSync(log, 'utf8').slice(-4000));
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  writeFileSync(registration, JSON.stringify({ pid: child.pid!, endpoint } satisfies RegisteredServer));
  return endpoint;
}

async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok)
    throw new Error(`moto_server at ${endpoint} did not reset: HTTP ${response.status} ${await response.text()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitUntilUp(endpoint: string, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not start on ${endpoint}: ${stderr()}`);
}

/**
 * Loads a built bundle the way Lambda would run it against local stand-ins: every AWS client at
 * `awsEndpoint` (moto_server), Config at `configEndpoint`, Systems Manager at `ssmEndpoint` when
 * given (a stand-in for the calls moto lacks), with moto's static credentials.
 */
export async function loadBuiltHandler<H>(
  logicalId: string,
  awsEndpoint: string,
  configEndpoint: string,
  ssmEndpoint?: string,
): Promise<H> {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: awsEndpoint,
    AWS_ENDPOINT_URL_CONFIG_SERVICE: configEndpoint,
    // The node-role stand-in answers Systems Manager and the Account Management API's ListRegions.
    ...(ssmEndpoint ? { AWS_ENDPOINT_URL_SSM: ssmEndpoint, AWS_ENDPOINT_URL_ACCOUNT: ssmEndpoint } : {}),
    AWS_REGION: MOTO_CLIENT_SETTINGS.region,
    AWS_ACCESS_KEY_ID: MOTO_CLIENT_SETTINGS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CLIENT_SETTINGS.credentials.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
  return ((await import(builtHandlerPath(logicalId))) as { handler: H }).handler;
}
