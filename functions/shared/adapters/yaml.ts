/**
 * The YAML parser for Session document content, loaded with import() only for a document written
 * in YAML. SSM's own documents and the preferences this stack writes are JSON, which the core
 * reads with JSON.parse, so a change event on them never compiles the `yaml` package (about
 * 110 KB of code).
 */
import { isJsonText, type YamlParser } from '../core/session-document-check';

export async function yamlParserFor(content: string): Promise<YamlParser | undefined> {
  if (isJsonText(content)) return undefined;
  return (await import('./yaml-parse')).parse;
}
