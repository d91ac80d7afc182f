/**
 * A moto_server on loopback for integration tests: started on a free port per test file, reset
 * between tests, stopped when the file is done. The real SDK clients talk HTTP to it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { builtHandlerPath } from './build-functions';
import { commandRuns, requireTool } from './tools';

export const motoAvailable: boolean = requireTool(
  'moto_server (the AWS API emulator the integration tests talk HTTP to)',
  commandRuns('moto_server', ['--help']),
  'install it with `pip install "moto[server]"` (Python 3)',
);

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

/** Registers hooks that run a moto_server for the current test file. */
export function useMoto({ awsManagedPolicies = true }: MotoOptions = {}): Moto {
  let child: ChildProcess | undefined;
  const moto: Moto = {
    endpoint: '',
    clientSettings: () => ({ ...MOTO_CLIENT_SETTINGS, endpoint: moto.endpoint }),
  };

  beforeAll(async () => {
    const port = await freePort();
    child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: String(awsManagedPolicies) },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    moto.endpoint = `http://127.0.0.1:${port}`;
    await waitUntilUp(moto.endpoint, () => stderr);
  });

  beforeEach(async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
  });

  afterAll(() => {
    child?.kill('SIGTERM');
  });

  return moto;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
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
export async function loadBuiltHandler<H>(logicalId: string, awsEndpoint: string, configEndpoint: string, ssmEndpoint?: string): Promise<H> {
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
