/**
 * `npm run build`: bundles every function the way `sam build` does, from the esbuild
 * BuildProperties in template.yaml, into `.aws-sam/build/<LogicalId>/`. The template is the one
 * source of truth for build flags, so tests and benchmarks load exactly what SAM would deploy.
 *
 * `sam build` does not call esbuild's API: SAM CLI turns each BuildProperties key from PascalCase
 * into snake_case (samcli/lib/samlib/resource_metadata_normalizer.py, normalize_build_properties),
 * and AWS Lambda Builders turns those into an esbuild command line and runs the esbuild binary
 * (aws_lambda_builders/workflows/nodejs_npm_esbuild/esbuild.py, EsbuildCommandBuilder). This
 * script builds the same command line and runs the same binary, so a property esbuild's CLI
 * would refuse (a `Banner` written as a string: `--banner=js=...`) fails here too, not first in
 * `sam build`. Documented properties:
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-using-build-typescript.html
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { readTemplate, type Template, type TemplateResource } from './template';

const root = resolve(import.meta.dirname, '..');

/** Lambda Builders looks for esbuild among the project's own packages first. */
const ESBUILD_BINARY = join(root, 'node_modules', '.bin', 'esbuild');

/** Set by Lambda Builders itself so Lambda can load the result; the template cannot change them. */
const NON_CONFIGURABLE = new Set(['bundle', 'platform', 'outdir']);
/** Build properties Lambda Builders reads itself instead of passing them to esbuild. */
const NOT_FOR_ESBUILD = new Set(['use_npm_ci', 'entry_points']);
/** `External: ['./node_modules/*']` marks every dependency in package.json external instead. */
const ALL_DEPENDENCIES_EXTERNAL = './node_modules/*';

export interface FunctionBuild {
  logicalId: string;
  /** `.aws-sam/build/<LogicalId>/`: the folder SAM zips and uploads. */
  outdir: string;
  /** The function's CodeUri; SAM runs esbuild there (in a copy of it). */
  workingDirectory: string;
  /** The esbuild command line `sam build` runs, without the binary. */
  args: string[];
  /** Its entry points, relative to the working directory. */
  entryPoints: string[];
  /** The function's NODE_OPTIONS after `sam build` (see deployedNodeOptions). */
  nodeOptions: string;
  /**
   * esbuild's metafile for the build (which inputs went into each output file, and what each
   * output imports), written beside the function's folder, never inside what SAM uploads.
   */
  metafile: string;
}

export class BuildPropertiesError extends Error {
  override name = 'BuildPropertiesError';
}

/** Every esbuild-built function of the template, with the command line SAM would run for it. */
export function functionBuilds(templatePath = join(root, 'template.yaml')): FunctionBuild[] {
  const template = readTemplate(templatePath);
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Serverless::Function' && r.Metadata?.BuildMethod === 'esbuild')
    .map(([logicalId, resource]) => toBuild(template, logicalId, resource));
}

function toBuild(template: Template, logicalId: string, resource: TemplateResource): FunctionBuild {
  const written = nodeOptionsOf(template, resource);
  const props = withSourcemapFromNodeOptions(
    (resource.Metadata?.BuildProperties ?? {}) as Record<string, unknown>,
    written,
  );
  const workingDirectory = join(root, String(resource.Properties?.CodeUri ?? '.'));
  const outdir = join(root, '.aws-sam', 'build', logicalId);
  try {
    const nodeOptions = deployedNodeOptions(written, props.Sourcemap);
    const args = esbuildCommandLine(props, {
      outdir,
      workingDirectory,
      handler: typeof resource.Properties?.Handler === 'string' ? resource.Properties.Handler : undefined,
      dependencies: () =>
        Object.keys(
          (JSON.parse(readFileSync(join(workingDirectory, 'package.json'), 'utf8')) as { dependencies?: object })
            .dependencies ?? {},
        ),
    });
    const metafile = join(root, '.aws-sam', 'esbuild-metafiles', `${logicalId}.json`);
    return {
      logicalId,
      outdir,
      workingDirectory,
      args,
      entryPoints: args.filter((arg) => !arg.startsWith('--')),
      nodeOptions,
      metafile,
    };
  } catch (error) {
    if (error instanceof BuildPropertiesError) throw new BuildPropertiesError(`${logicalId}: ${error.message}`);
    throw error;
  }
}

export interface CommandLineContext {
  outdir: string;
  workingDirectory: string;
  /** The function's Handler (`handler.handler`): SAM's entry point when EntryPoints is absent. */
  handler?: string | undefined;
  /** The dependencies in the function's package.json, read only for `External: ['./node_modules/*']`. */
  dependencies: () => string[];
}

/**
 * The esbuild arguments `sam build` passes for one function's BuildProperties: entry points, then
 * Lambda Builders' fixed flags and defaults, then each property as esbuild's CLI spells it.
 */
