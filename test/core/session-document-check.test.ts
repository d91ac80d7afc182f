import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SESSION_LIMITS,
  evaluateAccountPreferences,
  evaluateSessionDocument,
  parseSessionDocumentContent,
  SessionDocumentContentError,
  sessionPreferenceFailures,
} from '../../functions/shared/core/session-document-check';

/** The preferences Session Manager's console writes, with every setting a secure account wants. */
const goodInputs = {
  s3BucketName: 'session-logs-111122223333',
  s3KeyPrefix: 'sessions',
  s3EncryptionEnabled: true,
  cloudWatchLogGroupName: '/session-guard/sessions',
  cloudWatchEncryptionEnabled: true,
  cloudWatchStreamingEnabled: true,
  kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  runAsEnabled: false,
  runAsDefaultUser: '',
  idleSessionTimeout: '20',
  maxSessionDuration: '60',
  shellProfile: { windows: '', linux: '' },
};
const documentWith = (inputs: Record<string, unknown> | undefined) => ({
  schemaVersion: '1.0',
  description: 'Document to hold regional settings for Session Manager',
  sessionType: 'Standard_Stream',
  ...(inputs === undefined ? {} : { inputs }),
});
const failures = (inputs: Record<string, unknown> | undefined, limits = DEFAULT_SESSION_LIMITS) =>
  sessionPreferenceFailures(documentWith(inputs), limits);

describe('sessionPreferenceFailures', () => {
  it('passes a document that encrypts, logs and limits sessions', () => {
    expect(failures(goodInputs)).toEqual([]);
  });

  it('names every setting when inputs are missing', () => {
    expect(failures(undefined)).toEqual([
      expect.stringContaining('inputs missing'),
      expect.stringContaining('kmsKeyId missing'),
      expect.stringContaining('logs nowhere'),
      expect.stringContaining('maxSessionDuration unset'),
    ]);
  });

  it.each([
    ['missing', { kmsKeyId: undefined }, 'kmsKeyId missing'],
    ['empty (the public scanners accept this)', { kmsKeyId: '' }, 'kmsKeyId empty'],
    ['blank', { kmsKeyId: '   ' }, 'kmsKeyId empty'],
  ])('fails when kmsKeyId is %s', (_, change, expected) => {
    expect(failures({ ...goodInputs, ...change })).toEqual([expect.stringContaining(expected)]);
  });

  it('fails S3 logging without s3EncryptionEnabled true, and CloudWatch logging without cloudWatchEncryptionEnabled true', () => {
    expect(failures({ ...goodInputs, s3EncryptionEnabled: false })).toEqual([expect.stringContaining('S3 bucket session-logs-111122223333 without s3EncryptionEnabled')]);
    expect(failures({ ...goodInputs, cloudWatchEncryptionEnabled: 'false' })).toEqual([expect.stringContaining('without cloudWatchEncryptionEnabled')]);
    const { s3EncryptionEnabled: _s3, cloudWatchEncryptionEnabled: _cw, ...unencrypted } = goodInputs;
    expect(failures(unencrypted)).toHaveLength(2);
  });

  it('accepts encryption flags written as text', () => {
    expect(failures({ ...goodInputs, s3EncryptionEnabled: 'true', cloudWatchEncryptionEnabled: 'TRUE' })).toEqual([]);
  });

  it('does not ask for encryption of a destination that is not used', () => {
    expect(failures({ ...goodInputs, s3BucketName: '', s3EncryptionEnabled: false })).toEqual([]);
    expect(failures({ ...goodInputs, cloudWatchLogGroupName: '', cloudWatchEncryptionEnabled: false })).toEqual([]);
  });

  it('fails a document that logs nowhere', () => {
    expect(failures({ ...goodInputs, s3BucketName: '', cloudWatchLogGroupName: '' })).toEqual([expect.stringContaining('logs nowhere')]);
  });

  it.each([
    [20, []],
    ['20', []],
    [' 5 ', []],
    [21, ['idleSessionTimeout 21 above 20 minutes']],
    ['60', ['idleSessionTimeout 60 above 20 minutes']],
    ['soon', ['idleSessionTimeout "soon" is not a number of minutes']],
    ['', []],
  ])('idleSessionTimeout %j against the default limit gives %j', (value, expected) => {
    expect(failures({ ...goodInputs, idleSessionTimeout: value })).toEqual(expected);
  });

  it('holds an unset idleSessionTimeout to Session Manager\'s default of 20 minutes', () => {
    const { idleSessionTimeout: _, ...unset } = goodInputs;
    expect(failures(unset)).toEqual([]);
    expect(failures(unset, { ...DEFAULT_SESSION_LIMITS, maxIdleSessionTimeoutMinutes: 10 })).toEqual([
      'idleSessionTimeout unset (Session Manager default 20) above 10 minutes',
    ]);
  });

  it.each([
    [60, []],
    ['60', []],
    ['61', ['maxSessionDuration 61 above 60 minutes']],
    [1440, ['maxSessionDuration 1440 above 60 minutes']],
    ['1.5', ['maxSessionDuration "1.5" is not a number of minutes']],
    ['', [expect.stringContaining('maxSessionDuration unset')]],
  ])('maxSessionDuration %j against the default limit gives %j', (value, expected) => {
    expect(failures({ ...goodInputs, maxSessionDuration: value })).toEqual(expected);
  });

  it('fails an unset maxSessionDuration', () => {
    const { maxSessionDuration: _, ...unset } = goodInputs;
    expect(failures(unset)).toEqual([expect.stringContaining('maxSessionDuration unset')]);
  });

  it('honours the limits it is given', () => {
    expect(failures({ ...goodInputs, idleSessionTimeout: 45, maxSessionDuration: 480 }, { maxIdleSessionTimeoutMinutes: 60, maxSessionDurationMinutes: 480 })).toEqual([]);
  });
});

