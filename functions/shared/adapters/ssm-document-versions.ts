/** How we read and write one SSM document's versions. Returns plain data; errors other than "absent" propagate. */
import {
  CreateDocumentCommand,
  DeleteDocumentCommand,
  DescribeDocumentCommand,
  GetDocumentCommand,
  type SSMClient,
  UpdateDocumentCommand,
  UpdateDocumentDefaultVersionCommand,
} from '@aws-sdk/client-ssm';
import { sameDocumentContent } from '../core/session-preferences';

export interface DocumentVersions {
  readonly defaultVersion: string;
  readonly latestVersion: string;
}

/** The operations the preferences resource needs on its one document. */
export interface SessionDocumentStore {
  readonly documentName: string;
  /** Undefined when the document does not exist. */
  versions(): Promise<DocumentVersions | undefined>;
  /** Content of a version (the default version when omitted), as JSON text. */
  content(version?: string): Promise<string>;
  /** Creates the document; its first version is the default. Returns that version. */
  create(content: string): Promise<string>;
  /**
   * Returns the number of a version holding this content: a new one, or the existing one when the
   * document already has it. It is NOT made the default.
   */
  versionWith(content: string): Promise<string>;
  setDefaultVersion(version: string): Promise<void>;
  /** Deletes the document and all its versions; a document already gone is fine. */
  delete(): Promise<void>;
}

/** SSM's answer to any call naming a document that does not exist. */
export const isDocumentAbsent = (error: unknown): boolean => (error as { name?: string } | null)?.name === 'InvalidDocument';
/** SSM's answer to UpdateDocument when the content equals a version the document already has. */
export const isDuplicateContent = (error: unknown): boolean => (error as { name?: string } | null)?.name === 'DuplicateDocumentContent';

export class SsmDocumentGateway implements SessionDocumentStore {
  constructor(
    private readonly client: SSMClient,
    readonly documentName: string,
    private readonly documentType: 'Session' = 'Session',
  ) {}

  async versions(): Promise<DocumentVersions | undefined> {
    try {
      const { Document } = await this.client.send(new DescribeDocumentCommand({ Name: this.documentName }));
      if (!Document?.DefaultVersion || !Document.LatestVersion) {
        throw new Error(`DescribeDocument ${this.documentName} answered without DefaultVersion/LatestVersion`);
      }
      return { defaultVersion: Document.DefaultVersion, latestVersion: Document.LatestVersion };
    } catch (error) {
      if (isDocumentAbsent(error)) return undefined;
      throw error;
    }
  }

  async content(version?: string): Promise<string> {
    // DocumentFormat JSON converts a document someone wrote in YAML, so comparisons see one format.
    const response = await this.client.send(
      new GetDocumentCommand({ Name: this.documentName, DocumentFormat: 'JSON', ...(version ? { DocumentVersion: version } : {}) }),
    );
    if (response.Content === undefined) throw new Error(`GetDocument ${this.documentName} answered without Content`);
    return response.Content;
  }

  async create(content: string): Promise<string> {
    const { DocumentDescription } = await this.client.send(
      new CreateDocumentCommand({ Name: this.documentName, DocumentType: this.documentType, DocumentFormat: 'JSON', Content: content }),
    );
    return requireVersion(DocumentDescription?.DocumentVersion, 'CreateDocument', this.documentName);
  }

  async versionWith(content: string): Promise<string> {
    try {
      const { DocumentDescription } = await this.client.send(
        // SSM only accepts updates to the latest version.
        new UpdateDocumentCommand({ Name: this.documentName, DocumentVersion: '$LATEST', DocumentFormat: 'JSON', Content: content }),
      );
      return requireVersion(DocumentDescription?.DocumentVersion, 'UpdateDocument', this.documentName);
    } catch (error) {
      if (!isDuplicateContent(error)) throw error;
      // SSM refuses a version equal to one it already holds, for example ours after someone pointed
      // the default elsewhere. ListDocumentVersions lists no content, so read back from the newest.
      return this.findVersionWith(content);
    }
  }

  private async findVersionWith(content: string): Promise<string> {
    const versions = await this.versions();
    for (let version = Number(versions?.latestVersion ?? 0); version >= 1; version -= 1) {
      if (sameDocumentContent(content, await this.content(String(version)))) return String(version);
    }
    throw new Error(`UpdateDocument ${this.documentName} reported duplicate content, but no version holds that content`);
  }

  async setDefaultVersion(version: string): Promise<void> {
    await this.client.send(new UpdateDocumentDefaultVersionCommand({ Name: this.documentName, DocumentVersion: version }));
  }

  async delete(): Promise<void> {
    try {
      await this.client.send(new DeleteDocumentCommand({ Name: this.documentName }));
    } catch (error) {
      if (!isDocumentAbsent(error)) throw error;
    }
  }
}

function requireVersion(version: string | undefined, call: string, name: string): string {
  if (!version) throw new Error(`${call} ${name} answered without a DocumentVersion`);
  return version;
}
