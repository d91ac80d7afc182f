/**
 * Whether two versions of a template deploy the same thing: every section as CloudFormation reads
 * it (comments, layout and key order aside) and, when the SAM translator is installed, the
 * resources after the SAM transform. Run it before and after reshaping template.yaml, or changing
 * how its generated parts are written:
 *
 *   git show main:template.yaml > /tmp/before.yaml
 *   npx tsx scripts/compare-templates.ts /tmp/before.yaml template.yaml
 *
 * Prints each path that differs and exits 1, or says what it compared and exits 0.
 */
import { spawnSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { readTemplate, samTransformed } from './template';
import { isRecord } from '../functions/shared/core/validation';

/** Paths under which `a` and `b` differ, as `Resources.X.Properties.Y`. */
export function differences(a: unknown, b: unknown, path = ''): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  const bothMaps = isRecord(a) && isRecord(b);
  const bothLists = Array.isArray(a) && Array.isArray(b) && a.length === b.length;
  if (bothMaps) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    return [...keys].flatMap((k) =>
      differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k),
    );
  }
  if (bothLists) return (a as unknown[]).flatMap((item, i) => differences(item, (b as unknown[])[i], `${path}[${i}]`));
  return [path || '(the whole template)'];
}

function main(): void {
  const [before, after] = process.argv.slice(2);
  if (!before || !after) throw new Error('Usage: npx tsx scripts/compare-templates.ts <before.yaml> <after.yaml>');
  const found = differences(readTemplate(before), readTemplate(after)).map((p) => `as written: ${p}`);
  const translator = spawnSync('python3', ['-c', 'import samtranslator'], { stdio: 'ignore' }).status === 0;
  if (translator)
    found.push(
      ...differences(samTransformed(before), samTransformed(after)).map((p) => `after the SAM transform: ${p}`),
    );
  if (found.length > 0) {
    console.log(found.join('\n'));
    process.exit(1);
  }
  const how = translator ? 'before and after the SAM transform' : 'as written only (SAM translator not installed)';
  console.log(`${before} and ${after} declare the same template, ${how}.`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
}