describe('parseSessionDocumentContent', () => {
  it('reads JSON and YAML alike', () => {
    const json = JSON.stringify(documentWith(goodInputs));
    const yaml = `schemaVersion: '1.0'\ndescription: Session preferences\nsessionType: Standard_Stream\ninputs:\n  kmsKeyId: alias/sessions\n  idleSessionTimeout: '15'\n`;
    expect(parseSessionDocumentContent(json)).toEqual(documentWith(goodInputs));
    expect(parseSessionDocumentContent(yaml)).toMatchObject({ inputs: { kmsKeyId: 'alias/sessions', idleSessionTimeout: '15' } });
  });

  it.each([
    ['broken JSON', '{"inputs": '],
    ['broken YAML', 'inputs: [unclosed'],
    ['a scalar', 'just text'],
    ['a list', '- a\n- b'],
  ])('rejects %s', (_, content) => {
    expect(() => parseSessionDocumentContent(content)).toThrow(SessionDocumentContentError);
  });
});

describe('evaluateSessionDocument', () => {
  it('is COMPLIANT for a good document', () => {
    const verdict = evaluateSessionDocument({ name: 'SSM-SessionManagerRunShell', content: JSON.stringify(documentWith(goodInputs)) }, DEFAULT_SESSION_LIMITS);
    expect(verdict.compliance).toBe('COMPLIANT');
  });

  it('is NON_COMPLIANT naming every failing setting of a YAML document, within 256 characters', () => {
    const yaml = [
      "schemaVersion: '1.0'",
      'sessionType: Standard_Stream',
      'inputs:',
      '  s3BucketName: audit-bucket',
      '  s3EncryptionEnabled: false',
      '  cloudWatchLogGroupName: ""',
      "  kmsKeyId: ''",
      '  idleSessionTimeout: 30',
    ].join('\n');
    const verdict = evaluateSessionDocument({ name: 'TeamShell', content: yaml }, DEFAULT_SESSION_LIMITS);
    expect(verdict.compliance).toBe('NON_COMPLIANT');
    expect(verdict.annotation).toMatch(/^Session document TeamShell: kmsKeyId empty .*s3EncryptionEnabled.*idleSessionTimeout 30 above 20.*maxSessionDuration unset/);
    expect(verdict.annotation.length).toBeLessThanOrEqual(256);
  });

  it('is NON_COMPLIANT, not an error, when the content cannot be read', () => {
    expect(evaluateSessionDocument({ name: 'Broken', content: '{' }, DEFAULT_SESSION_LIMITS)).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining('Session document Broken: content is neither valid JSON nor YAML'),
    });
  });
});

describe('evaluateAccountPreferences', () => {
  it('is NON_COMPLIANT when SSM-SessionManagerRunShell is missing, COMPLIANT once it exists', () => {
    expect(evaluateAccountPreferences(false)).toMatchObject({ compliance: 'NON_COMPLIANT', annotation: expect.stringContaining('runs on its defaults') });
    expect(evaluateAccountPreferences(true).compliance).toBe('COMPLIANT');
  });
});
