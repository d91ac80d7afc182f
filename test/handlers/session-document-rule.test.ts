import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { GetDocumentCommand, InvalidDocument, ListDocumentsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/session-document-rule/handler';
import { lambdaContext, samEvent, withChanges } from '../support/lambda';

const ssm = mockClient(SSMClient);
const config = mockClient(ConfigServiceClient);
const context = lambdaContext('session-guard-PreferencesRuleFunction-A1S2D3F4');

const sentEvaluations = () =>
  config.commandCalls(PutEvaluationsCommand).flatMap((c) => c.args[0].input.Evaluations ?? []);
const summaryOf = () =>
  sentEvaluations().map((e) => [e.ComplianceResourceType, e.ComplianceResourceId, e.ComplianceType]);

const securePreferences = JSON.stringify({
  schemaVersion: '1.0',
  description: 'Document to hold regional settings for Session Manager',
  sessionType: 'Standard_Stream',
  inputs: {
    s3BucketName: '',
    s3EncryptionEnabled: true,
    cloudWatchLogGroupName: '/session-guard/sessions',
    cloudWatchEncryptionEnabled: true,
    cloudWatchStreamingEnabled: true,
    kmsKeyId: 'alias/session-guard',
    idleSessionTimeout: '20',
    maxSessionDuration: '60',
    runAsEnabled: false,
  },
});
const consoleDefaults = [
  "schemaVersion: '1.0'",
  'description: Document to hold regional settings for Session Manager',
  'sessionType: Standard_Stream',
  'inputs:',
  "  s3BucketName: ''",
  '  s3EncryptionEnabled: true',
  "  cloudWatchLogGroupName: ''",
  '  cloudWatchEncryptionEnabled: true',
  "  kmsKeyId: ''",
  "  idleSessionTimeout: '20'",
].join('\n');

const invalidDocument = () => new InvalidDocument({ message: 'The specified document does not exist.', $metadata: {} });

beforeEach(() => {
  ssm.reset();
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
});

describe('PreferencesRuleFunction on configuration changes', () => {
  it('fetches the default version Config does not carry, and passes secure preferences', async () => {
    ssm.on(GetDocumentCommand, { Name: 'SSM-SessionManagerRunShell' }).resolves({
      Name: 'SSM-SessionManagerRunShell',
      DocumentType: 'Session',
      DocumentFormat: 'JSON',
      Content: securePreferences,
      DocumentVersion: '3',
    });
    const summary = await handler(samEvent('PreferencesRuleFunction', 'document-change'), context);

    expect(summary).toMatchObject({ evaluations: 1, compliant: 1 });
    expect(ssm).toHaveReceivedCommandExactlyOnceWith(GetDocumentCommand, { Name: 'SSM-SessionManagerRunShell' });
    expect(sentEvaluations()).toEqual([
      expect.objectContaining({
        ComplianceResourceType: 'AWS::SSM::Document',
        ComplianceResourceId: 'SSM-SessionManagerRunShell',
        ComplianceType: 'COMPLIANT',
        OrderingTimestamp: new Date('2026-11-20T10:14:58.337Z'),
      }),
    ]);
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, { TestMode: true });
  });

  it('fails the console defaults (YAML, empty kmsKeyId, no logging) naming every setting', async () => {
    ssm.on(GetDocumentCommand).resolves({
      Name: 'SSM-SessionManagerRunShell',
      DocumentType: 'Session',
      DocumentFormat: 'YAML',
      Content: consoleDefaults,
    });
    await handler(samEvent('PreferencesRuleFunction', 'document-change'), context);
    const [evaluation] = sentEvaluations();
    expect(evaluation?.ComplianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.Annotation).toBe(
      'Session document SSM-SessionManagerRunShell: kmsKeyId empty (no session encryption beyond TLS); logs nowhere (no S3 bucket or CloudWatch log group); maxSessionDuration unset (allowed 60 minutes).',
    );
  });

  it('applies the limits passed as rule parameters (numbers arrive as text)', async () => {
    ssm
      .on(GetDocumentCommand)
      .resolves({ Name: 'SSM-SessionManagerRunShell', DocumentType: 'Session', Content: securePreferences });
    const strict = withChanges(samEvent('PreferencesRuleFunction', 'document-change'), {
      ruleParameters: { MaxIdleSessionTimeoutMinutes: '10', MaxSessionDurationMinutes: '30' },
    });
    await handler(strict, context);
    expect(sentEvaluations()[0]?.Annotation).toContain(
      'idleSessionTimeout 20 above 10 minutes; maxSessionDuration 60 above 30 minutes',
    );
  });

  it('leaves documents of other types alone without reading them', async () => {
    const command = withChanges(samEvent('PreferencesRuleFunction', 'document-change'), {
      invokingEvent: (invoking) => {
        Object.assign(invoking.configurationItem, { resourceId: 'PatchFleet', resourceName: 'PatchFleet' });
        invoking.configurationItem.configuration = {
          Name: 'PatchFleet',
          DocumentType: 'Command',
          DocumentFormat: 'YAML',
        };
      },
    });
    await handler(command, context);
    expect(ssm).not.toHaveReceivedAnyCommand();
    expect(summaryOf()).toEqual([['AWS::SSM::Document', 'PatchFleet', 'NOT_APPLICABLE']]);
  });

  it('reports a deleted document NOT_APPLICABLE without reading it', async () => {
    const deleted = withChanges(samEvent('PreferencesRuleFunction', 'document-change'), {
      invokingEvent: (invoking) => {
        invoking.configurationItem.configurationItemStatus = 'ResourceDeleted';
        invoking.configurationItem.configuration = null;
      },
    });
    await handler(deleted, context);
    expect(ssm).not.toHaveReceivedAnyCommand();
    expect(summaryOf()).toEqual([['AWS::SSM::Document', 'SSM-SessionManagerRunShell', 'NOT_APPLICABLE']]);
  });

  it('refuses a limit Session Manager would not accept, naming the parameter', async () => {
    const event = withChanges(samEvent('PreferencesRuleFunction', 'document-change'), {
      ruleParameters: { MaxSessionDurationMinutes: 'forever' },
    });
    await expect(handler(event, context)).rejects.toThrow(/rule parameter MaxSessionDurationMinutes/);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it.each([
    ['MaxIdleSessionTimeoutMinutes', '61', 'must be at most 60'],
    ['MaxSessionDurationMinutes', '1441', 'must be at most 1440'],
    ['MaxSessionDurationMinutes', '0', 'must be at least 1'],
  ])('refuses %s %s, outside what Session Manager accepts', async (parameter, value, problem) => {
    const event = withChanges(samEvent('PreferencesRuleFunction', 'document-change'), {
      ruleParameters: { [parameter]: value },
    });
    await expect(handler(event, context)).rejects.toThrow(`rule parameter ${parameter}: ${problem}`);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('refuses a limit of the wrong type rather than reading true as 1, naming the parameter', async () => {
    const event = withChanges(samEvent('PreferencesRuleFunction', 'document-change'), {
      ruleParameters: { MaxIdleSessionTimeoutMinutes: true },
    });
    await expect(handler(event, context)).rejects.toMatchObject({
      name: 'InvalidRuleParameterError',
      message: expect.stringContaining(
        'rule parameter MaxIdleSessionTimeoutMinutes: must be a whole number written as text, such as "1"; got true (boolean)',
      ),
    });
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('accepts a limit written as a JSON number, as hand-written InputParameters may carry', async () => {
    ssm
      .on(GetDocumentCommand)
      .resolves({ Name: 'SSM-SessionManagerRunShell', DocumentType: 'Session', Content: securePreferences });
    await handler(
      withChanges(samEvent('PreferencesRuleFunction', 'document-change'), {
        ruleParameters: { MaxIdleSessionTimeoutMinutes: 10 },
      }),
      context,
    );
    expect(sentEvaluations()[0]?.Annotation).toContain('idleSessionTimeout 20 above 10 minutes');
  });

  it('refuses a capture time that is not a time, naming the field, and sends nothing', async () => {
    const event = withChanges(samEvent('PreferencesRuleFunction', 'document-change'), {
      invokingEvent: (invoking) => {
        invoking.configurationItem.configurationItemCaptureTime = '17/02/2016 01:36';
      },
    });
    await expect(handler(event, context)).rejects.toMatchObject({
      name: 'InvalidEventError',
      message: expect.stringContaining(
        'invokingEvent.configurationItem.configurationItemCaptureTime: must be an ISO 8601 time',
      ),
    });
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });
});

describe('PreferencesRuleFunction on its periodic sweep', () => {
  it('checks every Session document the account owns and reports the account NON_COMPLIANT without SSM-SessionManagerRunShell', async () => {
    ssm
      .on(ListDocumentsCommand)
      .resolvesOnce({ DocumentIdentifiers: [{ Name: 'TeamShell', DocumentType: 'Session' }], NextToken: 'page-2' })
      .resolvesOnce({ DocumentIdentifiers: [{ Name: 'PortForwardingShell', DocumentType: 'Session' }] });
    ssm
      .on(GetDocumentCommand, { Name: 'TeamShell' })
      .resolves({ Name: 'TeamShell', DocumentType: 'Session', DocumentFormat: 'YAML', Content: consoleDefaults });
    ssm
      .on(GetDocumentCommand, { Name: 'PortForwardingShell' })
      .resolves({ Name: 'PortForwardingShell', DocumentType: 'Session', Content: securePreferences });
    ssm.on(GetDocumentCommand, { Name: 'SSM-SessionManagerRunShell' }).rejects(invalidDocument());
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [
        {
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: { ResourceType: 'AWS::SSM::Document', ResourceId: 'RetiredShell' },
          },
        },
      ],
    });

    await handler(samEvent('PreferencesRuleFunction', 'scheduled'), context);

    expect(ssm).toHaveReceivedCommandWith(ListDocumentsCommand, {
      Filters: [
        { Key: 'Owner', Values: ['Self'] },
        { Key: 'DocumentType', Values: ['Session'] },
      ],
      MaxResults: 50,
    });
    expect(ssm).toHaveReceivedCommandWith(ListDocumentsCommand, { NextToken: 'page-2' });
    expect(summaryOf()).toEqual([
      ['AWS::SSM::Document', 'TeamShell', 'NON_COMPLIANT'],
      ['AWS::SSM::Document', 'PortForwardingShell', 'COMPLIANT'],
      ['AWS::::Account', '123456789012', 'NON_COMPLIANT'],
      ['AWS::SSM::Document', 'RetiredShell', 'NOT_APPLICABLE'],
    ]);
    expect(sentEvaluations()[2]?.Annotation).toContain(
      'SSM-SessionManagerRunShell does not exist: Session Manager runs on its defaults',
    );
  });

  it('clears the account once SSM-SessionManagerRunShell exists', async () => {
    ssm
      .on(ListDocumentsCommand)
      .resolves({ DocumentIdentifiers: [{ Name: 'SSM-SessionManagerRunShell', DocumentType: 'Session' }] });
    ssm
      .on(GetDocumentCommand)
      .resolves({ Name: 'SSM-SessionManagerRunShell', DocumentType: 'Session', Content: securePreferences });
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });

    await handler(samEvent('PreferencesRuleFunction', 'scheduled'), context);

    expect(ssm).toHaveReceivedCommandTimes(GetDocumentCommand, 1);
    expect(summaryOf()).toEqual([
      ['AWS::SSM::Document', 'SSM-SessionManagerRunShell', 'COMPLIANT'],
      ['AWS::::Account', '123456789012', 'COMPLIANT'],
    ]);
  });

  it('refuses a notification time that is not a time, naming the field, and reads nothing', async () => {
    const event = withChanges(samEvent('PreferencesRuleFunction', 'scheduled'), {
      invokingEvent: (invoking) => {
        invoking.notificationCreationTime = 'now';
      },
    });
    await expect(handler(event, context)).rejects.toThrow(
      /invokingEvent\.notificationCreationTime: must be an ISO 8601 time/,
    );
    expect(ssm).not.toHaveReceivedAnyCommand();
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('refuses a scheduled event that names no account, since the account result needs one', async () => {
    const { accountId: _, ...anonymous } = withChanges(samEvent('PreferencesRuleFunction', 'scheduled'), {
      invokingEvent: (invoking) => delete invoking.awsAccountId,
    });
    await expect(handler(anonymous, context)).rejects.toThrow(/ScheduledNotification carries no account ID/);
    expect(ssm).not.toHaveReceivedAnyCommand();
  });

  it('fails loudly, reporting nothing, when SSM refuses to list documents', async () => {
    ssm.on(ListDocumentsCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: ssm:ListDocuments'), {
        name: 'AccessDeniedException',
      }),
    );
    await expect(handler(samEvent('PreferencesRuleFunction', 'scheduled'), context)).rejects.toThrow(
      /ssm:ListDocuments/,
    );
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });
});
