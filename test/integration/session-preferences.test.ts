/**
 * SessionPreferencesFunction end to end: the real handler chain, the real SSM client against
 * moto_server, and a local HTTP server standing in for CloudFormation's ResponseURL.
 */
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { createServer, type Server } from 'node:http';
import {
  CreateDocumentCommand,
  DeleteDocumentCommand,
  DescribeDocumentCommand,
  GetDocumentCommand,
  SSMClient,
  UpdateDocumentCommand,
  UpdateDocumentDefaultVersionCommand,
} from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { sendCustomResourceAnswer } from '../../functions/shared/adapters/cloudformation-response';
import { SsmDocumentVersionsGateway } from '../../functions/shared/adapters/ssm-document-versions';
import { physicalIdFor } from '../../functions/shared/core/restore-point';
import {
  buildSessionPreferencesDocument,
  validateSessionPreferences,
} from '../../functions/shared/core/session-preferences';
import { SESSION_PREFERENCES_DOCUMENT_NAME as NAME } from '../../functions/shared/core/session-manager';
import type { CustomResourceAnswer, CustomResourceProvider } from '../../functions/shared/custom-resource/run';
import { customResourceHandler } from '../../functions/shared/handler/custom-resource-handler';
import {
  createSessionPreferencesProvider,
  type SessionDocumentStore,
} from '../../functions/session-preferences/preferences';
import { motoAvailable, useMoto } from '../support/moto';
import { useResponseUrl } from '../support/response-url';

