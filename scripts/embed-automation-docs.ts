/**
 * `npm run embed:automation-docs`: copies each Automation document from automation-docs/ into
 * template.yaml, verbatim, as its AWS::SSM::Document Content.
 *
 * CloudFormation cannot read a file into Content, and neither `sam build` nor `sam package`
 * uploads AWS::SSM::Document content, so the template has to carry the text. The file stays the
 * single source: this script writes the copy between BEGIN/END markers, and a test fails while
 * the copy differs from the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { replaceBlock } from './marker-block';

const root = resolve(import.meta.dirname, '..');

export interface EmbeddedDocument {
  /** The AWS::SSM::Document resource in template.yaml. */
  readonly logicalId: string;
  /** The document's file, relative to the project root. */
  readonly file: string;
}

export const EMBEDDED_DOCUMENTS: readonly EmbeddedDocument[] = [
  { logicalId: 'AttachPolicyDocument', file: 'automation-docs/attach-instance-policy.yaml' },
];

/** Content is a property of the resource's Properties, six spaces in; its text goes two further. */
const CONTENT_INDENT = '      ';

export const beginMarker = (doc: EmbeddedDocument) =>
  `# BEGIN ${doc.file} (npm run embed:automation-docs writes this block)`;
export const endMarker = (doc: EmbeddedDocument) => `# END ${doc.file}`;

/** The template text with the document's block replaced by the file's current text. */
export function embedDocument(template: string, doc: EmbeddedDocument, documentText: string): string {
  const begin = `${CONTENT_INDENT}${beginMarker(doc)}`;
  const end = `${CONTENT_INDENT}${endMarker(doc)}`;
  const missing = () =>
    new Error(
      `template.yaml has no block for ${doc.file} under ${doc.logicalId}; ` +
        `add the lines "${begin.trim()}" and "${end.trim()}" around its Content.`,
    );
  if (documentText.includes('\t')) throw new Error(`${doc.file} contains a tab; YAML block text cannot hold one.`);
  const body = documentText
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line === '' ? '' : `${CONTENT_INDENT}  ${line}`))
    .join('\n');
  return replaceBlock(template, begin, end, `${CONTENT_INDENT}Content: !Sub |\n${body}`, missing);
}

function main(): void {
  const templatePath = join(root, 'template.yaml');
  let template = readFileSync(templatePath, 'utf8');
  for (const doc of EMBEDDED_DOCUMENTS) {
    template = embedDocument(template, doc, readFileSync(join(root, doc.file), 'utf8'));
    console.log(`embedded ${doc.file} -> template.yaml ${doc.logicalId}.Content`);
  }
  writeFileSync(templatePath, template);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
