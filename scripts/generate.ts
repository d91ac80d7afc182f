/**
 * `npm run generate`: writes every generated part of the templates, in the order they depend on
 * each other, so one command brings them all up to date:
 *
 * 1. each function's resource set in template.yaml, from functions/deployment.yaml
 *    (scripts/template-functions.ts);
 * 2. each Automation document in template.yaml, from automation-docs/ (scripts/embed-automation-docs.ts);
 * 3. sam/stackset.yaml's copy of template.yaml's parameters (scripts/stackset-parameters.ts).
 *
 * Tests fail while any of them differs from what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EMBEDDED_DOCUMENTS, embedDocument } from './embed-automation-docs';
import {
  STACKSET_TEMPLATE,
  StackSetParametersError,
  templateParameters,
  withTemplateParameters,
} from './stackset-parameters';
import { DESCRIPTION_FILE, FunctionDescriptionError, withFunctionBlocks } from './template-functions';

const root = resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** Writes the file only when its text changes, and says what it did. */
function update(file: string, text: string, what: string): void {
  const changed = read(file) !== text;
  if (changed) writeFileSync(join(root, file), text);
  console.log(`${file}: ${what} ${changed ? 'rewritten' : 'already current'}.`);
}

function main(): void {
  update(
    'template.yaml',
    withFunctionBlocks(read('template.yaml'), read(DESCRIPTION_FILE), root),
    `function resource sets from ${DESCRIPTION_FILE}`,
  );
  let template = read('template.yaml');
  for (const doc of EMBEDDED_DOCUMENTS) template = embedDocument(template, doc, read(doc.file));
  update(
    'template.yaml',
    template,
    `Automation documents from ${EMBEDDED_DOCUMENTS.map((doc) => doc.file).join(', ')}`,
  );
  update(
    STACKSET_TEMPLATE,
    withTemplateParameters(read(STACKSET_TEMPLATE), templateParameters()),
    'parameters of template.yaml',
  );
}

try {
  main();
} catch (error) {
  const expected = error instanceof FunctionDescriptionError || error instanceof StackSetParametersError;
  console.error(expected ? error.message : error);
  process.exit(1);
}
