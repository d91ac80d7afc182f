import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { physicalIdFor, restorePointFrom } from '../../functions/shared/core/restore-point';
import {
  buildSessionPreferencesDocument,
  sameDocumentContent,
  SessionPreferencesError,
  sessionPreferencesContent,
  sessionPreferencesOwner,
  validateSessionPreferences,
} from '../../functions/shared/core/session-preferences';
import { SESSION_PREFERENCES_DOCUMENT_NAME } from '../../functions/shared/core/session-manager';

/** The properties CloudFormation sends for the template's defaults (all text). */
const createEvent = JSON.parse(
  readFileSync(new URL('../../sam/events/SessionPreferencesFunction/create.json', import.meta.url), 'utf8'),
);
const properties: Record<string, string> = createEvent.ResourceProperties;
const KEY_ARN = properties.KmsKeyId;
const STACK_ID: string = createEvent.StackId;
const OTHER_STACK_ID =
  'arn:aws:cloudformation:us-east-1:123456789012:stack/session-guard-team-b/0b9d1e20-9c2f-11ef-a1b2-0e3f4a5b6c7d';

const build = (overrides: Record<string, unknown> = {}) =>
  buildSessionPreferencesDocument(validateSessionPreferences({ ...properties, ...overrides }), STACK_ID);

describe('buildSessionPreferencesDocument', () => {
  it('writes the exact Session document for the template defaults: booleans as booleans, durations as strings of minutes', () => {
    expect(build()).toEqual({
      schemaVersion: '1.0',
      description: `Session Manager preferences for this account and region, written by session-guard stack ${STACK_ID}.`,
      sessionType: 'Standard_Stream',
      inputs: {
        s3BucketName: '',
        s3KeyPrefix: '',
        s3EncryptionEnabled: false,
        cloudWatchLogGroupName: '/session-guard/sessions',
        cloudWatchEncryptionEnabled: true,
        cloudWatchStreamingEnabled: true,
        kmsKeyId: KEY_ARN,
        runAsEnabled: false,
        runAsDefaultUser: '',
        idleSessionTimeout: '20',
        maxSessionDuration: '60',
        shellProfile: { windows: '', linux: '' },
      },
    });
  });

  it('names the bucket, prefix and required encryption when S3 logging is on', () => {
    const { inputs } = build({ S3Logging: 'true', S3BucketName: 'audit-bucket', S3KeyPrefix: 'session-logs' });
    expect(inputs).toMatchObject({
      s3BucketName: 'audit-bucket',
      s3KeyPrefix: 'session-logs',
      s3EncryptionEnabled: true,
    });
  });

  it('leaves the log group empty and requires nothing of it when CloudWatch logging is off', () => {
    const { inputs } = build({ CloudWatchLogging: 'false', CloudWatchLogGroupName: '' });
    expect(inputs).toMatchObject({
      cloudWatchLogGroupName: '',
      cloudWatchEncryptionEnabled: false,
      cloudWatchStreamingEnabled: false,
    });
  });

  it('turns run-as on with its user, and carries both shell profiles verbatim', () => {
    const { inputs } = build({
      RunAsEnabled: 'true',
      RunAsDefaultUser: 'ec2-user',
      ShellProfileLinux: 'cd $HOME; exec bash',
      ShellProfileWindows: 'date',
    });
    expect(inputs).toMatchObject({
      runAsEnabled: true,
      runAsDefaultUser: 'ec2-user',
      shellProfile: { linux: 'cd $HOME; exec bash', windows: 'date' },
    });
  });

  it('writes no key only when encryption is explicitly off', () => {
    expect(build({ EncryptSessionData: 'false', KmsKeyId: '' }).inputs.kmsKeyId).toBe('');
  });

  it('accepts JSON booleans and numbers as well as CloudFormation text', () => {
    expect(build({ EncryptSessionData: true, IdleSessionTimeout: 5, MaxSessionDuration: 1440 }).inputs).toMatchObject({
      kmsKeyId: KEY_ARN,
      idleSessionTimeout: '5',
      maxSessionDuration: '1440',
    });
  });

  it('produces the text that sameDocumentContent recognises', () => {
    const preferences = validateSessionPreferences(properties);
    expect(JSON.parse(sessionPreferencesContent(preferences, STACK_ID))).toEqual(
      buildSessionPreferencesDocument(preferences, STACK_ID),
    );
  });
});

