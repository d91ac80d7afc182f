import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  DEFAULT_SESSION_LIMITS,
  evaluateAccountPreferences,
  evaluateSessionDocument,
  parseSessionDocumentContent,
  SESSION_TYPES,
  SessionDocumentContentError,
  sessionPreferenceFailures,
  sessionTypeOf,
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
    expect(failures({ ...goodInputs, s3EncryptionEnabled: false })).toEqual([
      expect.stringContaining('S3 bucket session-logs-111122223333 without s3EncryptionEnabled'),
    ]);
    expect(failures({ ...goodInputs, cloudWatchEncryptionEnabled: 'false' })).toEqual([
      expect.stringContaining('without cloudWatchEncryptionEnabled'),
    ]);
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
    expect(failures({ ...goodInputs, s3BucketName: '', cloudWatchLogGroupName: '' })).toEqual([
      expect.stringContaining('logs nowhere'),
    ]);
  });

  it.each([
    [20, []],
    ['20', []],
    [' 5 ', []],
    [21, ['idleSessionTimeout 21 above 20 minutes']],
    ['60', ['idleSessionTimeout 60 above 20 minutes']],
    ['soon', ['idleSessionTimeout "soon" is not a number of minutes']],
    ['20.0', ['idleSessionTimeout "20.0" is not a number of minutes']],
    ['', []],
  ])('idleSessionTimeout %j against the default limit gives %j', (value, expected) => {
    expect(failures({ ...goodInputs, idleSessionTimeout: value })).toEqual(expected);
  });

  it("holds an unset idleSessionTimeout to Session Manager's default of 20 minutes", () => {
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
    expect(
      failures(
        { ...goodInputs, idleSessionTimeout: 45, maxSessionDuration: 480 },
        { maxIdleSessionTimeoutMinutes: 60, maxSessionDurationMinutes: 480 },
      ),
    ).toEqual([]);
  });
});

describe('parseSessionDocumentContent', () => {
  it('reads JSON and YAML alike', () => {
    const json = JSON.stringify(documentWith(goodInputs));
    const yaml = `schemaVersion: '1.0'\ndescription: Session preferences\nsessionType: Standard_Stream\ninputs:\n  kmsKeyId: alias/sessions\n  idleSessionTimeout: '15'\n`;
    expect(parseSessionDocumentContent(json, undefined)).toEqual(documentWith(goodInputs));
    expect(parseSessionDocumentContent(yaml, parseYaml)).toMatchObject({
      inputs: { kmsKeyId: 'alias/sessions', idleSessionTimeout: '15' },
    });
  });

  it.each([
    ['broken JSON', '{"inputs": '],
    ['broken YAML', 'inputs: [unclosed'],
    ['a scalar', 'just text'],
    ['a list', '- a\n- b'],
  ])('rejects %s', (_, content) => {
    expect(() => parseSessionDocumentContent(content, parseYaml)).toThrow(SessionDocumentContentError);
  });

  it('reads JSON without a YAML parser, and refuses YAML without one', () => {
    expect(parseSessionDocumentContent(' {"inputs": {}}', undefined)).toEqual({ inputs: {} });
    expect(() => parseSessionDocumentContent('inputs: {}', undefined)).toThrow(TypeError);
  });
});

describe('evaluateSessionDocument', () => {
  it('is COMPLIANT for a good document', () => {
    const verdict = evaluateSessionDocument(
      { name: 'SSM-SessionManagerRunShell', content: JSON.stringify(documentWith(goodInputs)) },
      DEFAULT_SESSION_LIMITS,
      undefined,
    );
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
    const verdict = evaluateSessionDocument({ name: 'TeamShell', content: yaml }, DEFAULT_SESSION_LIMITS, parseYaml);
    expect(verdict.compliance).toBe('NON_COMPLIANT');
    expect(verdict.annotation).toMatch(
      /^Session document TeamShell: kmsKeyId empty .*s3EncryptionEnabled.*idleSessionTimeout 30 above 20.*maxSessionDuration unset/,
    );
    expect(verdict.annotation.length).toBeLessThanOrEqual(256);
  });

  it('is NON_COMPLIANT, not an error, when the content cannot be read', () => {
    expect(evaluateSessionDocument({ name: 'Broken', content: '{' }, DEFAULT_SESSION_LIMITS, undefined)).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining('Session document Broken: content is neither valid JSON nor YAML'),
    });
  });
});

describe('evaluateAccountPreferences', () => {
  it('is NON_COMPLIANT when SSM-SessionManagerRunShell is missing, COMPLIANT once it exists', () => {
    expect(evaluateAccountPreferences(false)).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining('runs on its defaults'),
    });
    expect(evaluateAccountPreferences(true).compliance).toBe('COMPLIANT');
  });
});

