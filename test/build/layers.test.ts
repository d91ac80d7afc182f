/**
 * The core (functions/shared/core) is where the product's knowledge lives, and it stays pure: it
 * imports only other core modules and zod, and reads no environment, clock or randomness. A
 * verdict must depend on its inputs alone, so that a test of the core is a test of the product.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const coreDir = join(root, 'functions/shared/core');
const coreFiles = readdirSync(coreDir).filter((f) => f.endsWith('.ts'));

const PURE_PACKAGES = new Set(['zod/mini', 'zod/locales']);
const IMPURE = [/\bprocess\./, /\bDate\.now\b/, /\bnew Date\(\)/, /\bsetTimeout\b/, /\bsetInterval\b/, /\bMath\.random\b/];

/** Every module specifier the file imports or re-exports, statically or with import(). */
function importsOf(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/g), ...source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)];
  return specifiers.map((m) => m[1]!);
}

describe('the core is pure', () => {
  it('has modules to check', () => {
    expect(coreFiles.length).toBeGreaterThan(5);
  });

  it.each(coreFiles)('%s imports only core modules and zod', (file) => {
    const outside = importsOf(readFileSync(join(coreDir, file), 'utf8')).filter((s) => !(s.startsWith('./') || PURE_PACKAGES.has(s)));
    expect(outside).toEqual([]);
  });

  it.each(coreFiles)('%s reads no environment, clock or randomness', (file) => {
    const code = readFileSync(join(coreDir, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(IMPURE.filter((pattern) => pattern.test(code)).map(String)).toEqual([]);
  });

  it('catches an import from outside the core (the check itself can fail)', () => {
    expect(importsOf("import { x } from '../adapters/iam';\nexport { y } from '@aws-sdk/client-iam';")).toEqual(['../adapters/iam', '@aws-sdk/client-iam']);
  });
});
