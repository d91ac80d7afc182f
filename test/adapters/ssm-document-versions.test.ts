/**
 * The SSM side of the preferences resource, where moto answers differently from SSM: the error
 * for a missing version, and the abort signal every call carries.
 */
import {
  CreateDocumentCommand,
  DeleteDocumentCommand,
  GetDocumentCommand,
  InvalidDocumentVersion,
  SSMClient,
  UpdateDocumentCommand,
  UpdateDocumentDefaultVersionCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SsmDocumentVersionsGateway } from '../../functions/shared/adapters/ssm-document-versions';
import { physicalIdFor } from '../../functions/shared/core/restore-point';
import { runCustomResource } from '../../functions/shared/custom-resource/run';
import { createSessionPreferencesProvider } from '../../functions/session-preferences/preferences';
import { samEvent } from '../support/lambda';

const NAME = 'SSM-SessionManagerRunShell';
const ssm = mockClient(SSMClient);
const gateway = new SsmDocumentVersionsGateway(new SSMClient({ region: 'us-east-1' }), NAME);
const CREATE = samEvent<{ StackId: string; ResourceProperties: Record<string, string> }>(
  'SessionPreferencesFunction',
  'create',
);
/** What SSM answers UpdateDocumentDefaultVersion for a version the document does not have. */
const versionMissing = () =>
  new InvalidDocumentVersion({
    message: 'The document version is not valid or does not exist.',
    $metadata: { httpStatusCode: 400 },
  });

beforeEach(() => {
  ssm.reset();
});

describe('SsmDocumentVersionsGateway', () => {
  it('passes the abort signal to every call, so an answer sent early cancels a call in flight', async () => {
    ssm.on(GetDocumentCommand).resolves({ Name: NAME, DocumentVersion: '4', Content: '{}' });
    ssm.on(CreateDocumentCommand).resolves({ DocumentDescription: { DocumentVersion: '1' } });
    ssm.on(UpdateDocumentCommand).resolves({ DocumentDescription: { DocumentVersion: '5' } });
    ssm.on(UpdateDocumentDefaultVersionCommand).resolves({});
    ssm.on(DeleteDocumentCommand).resolves({});
    const { signal } = new AbortController();

    expect(await gateway.defaultVersion(signal)).toEqual({ version: '4', content: '{}' });
    await gateway.create('{}', signal);
    await gateway.versionWith('{}', signal);
    expect(await gateway.setDefaultVersion('5', signal)).toBe('set');
    await gateway.delete(signal);

    expect(ssm.calls()).toHaveLength(5);
    for (const call of ssm.calls())
      expect((call.args as unknown[])[1], call.args[0].constructor.name).toEqual({ abortSignal: signal });
  });

  it('starts no write once the signal is aborted, and fails with its reason', async () => {
    ssm.onAnyCommand().resolves({});
    const stop = new AbortController();
    const reason = new Error('answered already');
    stop.abort(reason);

    await expect(gateway.create('{}', stop.signal)).rejects.toBe(reason);
    await expect(gateway.versionWith('{}', stop.signal)).rejects.toBe(reason);
    await expect(gateway.setDefaultVersion('1', stop.signal)).rejects.toBe(reason);
    await expect(gateway.delete(stop.signal)).rejects.toBe(reason);
    expect(ssm.calls()).toHaveLength(0);
  });

  it("reads SSM's InvalidDocumentVersion as a version that no longer exists, and lets other errors through", async () => {
    const { signal } = new AbortController();
    ssm.on(UpdateDocumentDefaultVersionCommand).rejectsOnce(versionMissing()).rejectsOnce(new Error('throttled'));
    expect(await gateway.setDefaultVersion('3', signal)).toBe('no-such-version');
    await expect(gateway.setDefaultVersion('3', signal)).rejects.toThrow('throttled');
  });
});

describe('SessionPreferences Delete when the version to restore is gone (as SSM answers it)', () => {
  it('answers SUCCESS saying there was nothing to restore, instead of failing the stack deletion', async () => {
    const ours = JSON.stringify({
      description: `Session Manager preferences for this account and region, written by session-guard stack ${CREATE.StackId}.`,
    });
    ssm.on(GetDocumentCommand).resolves({ Name: NAME, DocumentVersion: '2', Content: ours });
    ssm.on(UpdateDocumentDefaultVersionCommand).rejects(versionMissing());
    const sent: unknown[] = [];

    const answer = await runCustomResource(
      {
        ...CREATE,
        RequestType: 'Delete',
        PhysicalResourceId: physicalIdFor(NAME, { kind: 'default-version', version: '7' }),
      },
      createSessionPreferencesProvider(gateway),
      { send: async (_url, body) => void sent.push(body), remainingTimeMs: () => 60_000 },
    );

    expect(ssm).toHaveReceivedCommandWith(UpdateDocumentDefaultVersionCommand, { Name: NAME, DocumentVersion: '7' });
    expect(answer).toMatchObject({ Status: 'SUCCESS', Data: { Action: 'nothing-to-restore', DefaultVersion: '2' } });
    expect(answer.Reason).toMatch(
      /no longer has version 7\b.*nothing to restore.*stays at version 2, written by this stack/,
    );
    expect(sent).toEqual([answer]);
  });
});
