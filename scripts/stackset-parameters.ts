/**
 * `npm run generate:stackset`: copies every parameter of template.yaml into sam/stackset.yaml,
 * declared exactly as template.yaml declares it and passed through to every stack instance.
 *
 * template.yaml stays the single source: this script writes the two blocks between BEGIN/END
 * markers (the declarations, and the StackSet's Parameters list), and a test fails while they
 * differ from what it would write. Every parameter is passed, including those whose value differs
 * per account or region (ExistingAuditBucketName, ...): StackSets can override a parameter on
 * some stack instances only when the StackSet itself specifies it.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStackInstances.html
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Document, visit } from 'yaml';
import { readTemplate } from './template';
import { replaceBlock } from './marker-block';

const root = resolve(import.meta.dirname, '..');
export const STACKSET_TEMPLATE = 'sam/stackset.yaml';

/** sam/stackset.yaml's own parameters: they configure the StackSet, not the stacks. */
export const STACKSET_OWN_PARAMETERS = [
  'TemplateURL',
  'OrganizationalUnitIds',
  'Regions',
  'CallAs',
  'RetainStacksOnAccountRemoval',
  'FailureTolerancePercentage',
  'MaxConcurrentPercentage',
  'RegionConcurrencyType',
];

interface Block {
  readonly begin: string;
  readonly end: string;
  /** Indentation of the block's lines, markers included. */
  readonly indent: string;
  render(parameters: Record<string, Record<string, unknown>>): string[];
}

const BLOCKS: readonly Block[] = [
  {
    begin: '# BEGIN parameters of template.yaml (npm run generate:stackset writes this block)',
    end: '# END parameters of template.yaml',
    indent: '  ',
    render: (parameters) => {
      const declarations = new Document(parameters);
      // Lists of allowed values on one line, as template.yaml writes them.
      visit(declarations, { Seq: (_, seq) => void (seq.flow = true) });
      return declarations.toString({ lineWidth: 0 }).trimEnd().split('\n');
    },
  },
  {
    begin:
      '# BEGIN every parameter of template.yaml, passed to every stack (npm run generate:stackset writes this block)',
    end: '# END every parameter of template.yaml',
    indent: '        ',
    render: (parameters) =>
      Object.keys(parameters).flatMap((name) => [`- ParameterKey: ${name}`, `  ParameterValue: !Ref ${name}`]),
  },
];

export class StackSetParametersError extends Error {
  override name = 'StackSetParametersError';
}

/** sam/stackset.yaml's text with both blocks written from template.yaml's parameters. */
export function withTemplateParameters(
  stackSetText: string,
  parameters: Record<string, Record<string, unknown>>,
): string {
  const clashing = Object.keys(parameters).filter((name) => STACKSET_OWN_PARAMETERS.includes(name));
  if (clashing.length > 0) {
    throw new StackSetParametersError(
      `template.yaml parameter(s) ${clashing.join(', ')} clash with ${STACKSET_TEMPLATE}'s own; rename one of them.`,
    );
  }
  let text = stackSetText;
  for (const block of BLOCKS) {
    const lines = block.render(parameters).map((line) => `${block.indent}${line}`);
    text = replaceBlock(
      text,
      `${block.indent}${block.begin}`,
      `${block.indent}${block.end}`,
      lines.join('\n'),
      () =>
        new StackSetParametersError(
          `${STACKSET_TEMPLATE} has no block "${block.begin}" ... "${block.end}" ` +
            `(indented ${block.indent.length} spaces); put the two marker lines back.`,
        ),
    );
  }
  return text;
}

export function templateParameters(): Record<string, Record<string, unknown>> {
  return readTemplate(join(root, 'template.yaml')).Parameters ?? {};
}

function main(): void {
  const path = join(root, STACKSET_TEMPLATE);
  const parameters = templateParameters();
  writeFileSync(path, withTemplateParameters(readFileSync(path, 'utf8'), parameters));
  console.log(
    `${STACKSET_TEMPLATE}: ${Object.keys(parameters).length} ` +
      'parameters of template.yaml declared and passed to every stack.',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof StackSetParametersError ? error.message : error);
    process.exit(1);
  }
}