const sample = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../sam/events/SessionPreferencesFunction/${name}.json`, import.meta.url), 'utf8'),
  );
const CREATE = sample('create');
const UPDATE = sample('update');
const DELETE = sample('delete');

const ID_RESTORE_V1 = physicalIdFor(NAME, { kind: 'default-version', version: '1' });
const ID_DELETE = physicalIdFor(NAME, { kind: 'absent' });
const ID_UNTOUCHED = physicalIdFor(NAME, { kind: 'untouched' });

/** A second session-guard deployment in the same account and region. */
const OTHER_STACK_ID =
  'arn:aws:cloudformation:us-east-1:123456789012:stack/session-guard-team-b/0b9d1e20-9c2f-11ef-a1b2-0e3f4a5b6c7d';
const asOtherStack = (event: Record<string, unknown>) => ({ ...event, StackId: OTHER_STACK_ID });

/** Someone else's preferences, present before the stack. */
const THEIRS = JSON.stringify({
  schemaVersion: '1.0',
  description: 'set in the console',
  sessionType: 'Standard_Stream',
  inputs: { idleSessionTimeout: '45', kmsKeyId: '' },
});

const context = (remainingMs = 120_000): Context =>
  ({
    functionName: 'session-guard-SessionPreferencesFunction-4kQm9ZbT2xVa',
    functionVersion: '$LATEST',
    invokedFunctionArn:
      'arn:aws:lambda:us-east-1:123456789012:function:session-guard-SessionPreferencesFunction-4kQm9ZbT2xVa',
    memoryLimitInMB: '512',
    awsRequestId: 'e5b1c0a2-6f3d-4b8e-9a71-2c4d6e8f0a1b',
    logGroupName: '/aws/lambda/session-guard-SessionPreferencesFunction',
    logStreamName: '2025/03/01/[$LATEST]0123456789abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => remainingMs,
  }) as unknown as Context;

describe.skipIf(!motoAvailable)('SessionPreferencesFunction against moto_server', () => {
  const moto = useMoto({ awsManagedPolicies: false });
  const responses = useResponseUrl();
  const ssm = () => new SSMClient({ ...moto.clientSettings(), maxAttempts: 1 });
  const store = () => new SsmDocumentVersionsGateway(ssm(), NAME);
  const logger = new Logger({ logLevel: 'SILENT' });

  async function invoke(
    event: Record<string, unknown>,
    options: {
      store?: SessionDocumentStore;
      provider?: CustomResourceProvider;
      remainingMs?: number;
      marginMs?: number;
    } = {},
  ) {
    const handler = customResourceHandler(
      options.provider ?? createSessionPreferencesProvider(options.store ?? store()),
      {
        send: sendCustomResourceAnswer,
        logger,
        ...(options.marginMs === undefined ? {} : { marginMs: options.marginMs }),
      },
    );
    await handler({ ...event, ResponseURL: responses.url() }, context(options.remainingMs));
    expect(responses.received).toHaveLength(1);
    return responses.received.splice(0)[0]!.body;
  }

  const withProps = (event: Record<string, unknown>, overrides: Record<string, unknown>) => ({
    ...event,
    ResourceProperties: { ...(event.ResourceProperties as object), ...overrides },
  });
  const described = async () => (await ssm().send(new DescribeDocumentCommand({ Name: NAME }))).Document;
  const defaultContent = async () =>
    JSON.parse((await ssm().send(new GetDocumentCommand({ Name: NAME }))).Content ?? '');
  const expectedDocument = (properties: unknown, stackId: string = CREATE.StackId) =>
    buildSessionPreferencesDocument(validateSessionPreferences(properties), stackId);
  const seedTheirs = () =>
    ssm().send(
      new CreateDocumentCommand({ Name: NAME, DocumentType: 'Session', DocumentFormat: 'JSON', Content: THEIRS }),
    );
  /** A person changes the preferences in the console: a new version, made the default. */
  const personWrites = async (idleSessionTimeout: string) => {
    const content = JSON.stringify({ ...JSON.parse(THEIRS), inputs: { idleSessionTimeout, kmsKeyId: '' } });
    const { DocumentDescription } = await ssm().send(
      new UpdateDocumentCommand({ Name: NAME, DocumentVersion: '$LATEST', DocumentFormat: 'JSON', Content: content }),
    );
    await ssm().send(
      new UpdateDocumentDefaultVersionCommand({ Name: NAME, DocumentVersion: DocumentDescription!.DocumentVersion! }),
    );
    return JSON.parse(content) as unknown;
  };

  const expectAnswerFor = (answer: CustomResourceAnswer, event: Record<string, unknown>) =>
    expect(answer).toMatchObject({
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    });

  describe('Create', () => {
    it('creates the document when there is none, and remembers to delete it', async () => {
      const answer = await invoke(CREATE);
      expectAnswerFor(answer, CREATE);
      expect(answer).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: ID_DELETE,
        Data: { Action: 'created', DefaultVersion: '1' },
      });
      expect(await described()).toMatchObject({ DocumentType: 'Session', DefaultVersion: '1' });
      expect(await defaultContent()).toEqual(expectedDocument(CREATE.ResourceProperties));
    });

    it('PUTs the JSON body with an empty content type, as the presigned URL requires', async () => {
      const handler = customResourceHandler(createSessionPreferencesProvider(store()), {
        send: sendCustomResourceAnswer,
        logger,
      });
      await handler({ ...CREATE, ResponseURL: responses.url() }, context());
      expect(responses.received[0]).toMatchObject({ method: 'PUT', headers: { 'content-type': '' } });
    });

    it('adds a version over existing preferences, makes it the default, and remembers the old default', async () => {
      await seedTheirs();
      const answer = await invoke(CREATE);
      expect(answer).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: ID_RESTORE_V1,
        Data: { Action: 'updated', DefaultVersion: '2' },
      });
      expect(await defaultContent()).toEqual(expectedDocument(CREATE.ResourceProperties));
    });

    it('adds no version when the default already says the same thing', async () => {
      await ssm().send(
        new CreateDocumentCommand({
          Name: NAME,
          DocumentType: 'Session',
          DocumentFormat: 'JSON',
          Content: JSON.stringify(expectedDocument(CREATE.ResourceProperties)),
        }),
      );
      const answer = await invoke(CREATE);
      expect(answer).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: ID_RESTORE_V1,
        Data: { Action: 'unchanged', DefaultVersion: '1' },
      });
      expect(await described()).toMatchObject({ DefaultVersion: '1', LatestVersion: '1' });
    });
  });

  describe('Update', () => {
    it('writes a new default version and keeps the physical id, so CloudFormation never deletes', async () => {
      await seedTheirs();
      await invoke(CREATE);
      const answer = await invoke(UPDATE);
      expectAnswerFor(answer, UPDATE);
      expect(answer).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: UPDATE.PhysicalResourceId,
        Data: { Action: 'updated', DefaultVersion: '3' },
      });
      expect(await defaultContent()).toEqual(expectedDocument(UPDATE.ResourceProperties));
      expect((await defaultContent()).inputs).toMatchObject({
        idleSessionTimeout: '15',
        runAsEnabled: true,
        runAsDefaultUser: 'ec2-user',
      });
    });

    it('is a no-op when nothing changed', async () => {
      await invoke(CREATE);
      const answer = await invoke({
        ...UPDATE,
        PhysicalResourceId: ID_DELETE,
        ResourceProperties: CREATE.ResourceProperties,
      });
      expect(answer).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: ID_DELETE,
        Data: { Action: 'unchanged', DefaultVersion: '1' },
      });
      expect(await described()).toMatchObject({ LatestVersion: '1' });
    });

    it('points the default back at an existing version when SSM refuses duplicate content', async () => {
      await invoke(CREATE); // v1
      await invoke({ ...UPDATE, PhysicalResourceId: ID_DELETE }); // v2
      const answer = await invoke({
        ...UPDATE,
        PhysicalResourceId: ID_DELETE,
        ResourceProperties: CREATE.ResourceProperties,
      });
      expect(answer).toMatchObject({ Status: 'SUCCESS', Data: { Action: 'updated', DefaultVersion: '1' } });
      expect(await described()).toMatchObject({ DefaultVersion: '1', LatestVersion: '2' });
    });

    it('recreates the document if someone deleted it since', async () => {
      const answer = await invoke(UPDATE);
      expect(answer).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: UPDATE.PhysicalResourceId,
        Data: { Action: 'created' },
      });
    });
  });

  describe('Delete', () => {
    it('restores the default version that was there before the stack', async () => {
      await seedTheirs();
      const created = await invoke(CREATE);
      await invoke({ ...UPDATE, PhysicalResourceId: created.PhysicalResourceId });
      const answer = await invoke({ ...DELETE, PhysicalResourceId: created.PhysicalResourceId });
      expectAnswerFor(answer, DELETE);
      expect(answer).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: ID_RESTORE_V1,
        Data: { Action: 'restored-default-version', DefaultVersion: '1' },
      });
      expect(await defaultContent()).toEqual(JSON.parse(THEIRS));
    });

    it('deletes the document when there was none before the stack', async () => {
      const created = await invoke(CREATE);
      const answer = await invoke({ ...DELETE, PhysicalResourceId: created.PhysicalResourceId });
      expect(answer).toMatchObject({ Status: 'SUCCESS', Data: { Action: 'deleted' } });
      await expect(described()).rejects.toMatchObject({ name: 'InvalidDocument' });
    });

    it('succeeds when the document it would delete is already gone', async () => {
      const answer = await invoke({ ...DELETE, PhysicalResourceId: ID_DELETE });
      expect(answer).toMatchObject({ Status: 'SUCCESS', Data: { Action: 'nothing-to-restore', DefaultVersion: '' } });
      expect(answer.Reason).toBeUndefined();
    });

    it('answers SUCCESS, restoring nothing, when the version to restore was deleted since', async () => {
      await seedTheirs(); // v1
      await personWrites('30'); // v2, the default the stack finds
      const created = await invoke(CREATE); // v3, ours
      expect(created).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: physicalIdFor(NAME, { kind: 'default-version', version: '2' }),
      });
      await ssm().send(new DeleteDocumentCommand({ Name: NAME, DocumentVersion: '2' }));

      const answer = await invoke({ ...DELETE, PhysicalResourceId: created.PhysicalResourceId });
      expect(answer).toMatchObject({ Status: 'SUCCESS', Data: { Action: 'nothing-to-restore', DefaultVersion: '3' } });
      expect(answer.Reason).toMatch(/no longer has version 2\b.*nothing to restore.*stays at version 3/);
      expect(await described()).toMatchObject({ DefaultVersion: '3' });
    });

    it.each([
      ['a Create that failed validation', ID_UNTOUCHED],
      ['a physical id it did not issue', '2025/03/01/[$LATEST]0123456789abcdef'],
    ])('touches nothing after %s', async (_, physicalId) => {
      await seedTheirs();
      const answer = await invoke({ ...DELETE, PhysicalResourceId: physicalId });
      expect(answer).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: physicalId,
        Data: { Action: 'nothing-to-restore' },
      });
      expect(await defaultContent()).toEqual(JSON.parse(THEIRS));
    });
  });

  describe('failures are answered, never left hanging', () => {
    it.each([
      ['IdleSessionTimeout', { IdleSessionTimeout: '61' }],
      ['MaxSessionDuration', { MaxSessionDuration: '0' }],
      ['RunAsDefaultUser', { RunAsEnabled: 'true', RunAsDefaultUser: '' }],
      ['S3BucketName', { S3Logging: 'true', S3BucketName: '' }],
      ['KmsKeyId', { KmsKeyId: '' }],
    ])('Create with a bad %s answers FAILED naming it, before touching the document', async (property, overrides) => {
      const answer = await invoke(withProps(CREATE, overrides));
      expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ID_UNTOUCHED });
      expect(answer.Reason).toContain(property);
      await expect(described()).rejects.toMatchObject({ name: 'InvalidDocument' });
    });

    it('Update with a bad property answers FAILED with the same physical id and leaves the document alone', async () => {
      await invoke(CREATE);
      const answer = await invoke({ ...withProps(UPDATE, { IdleSessionTimeout: '0' }), PhysicalResourceId: ID_DELETE });
      expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ID_DELETE });
      expect(answer.Reason).toContain('IdleSessionTimeout');
      expect(await described()).toMatchObject({ LatestVersion: '1' });
    });

    it('a failure in the middle of Create answers FAILED with the restore point already recorded, and Delete then restores', async () => {
      await seedTheirs();
      const real = store();
      const failing: SessionDocumentStore = Object.assign(Object.create(real) as SessionDocumentStore, {
        setDefaultVersion: async () => {
          throw new Error('UpdateDocumentDefaultVersion failed: throttled');
        },
      });
      const answer = await invoke(CREATE, { store: failing });
      expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ID_RESTORE_V1 });
      expect(answer.Reason).toContain('throttled');
      expect(answer.Reason).toContain('2025/03/01/[$LATEST]0123456789abcdef');
      expect(await described()).toMatchObject({ DefaultVersion: '1', LatestVersion: '2' });

      expect(await invoke({ ...DELETE, PhysicalResourceId: answer.PhysicalResourceId })).toMatchObject({
        Status: 'SUCCESS',
      });
      expect(await defaultContent()).toEqual(JSON.parse(THEIRS));
    });

    it('an unreachable SSM answers FAILED with the error', async () => {
      const unreachable = new SsmDocumentVersionsGateway(
        new SSMClient({ ...moto.clientSettings(), endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }),
        NAME,
      );
      const answer = await invoke(CREATE, { store: unreachable });
      expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ID_UNTOUCHED });
      expect(answer.Reason).toMatch(/ECONNREFUSED|connect/);
    });

    it('answers FAILED before the function runs out of time, naming what it had recorded', async () => {
      const hanging: SessionDocumentStore = Object.assign(Object.create(store()) as SessionDocumentStore, {
        defaultVersion: () => new Promise<never>(() => {}),
      });
      const answer = await invoke(CREATE, { store: hanging, remainingMs: 1_001, marginMs: 1_000 });
      expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ID_UNTOUCHED });
      expect(answer.Reason).toMatch(/did not finish before the function's time ran out/);
    });

    it('answers a request it cannot read, when it says where to answer', async () => {
      const answer = await invoke({ ...CREATE, RequestType: 'Upsert' });
      expect(answer).toMatchObject({ Status: 'FAILED', RequestId: CREATE.RequestId });
      expect(answer.Reason).toContain('RequestType');
    });

    it('retries the answer when the ResponseURL fails at first', async () => {
      responses.failNext(2);
      expect(await invoke(CREATE)).toMatchObject({ Status: 'SUCCESS' });
    });
  });

  describe('one deployment manages the preferences of an account and region', () => {
    it('names the stack that wrote each version in the document', async () => {
      await invoke(CREATE);
      expect((await defaultContent()).description).toBe(
        `Session Manager preferences for this account and region, written by session-guard stack ${CREATE.StackId}.`,
      );
    });

    it("refuses a second stack's Create, naming the owner and the parameter; its rollback and the owner's Delete work as before", async () => {
      await invoke(CREATE);
      const refused = await invoke(asOtherStack(CREATE));
      expect(refused).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ID_UNTOUCHED });
      expect(refused.Reason).toContain(`another session-guard stack, ${CREATE.StackId}`);
      expect(refused.Reason).toContain('ManageSessionPreferences=false');
      expect(await described()).toMatchObject({ DefaultVersion: '1', LatestVersion: '1' });

      const rollback = await invoke(asOtherStack({ ...DELETE, PhysicalResourceId: refused.PhysicalResourceId }));
      expect(rollback).toMatchObject({
        Status: 'SUCCESS',
        Data: { Action: 'nothing-to-restore', DefaultVersion: '1' },
      });
      expect(await defaultContent()).toEqual(expectedDocument(CREATE.ResourceProperties));

      expect(await invoke({ ...DELETE, PhysicalResourceId: ID_DELETE })).toMatchObject({
        Status: 'SUCCESS',
        Data: { Action: 'deleted' },
      });
      await expect(described()).rejects.toMatchObject({ name: 'InvalidDocument' });
    });

    it("refuses an Update over another stack's preferences and leaves them as they are", async () => {
      await invoke(asOtherStack(CREATE));
      const answer = await invoke({ ...UPDATE, PhysicalResourceId: ID_DELETE });
      expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ID_DELETE });
      expect(answer.Reason).toContain(OTHER_STACK_ID);
      expect(answer.Reason).toContain('ManageSessionPreferences=false');
      expect(await described()).toMatchObject({ DefaultVersion: '1', LatestVersion: '1' });
      expect(await defaultContent()).toEqual(expectedDocument(CREATE.ResourceProperties, OTHER_STACK_ID));
    });

    it('leaves preferences a person wrote after it alone on Delete, and says so', async () => {
      await seedTheirs(); // v1
      const created = await invoke(CREATE); // v2, ours
      const newer = await personWrites('50'); // v3
      const answer = await invoke({ ...DELETE, PhysicalResourceId: created.PhysicalResourceId });
      expect(answer).toMatchObject({ Status: 'SUCCESS', Data: { Action: 'left-as-is', DefaultVersion: '3' } });
      expect(answer.Reason).toMatch(/default version 3 was written by someone else .*would destroy those settings/);
      expect(await defaultContent()).toEqual(newer);
    });

    it('does not delete a document it created once someone else has written the default', async () => {
      const created = await invoke(CREATE); // v1, ours: restore by deleting
      const newer = await personWrites('50');
      expect(await invoke({ ...DELETE, PhysicalResourceId: created.PhysicalResourceId })).toMatchObject({
        Status: 'SUCCESS',
        Data: { Action: 'left-as-is' },
      });
      expect(await defaultContent()).toEqual(newer);
    });

    it('hands over cleanly when a second stack took over what a person wrote since', async () => {
      const first = await invoke(CREATE); // v1, the first stack's
      const personal = await personWrites('50'); // v2
      const second = await invoke(asOtherStack(CREATE)); // v3, the second stack's; restore point v2
      expect(second).toMatchObject({ Status: 'SUCCESS', Data: { Action: 'updated', DefaultVersion: '3' } });

      const firstGone = await invoke({ ...DELETE, PhysicalResourceId: first.PhysicalResourceId });
      expect(firstGone).toMatchObject({ Status: 'SUCCESS', Data: { Action: 'left-as-is', DefaultVersion: '3' } });
      expect(firstGone.Reason).toContain(`another session-guard stack, ${OTHER_STACK_ID}`);
      expect(await defaultContent()).toEqual(expectedDocument(CREATE.ResourceProperties, OTHER_STACK_ID));

      const secondGone = await invoke(asOtherStack({ ...DELETE, PhysicalResourceId: second.PhysicalResourceId }));
      expect(secondGone).toMatchObject({
        Status: 'SUCCESS',
        Data: { Action: 'restored-default-version', DefaultVersion: '2' },
      });
      expect(await defaultContent()).toEqual(personal);
    });
  });

  describe('nothing is written after the answer', () => {
    it('a write still pending when the deadline answers FAILED never reaches SSM', async () => {
      await seedTheirs();
      // Holds every write until the test lets it go, as a frozen Lambda environment holds a
      // pending call until its next invocation.
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const held: string[] = [];
      const client = ssm();
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (!['GetDocumentCommand', 'DescribeDocumentCommand'].includes(context.commandName ?? '')) {
            held.push(context.commandName ?? '');
            await released;
          }
          return next(args);
        },
        { step: 'initialize', name: 'holdWrites' },
      );
      const provider = createSessionPreferencesProvider(new SsmDocumentVersionsGateway(client, NAME));
      let work: Promise<unknown> = Promise.resolve();
      const watched: CustomResourceProvider = {
        ...provider,
        create: (...args) => {
          const created = provider.create(...args);
          work = created;
          return created;
        },
      };

      // The reads take milliseconds; the deadline comes a second later, while the write is held.
      const answer = await invoke(CREATE, { provider: watched, remainingMs: 2_000, marginMs: 1_000 });
      expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ID_RESTORE_V1 });
      expect(answer.Reason).toMatch(/did not finish before the function's time ran out; it was stopped/);
      expect(held).toEqual(['UpdateDocumentCommand']);

      release();
      await expect(work).rejects.toThrow();
      expect(await described()).toMatchObject({ DefaultVersion: '1', LatestVersion: '1' });
      expect(await defaultContent()).toEqual(JSON.parse(THEIRS));
    });

    describe('with an SSM endpoint that never answers', () => {
      let silent: Server | undefined;
      afterEach(async () => {
        silent?.closeAllConnections();
        await new Promise((resolve) => silent?.close(resolve) ?? resolve(undefined));
        silent = undefined;
      });

      it('cancels the call in flight when the deadline answers', async () => {
        let arrived = () => {};
        let closed = () => {};
        const requestArrived = new Promise<void>((resolve) => {
          arrived = resolve;
        });
        const connectionClosed = new Promise<void>((resolve) => {
          closed = resolve;
        });
        const server = createServer((req) => {
          req.socket.on('close', () => closed());
          arrived();
        });
        silent = server;
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const { port } = server.address() as { port: number };
        const unanswered = new SsmDocumentVersionsGateway(
          new SSMClient({ ...moto.clientSettings(), endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 }),
          NAME,
        );

        const answering = invoke(CREATE, { store: unanswered, remainingMs: 2_000, marginMs: 1_000 });
        await requestArrived;
        expect(await answering).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ID_UNTOUCHED });
        // Left open, the call would resume when Lambda thaws the environment for the next request.
        await connectionClosed;
      });
    });
  });
});
