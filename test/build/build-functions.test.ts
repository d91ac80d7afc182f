/**
 * The build: the esbuild command line `sam build` would run for each function's Metadata, what the
 * built functions load at start and weigh on disk (bytes, not time), and reading their external
 * source maps back. The vitest global setup has built every function before this runs.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BuildPropertiesError,
  deployedNodeOptions,
  esbuildCommandLine,
  functionBuilds,
} from '../../scripts/build-functions';
import { resolveStackTrace } from '../../scripts/resolve-stack-trace';
import { bundleWeight } from '../support/build-functions';

const root = resolve(import.meta.dirname, '../..');
const context = { outdir: '/build/out', workingDirectory: root, dependencies: () => ['yaml', 'zod'] };

describe('esbuildCommandLine, as AWS Lambda Builders writes it', () => {
  it('passes booleans as flags, strings as --flag=value and lists as --flag:item, after the fixed flags', () => {
    // The same properties as Lambda Builders' own test_builds_args_from_config, in template spelling.
    const args = esbuildCommandLine(
      {
        EntryPoints: ['functions/instance-role-rule/handler.ts'],
        Minify: true,
        Sourcemap: false,
        SourcesContent: 'false',
        Format: 'esm',
        Target: 'node20',
        Loader: ['.proto=text', '.json=js'],
        External: ['aws-sdk', 'axios'],
        OutExtension: ['.js=.mjs'],
        MainFields: 'module,main',
        UseNpmCi: true,
      },
      context,
    );
    expect(args.slice(0, 4)).toEqual([
      'functions/instance-role-rule/handler.ts',
      '--bundle',
      '--platform=node',
      '--outdir=/build/out',
    ]);
    expect(new Set(args.slice(4))).toEqual(
      new Set([
        '--minify',
        '--sources-content=false',
        '--format=esm',
        '--target=node20',
        '--loader:.proto=text',
        '--loader:.json=js',
        '--external:aws-sdk',
        '--external:axios',
        '--out-extension:.js=.mjs',
        '--main-fields=module,main',
      ]),
    );
  });

  it('adds esbuild defaults only for what the template leaves out, and bundles the handler file without EntryPoints', () => {
    expect(esbuildCommandLine({}, { ...context, handler: 'functions/instance-role-rule/handler.handler' })).toEqual([
      'functions/instance-role-rule/handler.ts',
      '--bundle',
      '--platform=node',
      '--outdir=/build/out',
      '--target=es2020',
      '--format=cjs',
      '--minify',
    ]);
    expect(
      esbuildCommandLine({ EntryPoints: ['functions/instance-role-rule/handler'], Minify: false }, context),
    ).not.toContain('--minify');
  });

  it('writes a Banner string as --banner=..., which esbuild refuses: the template writes it as a list', () => {
    const banner = "js=import { createRequire } from 'module';";
    const entry = { EntryPoints: ['functions/instance-role-rule/handler.ts'] };
    expect(esbuildCommandLine({ ...entry, Banner: banner }, context)).toContain(`--banner=${banner}`);
    expect(esbuildCommandLine({ ...entry, Banner: [banner] }, context)).toContain(`--banner:${banner}`);
  });

  it("marks every package.json dependency external for External: ['./node_modules/*']", () => {
    const args = esbuildCommandLine(
      { EntryPoints: ['functions/instance-role-rule/handler.ts'], External: ['./node_modules/*'] },
      context,
    );
    expect(args.filter((a) => a.startsWith('--external'))).toEqual(['--external:yaml', '--external:zod']);
  });

  it('names what is wrong: a number, a missing entry point, no entry points at all', () => {
    expect(() =>
      esbuildCommandLine({ EntryPoints: ['functions/instance-role-rule/handler.ts'], Target: 22 }, context),
    ).toThrow(/Target.*Quote numbers/);
    expect(() => esbuildCommandLine({ EntryPoints: ['functions/nowhere.ts'] }, context)).toThrow(
      /functions\/nowhere.ts does not exist/,
    );
    expect(() => esbuildCommandLine({}, context)).toThrow(BuildPropertiesError);
  });
});

describe('deployedNodeOptions, as sam build leaves them', () => {
  it('adds --enable-source-maps for any Sourcemap, once, and leaves other options alone', () => {
    expect(deployedNodeOptions(undefined, 'external')).toBe('--enable-source-maps');
    expect(deployedNodeOptions('--max-old-space-size=400 --enable-source-maps', true)).toBe(
      '--max-old-space-size=400 --enable-source-maps',
    );
    expect(deployedNodeOptions('--max-old-space-size=400', false)).toBe('--max-old-space-size=400');
    expect(() => deployedNodeOptions({ 'Fn::Sub': '--x' }, true)).toThrow(/plain string/);
  });
});

/**
 * Ceilings a little above today's sizes, so that a new static import of a heavy package fails
 * here rather than in a cold start. The aim is 300 KB at start and 500 KB on disk. Every folder
 * is within 500 KB since the credential sources Lambda never reaches are left out (External in
 * functions/deployment.yaml). At start, three functions are within 300 KB; what keeps the other
 * two above it is code no build setting can leave out:
 * - Every function carries the SDK's shared runtime (about 150 KB of @smithy/core, @aws-sdk/core,
 *   signing and HTTP), zod/mini with its English messages (about 30 KB, schemas built at import)
 *   and Powertools (about 32 KB).
 * - The preferences rule calls Systems Manager on every event, and the SSM client's schema module
 *   registers all of its 140 error classes as a side effect (about 70 KB that cannot tree-shake).
 * - The remediation holds both the IAM and the Config client.
 */