/** AWS-StartPortForwardingSession as AWS publishes it, plus the limits a hardened copy adds. */
const hardenedPortDocument = {
  schemaVersion: '1.0',
  description: 'Port forwarding to the reporting database only',
  sessionType: 'Port',
  parameters: {
    portNumber: { type: 'String', description: 'Port on the instance', allowedValues: ['5432'], default: '5432' },
    localPortNumber: {
      type: 'String',
      description: 'Port on your computer',
      allowedPattern: '^([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$',
      default: '0',
    },
  },
  properties: { portNumber: '{{ portNumber }}', type: 'LocalPortForwarding', localPortNumber: '{{ localPortNumber }}' },
  inputs: { idleSessionTimeout: '15', maxSessionDuration: '60' },
};

/** The restricted-command document of the Session Manager guide, with the preferences it needs. */
const hardenedCommandsDocument = (sessionType: 'InteractiveCommands' | 'NonInteractiveCommands') => ({
  schemaVersion: '1.0',
  description: 'Read the SSM Agent log',
  sessionType,
  parameters: {
    logpath: {
      type: 'String',
      default: '/var/log/amazon/ssm/amazon-ssm-agent.log',
      allowedPattern: '^[a-zA-Z0-9-_/]+(.log)$',
    },
  },
  properties: { linux: { commands: 'tail -n 200 {{ logpath }}', runAsElevated: false } },
  inputs: {
    cloudWatchLogGroupName: '/session-guard/sessions',
    cloudWatchEncryptionEnabled: true,
    kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    idleSessionTimeout: '10',
    maxSessionDuration: '30',
  },
});

const evaluate = (name: string, content: unknown, limits = DEFAULT_SESSION_LIMITS) =>
  evaluateSessionDocument({ name, content: JSON.stringify(content) }, limits, undefined);

describe('each session type is judged on the settings Session Manager applies to it', () => {
  it('knows the four session types of the schema', () => {
    expect(SESSION_TYPES).toEqual(['Standard_Stream', 'InteractiveCommands', 'NonInteractiveCommands', 'Port']);
    expect(sessionTypeOf({ sessionType: 'Port' })).toBe('Port');
    expect(sessionTypeOf({ sessionType: 'port' })).toBeUndefined();
    expect(sessionTypeOf({})).toBeUndefined();
  });

  it('passes a hardened port-forwarding document: no key and no logging asked for, the limits are', () => {
    expect(evaluate('DatabaseTunnel', hardenedPortDocument)).toEqual({
      compliance: 'COMPLIANT',
      annotation:
        'Session document DatabaseTunnel (Port) keeps sessions within 20 idle / 60 total minutes; Session Manager neither logs nor KMS-encrypts port forwarding and SSH sessions, so neither is asked for.',
    });
  });

  it('holds a Port document to the session limits', () => {
    const { inputs: _, ...asPublished } = hardenedPortDocument;
    expect(evaluate('CopyOfStartPortForwardingSession', asPublished)).toEqual({
      compliance: 'NON_COMPLIANT',
      annotation:
        'Session document CopyOfStartPortForwardingSession (Port): maxSessionDuration unset (allowed 60 minutes).',
    });
    expect(
      evaluate('LongTunnel', {
        ...hardenedPortDocument,
        inputs: { idleSessionTimeout: '60', maxSessionDuration: '480' },
      }).annotation,
    ).toBe(
      'Session document LongTunnel (Port): idleSessionTimeout 60 above 20 minutes; maxSessionDuration 480 above 60 minutes.',
    );
  });

  it('does not fail a Port document on logging or key settings it never uses', () => {
    const inputs = {
      ...hardenedPortDocument.inputs,
      s3BucketName: 'legacy-logs',
      s3EncryptionEnabled: false,
      kmsKeyId: '{{ key }}',
      cloudWatchLogGroupName: '{{ group }}',
    };
    expect(evaluate('LegacyTunnel', { ...hardenedPortDocument, inputs }).compliance).toBe('COMPLIANT');
  });

  it.each(['InteractiveCommands', 'NonInteractiveCommands'] as const)(
    'passes a hardened %s document',
    (sessionType) => {
      expect(evaluate('TailAgentLog', hardenedCommandsDocument(sessionType))).toEqual({
        compliance: 'COMPLIANT',
        annotation: `Session document TailAgentLog (${sessionType}) encrypts sessions and logs, and keeps sessions within 20 idle / 60 total minutes.`,
      });
    },
  );

  it.each(['InteractiveCommands', 'NonInteractiveCommands'] as const)(
    'asks a %s document for a key, encrypted logs and limits, but not for inputs as such',
    (sessionType) => {
      const { inputs: _, ...withoutInputs } = hardenedCommandsDocument(sessionType);
      expect(evaluate('RunAnything', withoutInputs).annotation).toBe(
        `Session document RunAnything (${sessionType}): kmsKeyId missing (no session encryption beyond TLS); logs nowhere (no S3 bucket or CloudWatch log group); maxSessionDuration unset (allowed 60 minutes).`,
      );
      const unencrypted = { ...hardenedCommandsDocument(sessionType).inputs, cloudWatchEncryptionEnabled: false };
      expect(evaluate('RunAnything', { ...withoutInputs, inputs: unencrypted }).annotation).toBe(
        `Session document RunAnything (${sessionType}): logs to CloudWatch log group /session-guard/sessions without cloudWatchEncryptionEnabled true.`,
      );
    },
  );

  it('keeps asking a Standard_Stream document for inputs, a key and logging', () => {
    expect(evaluate('Shell', documentWith(undefined)).annotation).toBe(
      'Session document Shell: inputs missing; kmsKeyId missing (no session encryption beyond TLS); logs nowhere (no S3 bucket or CloudWatch log group); maxSessionDuration unset (allowed 60 minutes).',
    );
  });

  it('fails a document whose sessionType is missing or unknown, and holds it to the Standard_Stream checks', () => {
    const { sessionType: _, ...untyped } = { ...hardenedPortDocument };
    expect(sessionPreferenceFailures(untyped, DEFAULT_SESSION_LIMITS)).toEqual([
      'sessionType null is not one of Standard_Stream, InteractiveCommands, NonInteractiveCommands, Port (checked as Standard_Stream)',
      'kmsKeyId missing (no session encryption beyond TLS)',
      'logs nowhere (no S3 bucket or CloudWatch log group)',
    ]);
    expect(
      sessionPreferenceFailures({ ...hardenedPortDocument, sessionType: 'Tunnel' }, DEFAULT_SESSION_LIMITS)[0],
    ).toMatch(/^sessionType "Tunnel" is not one of/);
  });
});