describe('validateSessionPreferences', () => {
  it.each([
    ['IdleSessionTimeout', { IdleSessionTimeout: '0' }],
    ['IdleSessionTimeout', { IdleSessionTimeout: '61' }],
    ['IdleSessionTimeout', { IdleSessionTimeout: '2.5' }],
    ['IdleSessionTimeout', { IdleSessionTimeout: 'twenty' }],
    ['IdleSessionTimeout', { IdleSessionTimeout: undefined }],
    ['MaxSessionDuration', { MaxSessionDuration: '0' }],
    ['MaxSessionDuration', { MaxSessionDuration: '1441' }],
    ['MaxSessionDuration', { MaxSessionDuration: '' }],
    ['RunAsDefaultUser', { RunAsEnabled: 'true', RunAsDefaultUser: '' }],
    ['RunAsDefaultUser', { RunAsEnabled: 'true', RunAsDefaultUser: 'root; rm -rf /' }],
    ['S3BucketName', { S3Logging: 'true', S3BucketName: '' }],
    ['CloudWatchLogGroupName', { CloudWatchLogging: 'true', CloudWatchLogGroupName: ' ' }],
    ['KmsKeyId', { EncryptSessionData: 'true', KmsKeyId: '' }],
    ['KmsKeyId', { EncryptSessionData: 'true', KmsKeyId: 'not-a-key' }],
    ['KmsKeyId', { EncryptSessionData: 'false' }],
    ['EncryptSessionData', { EncryptSessionData: undefined }],
    ['S3Logging', { S3Logging: 'yes' }],
  ])('rejects a bad %s, naming it', (property, overrides) => {
    const run = () => validateSessionPreferences({ ...properties, ...overrides });
    expect(run).toThrow(SessionPreferencesError);
    expect(run).toThrow(new RegExp(`\\b${property}\\b`));
  });

  it('names every bad property at once', () => {
    expect(() =>
      validateSessionPreferences({ ...properties, IdleSessionTimeout: '0', MaxSessionDuration: '2000' }),
    ).toThrow(/IdleSessionTimeout.*MaxSessionDuration/);
  });

  it('accepts the edges of both ranges and every form of key reference', () => {
    for (const [idle, max] of [
      ['1', '1'],
      ['60', '1440'],
    ]) {
      expect(() =>
        validateSessionPreferences({ ...properties, IdleSessionTimeout: idle, MaxSessionDuration: max }),
      ).not.toThrow();
    }
    for (const key of [
      '1a2b3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d',
      'alias/session-guard/session-data',
      'arn:aws-cn:kms:cn-north-1:123456789012:key/1a2b3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d',
    ]) {
      expect(validateSessionPreferences({ ...properties, KmsKeyId: key }).kmsKeyId).toBe(key);
    }
  });
});

describe('sessionPreferencesOwner', () => {
  const preferences = validateSessionPreferences(properties);

  it('reads back the stack that wrote the content, whichever stack that was', () => {
    for (const stackId of [
      STACK_ID,
      OTHER_STACK_ID,
      'arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/sg/1a2b',
    ]) {
      expect(sessionPreferencesOwner(sessionPreferencesContent(preferences, stackId))).toEqual({
        kind: 'session-guard',
        stackId,
      });
    }
  });

  it('tells two stacks apart: the same settings written by another stack are different content', () => {
    expect(
      sameDocumentContent(
        sessionPreferencesContent(preferences, STACK_ID),
        sessionPreferencesContent(preferences, OTHER_STACK_ID),
      ),
    ).toBe(false);
  });

  it.each([
    [
      'a document set in the console',
      JSON.stringify({
        schemaVersion: '1.0',
        description: 'Document to hold regional settings for Session Manager',
        sessionType: 'Standard_Stream',
        inputs: {},
      }),
    ],
    [
      'a document without a description',
      JSON.stringify({ schemaVersion: '1.0', sessionType: 'Standard_Stream', inputs: {} }),
    ],
    [
      'an earlier session-guard text that named no stack',
      JSON.stringify({
        schemaVersion: '1.0',
        description: 'Session Manager preferences for this account and region, written by session-guard.',
        inputs: {},
      }),
    ],
    ['a YAML document', 'schemaVersion: "1.0"\ndescription: written by session-guard stack x\n'],
    ['JSON that is not an object', 'null'],
  ])('reads %s as not written by a session-guard stack', (_, content) => {
    expect(sessionPreferencesOwner(content)).toEqual({ kind: 'other' });
  });
});

describe('sameDocumentContent', () => {
  const content = sessionPreferencesContent(validateSessionPreferences(properties), STACK_ID);

  it('ignores key order and whitespace', () => {
    const reordered = JSON.parse(content);
    const inputs = Object.fromEntries(Object.entries(reordered.inputs).reverse());
    expect(
      sameDocumentContent(
        content,
        JSON.stringify({
          inputs,
          sessionType: reordered.sessionType,
          description: reordered.description,
          schemaVersion: '1.0',
        }),
      ),
    ).toBe(true);
  });

  it('sees a changed value, a changed type, a missing key and text that is not JSON', () => {
    const doc = JSON.parse(content);
    expect(
      sameDocumentContent(content, JSON.stringify({ ...doc, inputs: { ...doc.inputs, idleSessionTimeout: '21' } })),
    ).toBe(false);
    expect(
      sameDocumentContent(
        content,
        JSON.stringify({ ...doc, inputs: { ...doc.inputs, cloudWatchEncryptionEnabled: 'true' } }),
      ),
    ).toBe(false);
    const { kmsKeyId: _, ...withoutKey } = doc.inputs;
    expect(sameDocumentContent(content, JSON.stringify({ ...doc, inputs: withoutKey }))).toBe(false);
    expect(sameDocumentContent(content, 'schemaVersion: "1.0"')).toBe(false);
  });
});

describe('restore points in the physical id', () => {
  it.each([[{ kind: 'default-version', version: '7' }], [{ kind: 'absent' }], [{ kind: 'untouched' }]] as const)(
    'round-trips %o',
    (point) => {
      const id = physicalIdFor(SESSION_PREFERENCES_DOCUMENT_NAME, point);
      expect(restorePointFrom(id, SESSION_PREFERENCES_DOCUMENT_NAME)).toEqual(point);
      expect(id.length).toBeLessThan(1024);
    },
  );

  it('reads nothing from ids it did not issue', () => {
    for (const id of [
      '2025/03/01/[$LATEST]abc',
      'session-guard:preferences:Other-Doc:restore-by-deleting',
      'session-guard:preferences:SSM-SessionManagerRunShell:restore-default-version:x',
    ]) {
      expect(restorePointFrom(id, SESSION_PREFERENCES_DOCUMENT_NAME)).toBeUndefined();
    }
  });
});
