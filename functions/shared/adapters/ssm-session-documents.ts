/** How we read SSM documents: the account's own Session documents and their default versions. */
import { GetDocumentCommand, paginateListDocuments, type SSMClient } from '@aws-sdk/client-ssm';
import { withAwsErrors } from './aws-clients';
import { isDocumentAbsent, SsmDocumentError } from './aws-errors';
import type { FetchedDocument } from '../../session-document-rule/rule';
import type { YamlParser } from '../core/session-document-check';
import { yamlParserFor } from './yaml';

/** ListDocuments returns at most this many documents per page. */
export const LIST_DOCUMENTS_PAGE_SIZE = 50;

export class SsmSessionDocumentsGateway {
  private readonly client: SSMClient;

  constructor(client: SSMClient) {
    this.client = withAwsErrors(client, 'ssm');
  }

  /** Names of every Session document the account owns (AWS-owned and shared documents are left out). */
  async listOwnSessionDocumentNames(): Promise<string[]> {
    const names: string[] = [];
    const pages = paginateListDocuments(
      { client: this.client, pageSize: LIST_DOCUMENTS_PAGE_SIZE },
      {
        Filters: [
          { Key: 'Owner', Values: ['Self'] },
          { Key: 'DocumentType', Values: ['Session'] },
        ],
      },
    );
    for await (const page of pages) {
      for (const document of page.DocumentIdentifiers ?? []) if (document.Name) names.push(document.Name);
    }
    return names;
  }

  /** The YAML parser for content written in YAML, loaded when first needed; undefined for JSON. */
  yamlParserFor(content: string): Promise<YamlParser | undefined> {
    return yamlParserFor(content);
  }

  /** The default version of a document, or undefined when no such document exists. */
  async getDocument(name: string): Promise<FetchedDocument | undefined> {
    try {
      const response = await this.client.send(new GetDocumentCommand({ Name: name }));
      if (response.Content === undefined || !response.DocumentType) {
        throw new SsmDocumentError(`GetDocument returned no content or type for ${name}.`);
      }
      return { name: response.Name ?? name, content: response.Content, documentType: response.DocumentType };
    } catch (error) {
      if (isDocumentAbsent(error)) return undefined;
      throw error;
    }
  }
}