export function esbuildCommandLine(buildProperties: Record<string, unknown>, context: CommandLineContext): string[] {
  // SAM CLI hands Lambda Builders the keys in snake_case; messages name them as the template does.
  const properties = Object.entries(buildProperties).map(([key, value]) => ({ key, name: snakeCase(key), value }));
  const config = new Map(properties.map(({ name, value }) => [name, value]));
  const args = entryPoints(config, context);

  args.push('--bundle', '--platform=node', `--outdir=${context.outdir}`);
  if (!config.has('target')) args.push('--target=es2020');
  if (!config.has('format')) args.push('--format=cjs');
  if (!config.has('minify')) args.push('--minify');

  const external = config.get('external');
  const allDependenciesExternal = Array.isArray(external) && external.includes(ALL_DEPENDENCIES_EXTERNAL);
  if (allDependenciesExternal) args.push(...context.dependencies().map((dependency) => `--external:${dependency}`));

  for (const { key, name, value } of properties) {
    if (NON_CONFIGURABLE.has(name) || NOT_FOR_ESBUILD.has(name) || (name === 'external' && allDependenciesExternal))
      continue;
    const flag = `--${name.replaceAll('_', '-')}`;
    if (typeof value === 'boolean') {
      if (value) args.push(flag);
    } else if (typeof value === 'string') {
      args.push(`${flag}=${value}`);
    } else if (Array.isArray(value)) {
      args.push(...value.map((item) => `${flag}:${String(item)}`));
    } else {
      throw new BuildPropertiesError(
        `BuildProperties ${key} is ${JSON.stringify(value)}; SAM passes ` +
          `only booleans, strings and lists to esbuild. Quote numbers ('22').`,
      );
    }
  }
  return args;
}

/** `MainFields` -> `main_fields`, as SAM CLI normalizes BuildProperties keys. */
function snakeCase(key: string): string {
  return key.replace(/(?<!^)(?=[A-Z])/g, '_').toLowerCase();
}

function entryPoints(config: Map<string, unknown>, context: CommandLineContext): string[] {
  // Without EntryPoints, SAM bundles the handler's file: `handler.handler` -> `handler`.
  const declared = config.get('entry_points') ?? (context.handler ? [context.handler.split('.')[0]] : undefined);
  if (!Array.isArray(declared) || declared.length === 0) {
    throw new BuildPropertiesError(
      'BuildProperties EntryPoints must be a non-empty list of files, relative to CodeUri.',
    );
  }
  return declared.map((entry) => {
    const path = String(entry);
    // An entry point without an extension is found as .ts, then .js.
    const candidates = extname(path) ? [path] : [`${path}.ts`, `${path}.js`];
    const found = candidates.find((candidate) => existsSync(join(context.workingDirectory, candidate)));
    if (!found) throw new BuildPropertiesError(`entry point ${join(context.workingDirectory, path)} does not exist.`);
    return found;
  });
}

/** The function's NODE_OPTIONS as written: its own Environment, else Globals.Function's. */
function nodeOptionsOf(template: Template, resource: TemplateResource): unknown {
  const variables = (from: Record<string, unknown> | undefined) =>
    (from?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
  return variables(resource.Properties)?.NODE_OPTIONS ?? variables(template.Globals?.Function)?.NODE_OPTIONS;
}

/**
 * `sam build` sets Sourcemap itself when NODE_OPTIONS asks for `--enable-source-maps` and the
 * BuildProperties say nothing (samcli/lib/build/bundler.py, set_sourcemap_metadata_from_env).
 */
function withSourcemapFromNodeOptions(props: Record<string, unknown>, nodeOptions: unknown): Record<string, unknown> {
  const asksForMaps = typeof nodeOptions === 'string' && nodeOptions.split(/\s+/).includes('--enable-source-maps');
  return props.Sourcemap === undefined && asksForMaps ? { ...props, Sourcemap: true } : props;
}

/**
 * NODE_OPTIONS as the deployed function gets it: `sam build` appends `--enable-source-maps` to the
 * NODE_OPTIONS of every function whose Sourcemap is set, whatever the template says
 * (samcli/lib/build/bundler.py, _set_sourcemap_env_from_metadata). Shipping maps without paying
 * for them at load time therefore needs maps the code does not link (`Sourcemap: external`).
 */
export function deployedNodeOptions(written: unknown, sourcemap: unknown): string {
  if (written !== undefined && typeof written !== 'string') {
    throw new BuildPropertiesError(
      `NODE_OPTIONS must be a plain string for sam build to read it, not ${JSON.stringify(written)}.`,
    );
  }
  const options = (written ?? '').split(/\s+/).filter(Boolean);
  if (sourcemap && !options.includes('--enable-source-maps')) options.push('--enable-source-maps');
  return options.join(' ');
}

const run = promisify(execFile);

/** Bundles one function into a fresh `outdir`, as `sam build` does. */
export async function buildFunction(fn: FunctionBuild): Promise<void> {
  // A fresh folder: chunk names carry content hashes, and stale chunks would ship with the function.
  rmSync(fn.outdir, { recursive: true, force: true });
  try {
    await run(ESBUILD_BINARY, [...fn.args, `--metafile=${fn.metafile}`], { cwd: fn.workingDirectory });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(
      `esbuild failed for ${fn.logicalId} (Metadata.BuildProperties ` +
        `in template.yaml):\n${stderr || (error as Error).message}`,
    );
  }
}

/** Bundles every esbuild function of the template, side by side. */
export async function buildFunctions(builds = functionBuilds()): Promise<FunctionBuild[]> {
  await Promise.all(builds.map(buildFunction));
  return builds;
}

async function main(): Promise<void> {
  for (const fn of await buildFunctions()) console.log(`built ${fn.logicalId} -> ${fn.outdir}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
