/**
 * Vitest global setup: bundle every function from template.yaml first, so the tests that load
 * `.aws-sam/build/<LogicalId>/handler.mjs` run exactly what SAM would deploy.
 */
import { build } from 'esbuild';
import { functionBuilds } from '../../scripts/build-functions';

export default async function setup(): Promise<void> {
  await Promise.all(functionBuilds().map((fn) => build(fn.options)));
}

/** The built bundle of a function, as SAM would deploy it. */
export function builtHandlerPath(logicalId: string): string {
  const fn = functionBuilds().find((f) => f.logicalId === logicalId);
  if (!fn) throw new Error(`template.yaml has no esbuild function ${logicalId}`);
  return `${fn.outdir}/handler.mjs`;
}