describe('settings the person starting the session fills in', () => {
  it.each([
    [
      's3BucketName',
      { s3BucketName: '{{ logBucket }}' },
      "s3BucketName is the parameter {{ logBucket }}: the session's starter can choose where logs go",
    ],
    [
      'cloudWatchLogGroupName, in part',
      { cloudWatchLogGroupName: '/sessions/{{team}}' },
      "cloudWatchLogGroupName is the parameter {{team}}: the session's starter can choose where logs go",
    ],
    [
      'kmsKeyId',
      { kmsKeyId: '{{ KeyId }}' },
      "kmsKeyId is the parameter {{ KeyId }}: the session's starter can choose which key encrypts the session",
    ],
    [
      'idleSessionTimeout',
      { idleSessionTimeout: '{{idle}}' },
      "idleSessionTimeout is the parameter {{idle}}: the session's starter can choose how long an idle session lasts",
    ],
    [
      'maxSessionDuration',
      { maxSessionDuration: '{{ hours }}' },
      "maxSessionDuration is the parameter {{ hours }}: the session's starter can choose how long a session lasts",
    ],
    [
      's3BucketName, from Parameter Store',
      { s3BucketName: '{{ssm:/session-guard/audit-bucket}}' },
      's3BucketName is read from Parameter Store ({{ssm:/session-guard/audit-bucket}}): whoever can change /session-guard/audit-bucket chooses where logs go',
    ],
  ])('fails %s given as a parameter', (_, change, expected) => {
    expect(failures({ ...goodInputs, ...change })).toEqual([expected]);
  });

  it('fails an InteractiveCommands document that lets the starter pick the log bucket', () => {
    const document = hardenedCommandsDocument('InteractiveCommands');
    const parameterized = {
      ...document,
      parameters: { ...document.parameters, logBucket: { type: 'String', default: 'team-session-logs' } },
      inputs: {
        ...document.inputs,
        cloudWatchLogGroupName: '',
        s3BucketName: '{{ logBucket }}',
        s3EncryptionEnabled: true,
      },
    };
    expect(evaluate('TeamDebug', parameterized)).toEqual({
      compliance: 'NON_COMPLIANT',
      annotation:
        "Session document TeamDebug (InteractiveCommands): s3BucketName is the parameter {{ logBucket }}: the session's starter can choose where logs go.",
    });
  });

  it('still names a missing encryption flag next to a parameterized destination', () => {
    expect(failures({ ...goodInputs, s3BucketName: '{{b}}', s3EncryptionEnabled: false })).toEqual([
      "s3BucketName is the parameter {{b}}: the session's starter can choose where logs go",
      'logs to S3 bucket {{b}} without s3EncryptionEnabled true',
    ]);
  });
});
