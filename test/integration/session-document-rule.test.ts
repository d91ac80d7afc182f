/**
 * The session-preferences rule against moto_server: real SSM and Config clients over HTTP, Session
 * documents in JSON and YAML, through the periodic path and a change event.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { CreateDocumentCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { createSessionDocumentRule } from '../../functions/session-document-rule/rule';
import { SsmSessionDocumentsGateway } from '../../functions/shared/adapters/ssm-session-documents';
import { parseConfigRuleEvent } from '../../functions/shared/config-rule/event';
import { runConfigRule } from '../../functions/shared/config-rule/run';
import { configThroughMoto } from '../support/config-through-moto';
import { samEvent, withChanges } from '../support/lambda';
import { motoAvailable, useMoto } from '../support/moto';

const SECURE = JSON.stringify({
  schemaVersion: '1.0',
  description: 'Document to hold regional settings for Session Manager',
  sessionType: 'Standard_Stream',
  inputs: {
    s3BucketName: 'session-audit-123456789012',
    s3EncryptionEnabled: true,
    cloudWatchLogGroupName: '',
    kmsKeyId: 'alias/session-guard',
    idleSessionTimeout: 15,
    maxSessionDuration: '60',
  },
});
const WEAK_YAML = [
  "schemaVersion: '1.0'",
  'description: Team shell',
  'sessionType: Standard_Stream',
  'inputs:',
  '  cloudWatchLogGroupName: /team/sessions',
  '  cloudWatchEncryptionEnabled: false',
  "  kmsKeyId: ''",
  "  idleSessionTimeout: '45'",
  "  maxSessionDuration: '120'",
].join('\n');
/** Port forwarding to one database port, with the session limits a hardened copy adds. */
const HARDENED_TUNNEL = JSON.stringify({
  schemaVersion: '1.0',
  description: 'Port forwarding to the reporting database only',
  sessionType: 'Port',
  parameters: {
    portNumber: { type: 'String', allowedValues: ['5432'], default: '5432' },
    localPortNumber: { type: 'String', default: '0' },
  },
  properties: { portNumber: '{{ portNumber }}', type: 'LocalPortForwarding', localPortNumber: '{{ localPortNumber }}' },
  inputs: { idleSessionTimeout: '15', maxSessionDuration: '60' },
});
/** Restricted commands, encrypted, but the caller names the bucket their session's log goes to. */
const CALLER_CHOOSES_BUCKET = [
  "schemaVersion: '1.0'",
  'description: Debug commands',
  'sessionType: InteractiveCommands',
  'parameters:',
  '  logBucket:',
  '    type: String',
  '    default: platform-session-logs',
  'properties:',
  '  linux:',
  "    commands: 'df -h'",
  'inputs:',
  "  s3BucketName: '{{ logBucket }}'",
  '  s3EncryptionEnabled: true',
  '  kmsKeyId: alias/session-guard',
  "  idleSessionTimeout: '10'",
  "  maxSessionDuration: '30'",
].join('\n');
const COMMAND = JSON.stringify({
  schemaVersion: '2.2',
  description: 'Not a Session document',
  mainSteps: [{ action: 'aws:runShellScript', name: 'list', inputs: { runCommand: ['ls'] } }],
});

describe.skipIf(!motoAvailable)('PreferencesRuleFunction against moto_server', () => {
  // No AWS managed policy is attached or read here: skip loading them, which costs a second per reset.
  const moto = useMoto({ awsManagedPolicies: false });
  const run = (event: unknown) =>
    runConfigRule(
      createSessionDocumentRule(new SsmSessionDocumentsGateway(new SSMClient(moto.clientSettings()))),
      parseConfigRuleEvent(event),
      configThroughMoto(new ConfigServiceClient(moto.clientSettings())),
    );
  const create = (
    Name: string,
    Content: string,
    DocumentType: 'Session' | 'Command',
    DocumentFormat: 'JSON' | 'YAML' = 'JSON',
  ) =>
    new SSMClient(moto.clientSettings()).send(
      new CreateDocumentCommand({ Name, Content, DocumentType, DocumentFormat }),
    );

  it('sweeps the Session documents the account owns and clears the account when SSM-SessionManagerRunShell exists', async () => {
    await create('SSM-SessionManagerRunShell', SECURE, 'Session');
    await create('TeamShell', WEAK_YAML, 'Session', 'YAML');
    await create('ListFiles', COMMAND, 'Command');

    const evaluations = await run(samEvent('PreferencesRuleFunction', 'scheduled'));

    expect(evaluations.map((e) => [e.resourceType, e.resourceId, e.compliance])).toEqual(
      expect.arrayContaining([
        ['AWS::SSM::Document', 'SSM-SessionManagerRunShell', 'COMPLIANT'],
        ['AWS::SSM::Document', 'TeamShell', 'NON_COMPLIANT'],
        ['AWS::::Account', '123456789012', 'COMPLIANT'],
      ]),
    );
    expect(evaluations).toHaveLength(3);
    expect(evaluations.find((e) => e.resourceId === 'TeamShell')?.annotation).toBe(
      'Session document TeamShell: kmsKeyId empty (no session encryption beyond TLS); logs to CloudWatch log group /team/sessions without cloudWatchEncryptionEnabled true; idleSessionTimeout 45 above 20 minutes; maxSessionDuration 120 above 60 minutes.',
    );
  });

  it('reports the account NON_COMPLIANT while SSM-SessionManagerRunShell does not exist', async () => {
    await create('TeamShell', WEAK_YAML, 'Session', 'YAML');
    const evaluations = await run(samEvent('PreferencesRuleFunction', 'scheduled'));
    expect(evaluations.map((e) => [e.resourceType, e.resourceId, e.compliance])).toEqual([
      ['AWS::SSM::Document', 'TeamShell', 'NON_COMPLIANT'],
      ['AWS::::Account', '123456789012', 'NON_COMPLIANT'],
    ]);
  });

  it('judges each session type on the settings Session Manager applies to it', async () => {
    await create('SSM-SessionManagerRunShell', SECURE, 'Session');
    await create('DatabaseTunnel', HARDENED_TUNNEL, 'Session');
    await create('DebugCommands', CALLER_CHOOSES_BUCKET, 'Session', 'YAML');

    const evaluations = await run(samEvent('PreferencesRuleFunction', 'scheduled'));

    expect(evaluations.find((e) => e.resourceId === 'DatabaseTunnel')).toMatchObject({
      compliance: 'COMPLIANT',
      annotation: expect.stringContaining(
        'Session document DatabaseTunnel (Port) keeps sessions within 20 idle / 60 total minutes',
      ),
    });
    expect(evaluations.find((e) => e.resourceId === 'DebugCommands')).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation:
        "Session document DebugCommands (InteractiveCommands): s3BucketName is the parameter {{ logBucket }}: the session's starter can choose where logs go.",
    });
  });

  it('evaluates a changed document by reading its default version', async () => {
    await create('TeamShell', WEAK_YAML, 'Session', 'YAML');
    const event = withChanges(samEvent('PreferencesRuleFunction', 'document-change'), {
      invokingEvent: (invoking) => {
        Object.assign(invoking.configurationItem, { resourceId: 'TeamShell', resourceName: 'TeamShell' });
        invoking.configurationItem.configuration = {
          Name: 'TeamShell',
          DocumentType: 'Session',
          DocumentFormat: 'YAML',
        };
      },
    });
    const [evaluation] = await run(event);
    expect(evaluation).toMatchObject({
      resourceType: 'AWS::SSM::Document',
      resourceId: 'TeamShell',
      compliance: 'NON_COMPLIANT',
    });
  });
});
