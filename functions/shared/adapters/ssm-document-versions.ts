/**
 * How we read and write one SSM document's versions. Returns plain data; errors other than an
 * absent document or version propagate.
 */
import {
  CreateDocumentCommand,
  DeleteDocumentCommand,
  DescribeDocumentCommand,
  GetDocumentCommand,
  type SSMClient,
  UpdateDocumentCommand,
  UpdateDocumentDefaultVersionCommand,
} from '@aws-sdk/client-ssm';
import type { SessionDocumentStore, VersionContent } from '../../session-preferences/preferences';
import { sameDocumentContent } from '../core/session-preferences';
import { withAwsErrors } from './aws-clients';
import { awsErrorName, isDocumentAbsent, SsmDocumentError } from './aws-errors';

/** SSM's answer to UpdateDocument when the content equals a version the document already has. */
export const isDuplicateContent = (error: unknown): boolean => awsErrorName(error) === 'DuplicateDocumentContent';
/**
 * SSM's answer to a version the document does not have (deleted on its own, or with the whole
 * document since). moto answers InvalidDocument instead, and a document that is gone has no
 * versions either.
 */
const isVersionAbsent = (error: unknown): boolean =>
  awsErrorName(error) === 'InvalidDocumentVersion' || isDocumentAbsent(error);

export class SsmDocumentVersionsGateway implements SessionDocumentStore {
  private readonly client: SSMClient;

  constructor(
    client: SSMClient,
    readonly documentName: string,
    private readonly documentType: 'Session' = 'Session',
  ) {
    this.client = withAwsErrors(client, 'ssm');
  }

  async defaultVersion(signal: AbortSignal): Promise<VersionContent | undefined> {
    try {
      // Without a version GetDocument answers the default one, with its number: one consistent read.
      return await this.read(undefined, signal);
    } catch (error) {
      if (isDocumentAbsent(error)) return undefined;
      throw error;
    }
  }

  private async read(version: string | undefined, signal: AbortSignal): Promise<VersionContent> {
    // DocumentFormat JSON converts a document someone wrote in YAML, so comparisons see one format.
    const response = await this.client.send(
      new GetDocumentCommand({
        Name: this.documentName,
        DocumentFormat: 'JSON',
        ...(version ? { DocumentVersion: version } : {}),
      }),
      { abortSignal: signal },
    );
    if (response.Content === undefined || !response.DocumentVersion) {
      throw new SsmDocumentError(`GetDocument ${this.documentName} answered without Content or DocumentVersion`);
    }
    return { version: response.DocumentVersion, content: response.Content };
  }

  async create(content: string, signal: AbortSignal): Promise<string> {
    signal.throwIfAborted();
    const { DocumentDescription } = await this.client.send(
      new CreateDocumentCommand({
        Name: this.documentName,
        DocumentType: this.documentType,
        DocumentFormat: 'JSON',
        Content: content,
      }),
      { abortSignal: signal },
    );
    return requireVersion(DocumentDescription?.DocumentVersion, 'CreateDocument', this.documentName);
  }

  async versionWith(content: string, signal: AbortSignal): Promise<string> {
    signal.throwIfAborted();
    try {
      const { DocumentDescription } = await this.client.send(
        // SSM only accepts updates to the latest version.
        new UpdateDocumentCommand({
          Name: this.documentName,
          DocumentVersion: '$LATEST',
          DocumentFormat: 'JSON',
          Content: content,
        }),
        { abortSignal: signal },
      );
      return requireVersion(DocumentDescription?.DocumentVersion, 'UpdateDocument', this.documentName);
    } catch (error) {
      if (!isDuplicateContent(error)) throw error;
      // SSM refuses a version equal to one it already holds, for example ours after someone pointed
      // the default elsewhere. ListDocumentVersions lists no content, so read back from the newest.
      return this.findVersionWith(content, signal);
    }
  }

  private async findVersionWith(content: string, signal: AbortSignal): Promise<string> {
    const { Document } = await this.client.send(new DescribeDocumentCommand({ Name: this.documentName }), {
      abortSignal: signal,
    });
    for (let version = Number(Document?.LatestVersion ?? 0); version >= 1; version -= 1) {
      const held = await this.read(String(version), signal).catch((error: unknown) => {
        // Versions can be deleted one by one, leaving gaps.
        if (isVersionAbsent(error)) return undefined;
        throw error;
      });
      if (held && sameDocumentContent(content, held.content)) return String(version);
    }
    throw new SsmDocumentError(
      `UpdateDocument ${this.documentName} reported duplicate content, but no version holds that content`,
    );
  }

  async setDefaultVersion(version: string, signal: AbortSignal): Promise<'set' | 'no-such-version'> {
    signal.throwIfAborted();
    try {
      await this.client.send(
        new UpdateDocumentDefaultVersionCommand({ Name: this.documentName, DocumentVersion: version }),
        { abortSignal: signal },
      );
      return 'set';
    } catch (error) {
      if (isVersionAbsent(error)) return 'no-such-version';
      throw error;
    }
  }

  async delete(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    try {
      await this.client.send(new DeleteDocumentCommand({ Name: this.documentName }), { abortSignal: signal });
    } catch (error) {
      if (!isDocumentAbsent(error)) throw error;
    }
  }
}

function requireVersion(version: string | undefined, call: string, name: string): string {
  if (!version) throw new SsmDocumentError(`${call} ${name} answered without a DocumentVersion`);
  return version;
}