const CEILINGS_KB: Record<string, { atStart: number; folder: number }> = {
  RolePolicyRuleFunction: { atStart: 295, folder: 435 },
  SsmAccessRuleFunction: { atStart: 295, folder: 340 },
  AttachPolicyFunction: { atStart: 310, folder: 420 },
  SessionPreferencesFunction: { atStart: 295, folder: 310 },
  PreferencesRuleFunction: { atStart: 335, folder: 465 },
};

/** Code no event needs at start: other credential sources, their STS/SSO clients, YAML, the region list of node roles. */
const NEVER_AT_START = [
  '@aws-sdk/client-account',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/nested-clients',
  '@aws-sdk/client-sts',
  'yaml',
];

describe.each(functionBuilds().map((fn) => [fn.logicalId, fn] as const))('built %s', (logicalId, fn) => {
  const weight = bundleWeight(fn);

  it('is an entry file plus chunks, within its size ceilings', () => {
    expect(weight.codeFiles).toBeGreaterThan(1);
    const ceiling = CEILINGS_KB[logicalId];
    expect(ceiling, `add ${logicalId} to CEILINGS_KB`).toBeDefined();
    expect(weight.loadedAtStartBytes / 1024).toBeLessThanOrEqual(ceiling!.atStart);
    expect(weight.folderBytes / 1024).toBeLessThanOrEqual(ceiling!.folder);
  });

  it('loads no other credential source, STS/SSO client or YAML parser at start', () => {
    expect(NEVER_AT_START.filter((name) => weight.packagesLoadedAtStart.has(name))).toEqual([]);
    if (logicalId === 'RolePolicyRuleFunction' || logicalId === 'SsmAccessRuleFunction') {
      // IAM is read only by sweeps (and the access rule's tag lookups).
      expect(weight.packagesLoadedAtStart.has('@aws-sdk/client-iam')).toBe(false);
    }
  });

  it("ships the environment's credential source and none of those Lambda never reaches", () => {
    expect(weight.packagesInFolder.has('@aws-sdk/credential-provider-env')).toBe(true);
    const unreachable = [...weight.packagesInFolder].filter(
      (name) =>
        /^@aws-sdk\/credential-provider-(?!env$|node$)/.test(name) || name === '@smithy/credential-provider-imds',
    );
    expect(unreachable).toEqual([]);
  });

  it('ships its source maps beside the code, unlinked', () => {
    expect(weight.sourceMapBytes).toBeGreaterThan(0);
    expect(fn.nodeOptions).toBe('--enable-source-maps');
  });
});

describe('resolveStackTrace', () => {
  const fn = functionBuilds().find((f) => f.logicalId === 'RolePolicyRuleFunction')!;
  let trace = '';

  beforeAll(async () => {
    // A rule run that fails on a bad event, in the built bundle, as it would in Lambda.
    const failing = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(fn.outdir, 'handler.mjs')).href)});
      const context = { functionName: 'f', getRemainingTimeInMillis: () => 1000 };
      try { await handler({ invokingEvent: '{', resultToken: 'TESTMODE', configRuleName: 'rule' }, context); }
      catch (error) { process.stderr.write(error.stack); }`;
    ({ stderr: trace } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', failing], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    }));
  });

  it("maps a built function's stack trace back to the source files", () => {
    expect(trace).toMatch(/InvalidEventError[\s\S]*handler\.mjs:\d+:\d+/);
    const resolved = resolveStackTrace(trace, fn.outdir);
    expect(resolved).toMatch(/at \S+ \(functions\/shared\/config-rule\/event\.ts:\d+:\d+\)/);
    expect(resolved).not.toMatch(/handler\.mjs:\d+:\d+/);
  });

  it('maps the same positions where Lambda ran the code (/var/task), and leaves files without a map alone', () => {
    const fromLambda = `${trace.replaceAll(pathToFileURL(fn.outdir).href, 'file:///var/task')}\n    at file:///var/task/chunks/missing.mjs:1:1`;
    expect(fromLambda).toContain('file:///var/task/handler.mjs');
    const resolved = resolveStackTrace(fromLambda, fn.outdir);
    expect(resolved).toMatch(/functions\/shared\/config-rule\/event\.ts:\d+:\d+/);
    expect(resolved).not.toContain('/var/task/handler.mjs');
    expect(resolved).toContain('file:///var/task/chunks/missing.mjs:1:1');
  });
});
