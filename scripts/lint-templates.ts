/**
 * `npm run lint:templates`: cfn-lint over every CloudFormation / SAM template in the project.
 * cfn-lint is a Python tool. When it is missing this says so on a line of its own; under `CI=true`
 * that fails the run, since a green CI must mean the templates were linted.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** template.yaml plus every template under sam/ (multi-account rollout). */
export function templatePaths(): string[] {
  const samTemplates = readdirSync(join(root, 'sam'), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ya?ml)$/.test(f) && !f.startsWith('events'))
    .map((f) => join(root, 'sam', f));
  return [join(root, 'template.yaml'), ...samTemplates];
}

const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.log('cfn-lint not found on PATH: templates were not linted. Install it with `pip install cfn-lint`.');
  process.exit(process.env.CI === 'true' ? 1 : 0);
}

const templates = templatePaths();
const result = spawnSync('cfn-lint', ['--', ...templates], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
console.log(`cfn-lint: ${templates.length} template(s) clean: ${templates.map((t) => relative(root, t)).join(', ')}`);
