/**
 * `npm run build`: bundles every function the way `sam build` does, from the esbuild
 * BuildProperties in template.yaml, into `.aws-sam/build/<LogicalId>/`. The template is the one
 * source of truth for build flags, so tests and benchmarks load exactly what SAM would deploy.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { readTemplate, type TemplateResource } from './template';

const root = resolve(import.meta.dirname, '..');

export interface FunctionBuild {
  logicalId: string;
  outdir: string;
  options: BuildOptions;
}

/** The esbuild options SAM derives from a function's Metadata.BuildProperties. */
export function functionBuilds(templatePath = join(root, 'template.yaml')): FunctionBuild[] {
  const template = readTemplate(templatePath);
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Serverless::Function' && r.Metadata?.BuildMethod === 'esbuild')
    .map(([logicalId, resource]) => toBuild(logicalId, resource));
}

function toBuild(logicalId: string, resource: TemplateResource): FunctionBuild {
  const props = (resource.Metadata?.BuildProperties ?? {}) as Record<string, unknown>;
  const codeUri = String(resource.Properties?.CodeUri ?? '.');
  const outdir = join(root, '.aws-sam', 'build', logicalId);
  const entryPoints = (props.EntryPoints as string[] | undefined) ?? [];
  if (entryPoints.length === 0) throw new Error(`${logicalId}: Metadata.BuildProperties.EntryPoints is empty`);
  return {
    logicalId,
    outdir,
    options: {
      entryPoints: entryPoints.map((e) => join(root, codeUri, e)),
      outdir,
      bundle: true,
      platform: 'node',
      format: (props.Format as BuildOptions['format']) ?? 'cjs',
      target: (props.Target as string | undefined) ?? 'es2020',
      minify: props.Minify !== false,
      sourcemap: props.Sourcemap === true,
      external: (props.External as string[] | undefined) ?? [],
      outExtension: keyValues(props.OutExtension),
      banner: keyValues(props.Banner),
      logLevel: 'warning',
    },
  };
}

/** SAM writes `OutExtension: ['.js=.mjs']` and `Banner: 'js=...'`; esbuild wants objects. */
function keyValues(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const entries = (Array.isArray(value) ? value : [value]).map((v) => {
    const text = String(v);
    const at = text.indexOf('=');
    return [text.slice(0, at), text.slice(at + 1)] as const;
  });
  return Object.fromEntries(entries);
}

async function main(): Promise<void> {
  for (const fn of functionBuilds()) {
    rmSync(fn.outdir, { recursive: true, force: true });
    await build(fn.options);
    console.log(`built ${fn.logicalId} -> ${fn.outdir}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
