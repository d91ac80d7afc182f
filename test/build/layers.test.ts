/**
 * Layers call inward only: handler -> adapters -> rules and services (with the ports they
 * declare) -> core. The core (functions/shared/core) is where the product's knowledge lives, and it
 * stays pure: it imports only other core modules, the shared errors and zod, and reads no
 * environment, clock or randomness. A verdict must depend on its inputs alone, so that a test of the
 * core is a test of the product.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const coreDir = join(root, 'functions/shared/core');
const coreFiles = readdirSync(coreDir).filter((f) => f.endsWith('.ts'));

const PURE_PACKAGES = new Set(['zod/mini', 'zod/locales']);
/** The error classes every layer shares: a module of plain classes, pure itself. */
const SHARED_ERRORS = '../errors';
const IMPURE = [
  /\bprocess\./,
  /\bDate\.now\b/,
  /\bnew Date\(\)/,
  /\bsetTimeout\b/,
  /\bsetInterval\b/,
  /\bMath\.random\b/,
];

/** Every module specifier the file imports or re-exports, statically or with import(). */
function importsOf(source: string): string[] {
  const specifiers = [
    ...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/g),
    ...source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ];
  return specifiers.map((m) => m[1]!);
}

describe('the core is pure', () => {
  it('has modules to check', () => {
    expect(coreFiles.length).toBeGreaterThan(5);
  });

  it.each(coreFiles)('%s imports only core modules and zod', (file) => {
    const outside = importsOf(readFileSync(join(coreDir, file), 'utf8')).filter(
      (s) => !(s.startsWith('./') || s === SHARED_ERRORS || PURE_PACKAGES.has(s)),
    );
    expect(outside).toEqual([]);
  });

  it.each(coreFiles)('%s reads no environment, clock or randomness', (file) => {
    const code = readFileSync(join(coreDir, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(IMPURE.filter((pattern) => pattern.test(code)).map(String)).toEqual([]);
  });

  it('catches an import from outside the core (the check itself can fail)', () => {
    expect(importsOf("import { x } from '../adapters/iam';\nexport { y } from '@aws-sdk/client-iam';")).toEqual([
      '../adapters/iam',
      '@aws-sdk/client-iam',
    ]);
  });
});

/** Every TypeScript file under a folder, as a path relative to the repository root. */
function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return filesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** From the outside in; a module may import its own layer and the layers inside it. */
const LAYERS = ['handler', 'adapters', 'rules and services', 'core'] as const;
type Layer = (typeof LAYERS)[number];

/** The errors every layer raises and every edge words: plain classes, pure themselves. */
const SHARED_ERRORS_MODULE = 'functions/shared/errors.ts';

function layerOf(file: string): Layer {
  if (file.startsWith('functions/shared/core/')) return 'core';
  if (file.startsWith('functions/shared/adapters/')) return 'adapters';
  if (file.startsWith('functions/shared/handler/') || /^functions\/[^/]+\/handler\.ts$/.test(file)) return 'handler';
  // The rules, services and plumbing: functions/<function>/*.ts, config-rule/, custom-resource/, resources/.
  return 'rules and services';
}

/** The imports of `file` that reach outward, as `file imports 'specifier' (layer -> layer)`. */
function outwardImports(file: string, source: string): string[] {
  const from = layerOf(file);
  return importsOf(source)
    .filter((specifier) => specifier.startsWith('.'))
    .flatMap((specifier) => {
      const target = `${relative(root, resolve(root, dirname(file), specifier))}.ts`;
      if (target === SHARED_ERRORS_MODULE) return [];
      const to = layerOf(target);
      return LAYERS.indexOf(to) < LAYERS.indexOf(from) ? [`${file} imports '${specifier}' (${from} -> ${to})`] : [];
    });
}

describe('layers call inward only: handler -> adapters -> rules and services -> core', () => {
  const files = filesUnder('functions').filter((f) => f !== SHARED_ERRORS_MODULE);

  it('has every layer to check', () => {
    expect(new Set(files.map(layerOf))).toEqual(new Set(LAYERS));
  });

  it.each(files)('%s imports nothing from a layer outside its own', (file) => {
    expect(outwardImports(file, readFileSync(join(root, file), 'utf8'))).toEqual([]);
  });

  it('names the file and the import that reaches outward (the check itself can fail)', () => {
    const source =
      "import type { FetchedDocument } from '../shared/adapters/ssm-session-documents';\nimport { evaluate } from '../shared/core/compliance';";
    expect(outwardImports('functions/session-document-rule/rule.ts', source)).toEqual([
      "functions/session-document-rule/rule.ts imports '../shared/adapters/ssm-session-documents' (rules and services -> adapters)",
    ]);
    expect(outwardImports('functions/shared/core/compliance.ts', "import { x } from '../config-rule/run';")).toEqual([
      "functions/shared/core/compliance.ts imports '../config-rule/run' (core -> rules and services)",
    ]);
    expect(
      outwardImports(
        'functions/shared/adapters/iam.ts',
        "import { configRuleHandler } from '../handler/config-rule-handler';\nimport { AwsAccessError } from '../errors';",
      ),
    ).toEqual(["functions/shared/adapters/iam.ts imports '../handler/config-rule-handler' (adapters -> handler)"]);
  });
});
