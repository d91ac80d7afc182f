/**
 * Every sample event in sam/events/<LogicalId>/*.json, run through the real handler of that
 * function: the handler file comes from the function's Metadata.BuildProperties.EntryPoints in
 * template.yaml and the export from its Handler, exactly what `sam local invoke <LogicalId> -e`
 * would run. Every SDK client the project depends on is mocked and answers `{}` to any command;
 * a function whose events need more (a recorded response, an environment variable, an event that
 * must fail) gets a few lines in SCENARIOS below. A new function's events are picked up without
 * touching this file, as long as `{}` answers are enough for them to complete.
 */
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import {
  ConfigServiceClient,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { BatchGetResourceConfigCommand } from '@aws-sdk/client-config-service';
import {
  AttachRolePolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  type RoleDetail,
} from '@aws-sdk/client-iam';
import {
  DescribeActivationsCommand,
  GetDocumentCommand,
  GetServiceSettingCommand,
  ListDocumentsCommand,
  SSMClient,
  UpdateDocumentCommand,
} from '@aws-sdk/client-ssm';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  buildSessionPreferencesDocument,
  validateSessionPreferences,
} from '../../functions/shared/core/session-preferences';
import { readTemplate, type TemplateResource } from '../../scripts/template';
import { EC2_TRUST, urlEncoded } from '../support/iam-documents';
import { lambdaContext, samEvent } from '../support/lambda';
import { useResponseUrl } from '../support/response-url';
import { roleHistoryResponse } from '../support/recorded';

const root = resolve(import.meta.dirname, '../..');
const eventsRoot = join(root, 'sam', 'events');

// ----- per-function table: only what `{}` answers cannot give -----

type ClientClass = abstract new (...args: never[]) => unknown;
/** The mock of one SDK client class, e.g. `aws(ConfigServiceClient).on(SomeCommand).resolves(...)`. */
type AwsMocks = (client: ClientClass) => AwsStub<any, any, any>;

interface FunctionScenario {
  /** Environment variables the handler reads (the template's values are intrinsics, not literals). */
  readonly env?: Readonly<Record<string, string>>;
  /** Rewrites an event before it runs, e.g. to answer a custom resource's ResponseURL locally. */
  prepare?(event: Record<string, unknown>): Record<string, unknown>;
  /** Answers beyond `{}`, set before each event. */
  arrange?(aws: AwsMocks): void;
  /** Events (by file name without .json) that must fail, with what the error must say. */
  readonly failures?: Readonly<Record<string, RegExp>>;
  /** Checks beyond "it completed", after each event that completes. */
  verify?(eventName: string, event: Record<string, unknown>, result: unknown, aws: AwsMocks): void;
}

const SWEPT_ROLE: RoleDetail = {
  RoleName: 'web',
  RoleId: 'AROAQXAMPLEWEBSERVER1',
  Path: '/',
  Arn: 'arn:aws:iam::111122223333:role/web',
  AssumeRolePolicyDocument: urlEncoded(EC2_TRUST),
  InstanceProfileList: [
    {
      InstanceProfileName: 'web',
      InstanceProfileId: 'AIPAQXAMPLEWEB',
      Path: '/',
      Arn: 'arn:aws:iam::111122223333:instance-profile/web',
      CreateDate: new Date('2025-01-01T00:00:00Z'),
      Roles: [],
    },
  ],
  AttachedManagedPolicies: [],
};

/** The preferences the sample stack writes by default, as SSM returns a Session document's content. */
const SESSION_PREFERENCES_CREATE = samEvent<{ ResourceProperties: unknown; StackId: string }>(
  'SessionPreferencesFunction',
  'create',
);
const SESSION_DOCUMENT = JSON.stringify(
  buildSessionPreferencesDocument(
    validateSessionPreferences(SESSION_PREFERENCES_CREATE.ResourceProperties),
    SESSION_PREFERENCES_CREATE.StackId,
  ),
);

/** The hardened port-forwarding document that port-document-change.json names, as the bundled sample account holds it. */
const SAMPLE_DOCUMENTS = (
  JSON.parse(readFileSync(join(root, 'cli', 'sample-account', 'account.json'), 'utf8')) as {
    Documents: { Name: string; Content: string }[];
  }
).Documents;
const PORT_DOCUMENT = SAMPLE_DOCUMENTS.find((d) => d.Name === 'SessionGuard-DatabaseTunnel');

// The custom resource answers its ResponseURL (presigned S3 in the samples); here a local stand-in takes it.
const responseUrl = useResponseUrl();

const SCENARIOS: Record<string, FunctionScenario> = {
  PreferencesRuleFunction: {
    arrange: (aws) => {
      aws(SSMClient)
        .on(ListDocumentsCommand)
        .resolves({
          DocumentIdentifiers: [{ Name: 'SSM-SessionManagerRunShell', DocumentType: 'Session', Owner: '111122223333' }],
        });
      aws(SSMClient).on(GetDocumentCommand).resolves({
        Name: 'SSM-SessionManagerRunShell',
        DocumentType: 'Session',
        DocumentFormat: 'JSON',
        DocumentVersion: '1',
        Content: SESSION_DOCUMENT,
      });
      aws(SSMClient).on(GetDocumentCommand, { Name: 'SessionGuard-DatabaseTunnel' }).resolves({
        Name: 'SessionGuard-DatabaseTunnel',
        DocumentType: 'Session',
        DocumentFormat: 'JSON',
        DocumentVersion: '1',
        Content: PORT_DOCUMENT?.Content,
      });
    },
    // The stack's own default preferences pass the rule's own checks, and so does a hardened
    // port-forwarding document, which is held to the session limits only.
    verify: (eventName, _event, _result, aws) => {
      const evaluations = aws(ConfigServiceClient)
        .commandCalls(PutEvaluationsCommand)
        .flatMap((c) => c.args[0].input.Evaluations ?? []);
      expect(evaluations.length, eventName).toBeGreaterThan(0);
      expect(
        evaluations.filter((e) => e.ComplianceType !== 'COMPLIANT'),
        eventName,
      ).toEqual([]);
      if (eventName === 'port-document-change') {
        expect(evaluations.map((e) => [e.ComplianceResourceId, e.Annotation])).toEqual([
          [
            'SessionGuard-DatabaseTunnel',
            expect.stringContaining(
              'SessionGuard-DatabaseTunnel (Port) keeps sessions within 20 idle / 60 total minutes',
            ),
          ],
        ]);
      }
    },
  },
  SessionPreferencesFunction: {
    prepare: (event) => ({ ...event, ResponseURL: responseUrl.url() }),
    // The samples' own stack wrote the default version 2 over the version 1 it found (the restore
    // point in update.json and delete.json): its Create has nothing to do, its Update writes version
    // 3, and its Delete puts version 1 back.
    arrange: (aws) => {
      aws(SSMClient).on(GetDocumentCommand).resolves({
        Name: 'SSM-SessionManagerRunShell',
        DocumentType: 'Session',
        DocumentFormat: 'JSON',
        DocumentVersion: '2',
        Content: SESSION_DOCUMENT,
      });
      aws(SSMClient)
        .on(UpdateDocumentCommand)
        .resolves({ DocumentDescription: { Name: 'SSM-SessionManagerRunShell', DocumentVersion: '3' } });
    },
    // Every request type is answered SUCCESS exactly once, having done all it was asked.
    verify: (eventName) => {
      expect(
        responseUrl.received.map((r) => [r.body.Status, r.body.Reason]),
        eventName,
      ).toEqual([['SUCCESS', undefined]]);
      const expected = {
        create: ['unchanged', '2'],
        update: ['updated', '3'],
        delete: ['restored-default-version', '1'],
      }[eventName];
      expect(
        [responseUrl.received[0]?.body.Data?.Action, responseUrl.received[0]?.body.Data?.DefaultVersion],
        eventName,
      ).toEqual(expected);
    },
  },
  AttachPolicyFunction: {
    // invoke.json names an EC2 instance role that lacks the policy: Config knows its name, IAM its facts.
    arrange: (aws) => {
      const invoke = JSON.parse(readFileSync(join(eventsRoot, 'AttachPolicyFunction', 'invoke.json'), 'utf8')) as {
        RoleId: string;
        PolicyArn: string;
      };
      aws(ConfigServiceClient)
        .on(BatchGetResourceConfigCommand)
        .resolves({
          baseConfigurationItems: [
            { resourceType: 'AWS::IAM::Role', resourceId: invoke.RoleId, resourceName: 'web-server' },
          ],
        });
      aws(IAMClient)
        .on(GetRoleCommand)
        .resolves({
          Role: {
            RoleName: 'web-server',
            RoleId: invoke.RoleId,
            Path: '/',
            Arn: 'arn:aws:iam::123456789012:role/web-server',
            CreateDate: new Date('2025-01-01T00:00:00Z'),
            AssumeRolePolicyDocument: urlEncoded(EC2_TRUST),
            Tags: [],
          },
        });
      aws(IAMClient)
        .on(ListInstanceProfilesForRoleCommand)
        .resolves({
          InstanceProfiles: [
            {
              InstanceProfileName: 'web-server',
              InstanceProfileId: 'AIPAEXAMPLEWEB',
              Path: '/',
              Arn: 'arn:aws:iam::123456789012:instance-profile/web-server',
              CreateDate: new Date('2025-01-01T00:00:00Z'),
              Roles: [],
            },
          ],
        });
      aws(IAMClient)
        .on(ListAttachedRolePoliciesCommand)
        .resolvesOnce({ AttachedPolicies: [] })
        .resolves({ AttachedPolicies: [{ PolicyArn: invoke.PolicyArn, PolicyName: 'instance' }] });
    },
    verify: (eventName, event, result, aws) => {
      expect(result, eventName).toMatchObject({ roleName: 'web-server', action: 'attached' });
      expect(aws(IAMClient)).toHaveReceivedCommandWith(AttachRolePolicyCommand, {
        RoleName: 'web-server',
        PolicyArn: event.PolicyArn as string,
      });
    },
  },
  SsmAccessRuleFunction: {
    arrange: (aws) => {
      // The role-change sample attaches AmazonSSMManagedInstanceCore: the handler reads its default version.
      aws(IAMClient)
        .on(GetPolicyCommand)
        .resolves({ Policy: { Arn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore', DefaultVersionId: 'v2' } });
      aws(IAMClient)
        .on(GetPolicyVersionCommand)
        .resolves({
          PolicyVersion: {
            VersionId: 'v2',
            IsDefaultVersion: true,
            Document: urlEncoded({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'ssm:UpdateInstanceInformation', Resource: '*' }],
            }),
          },
        });
    },
  },
  RolePolicyRuleFunction: {
    arrange: (aws) => {
      // The oversized event names a role whose item the handler must fetch from Config.
      aws(ConfigServiceClient).on(GetResourceConfigHistoryCommand).resolves(roleHistoryResponse());
      // The scheduled event sweeps the account: give it one instance role to report.
      aws(IAMClient)
        .on(GetAccountAuthorizationDetailsCommand)
        .resolves({ RoleDetailList: [SWEPT_ROLE], IsTruncated: false });
      // The DHMC and activation role samples are named by eu-west-1's DHMC setting and activations.
      aws(AccountClient)
        .on(ListRegionsCommand)
        .resolves({ Regions: [{ RegionName: 'eu-west-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' }] });
      aws(SSMClient)
        .on(GetServiceSettingCommand)
        .resolves({
          ServiceSetting: { SettingValue: 'service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole' },
        });
      aws(SSMClient)
        .on(DescribeActivationsCommand)
        .resolves({
          ActivationList: [
            { ActivationId: 'e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE', IamRole: 'edge-devices-hybrid', Expired: false },
          ],
        });
    },
    // Every sample (change, deleted, oversized, scheduled, and the DHMC and activation roles'
    // changes) yields exactly one delivered evaluation.
    verify: (eventName, _event, result, aws) => {
      expect(result, eventName).toMatchObject({ evaluations: 1 });
      expect(aws(ConfigServiceClient)).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
      const why = {
        'dhmc-role-change': 'DHMC role in eu-west-1',
        'activation-role-change': 'Role of activation e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE (eu-west-1)',
      }[eventName];
      const [evaluation] =
        aws(ConfigServiceClient).commandCalls(PutEvaluationsCommand)[0]!.args[0].input.Evaluations ?? [];
      if (why)
        expect(evaluation, eventName).toMatchObject({
          ComplianceType: 'NON_COMPLIANT',
          Annotation: expect.stringContaining(why),
        });
    },
  },
};

// ----- discovery -----

interface SampleEvent {
  readonly name: string;
  readonly path: string;
  readonly text: string;
}

const template = readTemplate(join(root, 'template.yaml'));
const functions = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Serverless::Function');
const functionIds = new Set(functions.map(([id]) => id));

const eventDirs = readdirSync(eventsRoot, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

function sampleEvents(logicalId: string): SampleEvent[] {
  return readdirSync(join(eventsRoot, logicalId))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: basename(f, '.json'),
      path: join(eventsRoot, logicalId, f),
      text: readFileSync(join(eventsRoot, logicalId, f), 'utf8'),
    }));
}

/** Where SAM finds the handler: the bundled entry point's file name and the export named by Handler. */
function handlerLocation(logicalId: string, resource: TemplateResource): { file: string; exportName: string } {
  const entryPoints = (resource.Metadata?.BuildProperties as { EntryPoints?: string[] } | undefined)?.EntryPoints ?? [];
  expect(entryPoints, `${logicalId}: Metadata.BuildProperties.EntryPoints`).toHaveLength(1);
  const entry = entryPoints[0]!;
  const handler = String(resource.Properties?.Handler ?? '');
  const at = handler.lastIndexOf('.');
  const [handlerFile, exportName] = [handler.slice(0, at), handler.slice(at + 1)];
  // esbuild names the bundle after the entry point; Handler must name that file or the runtime will not find it.
  expect(handlerFile, `${logicalId}: Handler ${handler} must name the bundle of ${entry}`).toBe(
    basename(entry).replace(/\.[cm]?[jt]s$/, ''),
  );
  const codeUri = String(resource.Properties?.CodeUri ?? '.');
  return { file: join(root, codeUri, entry), exportName };
}

// ----- mocks for every SDK client the functions can use -----

const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const sdkPackages = Object.keys(packageJson.dependencies).filter((name) => name.startsWith('@aws-sdk/client-'));
const clientMocks = new Map<unknown, AwsStub<any, any, any>>();
for (const name of sdkPackages) {
  const module = (await import(name)) as Record<string, unknown>;
  for (const [exported, value] of Object.entries(module)) {
    // Each package exports its client (IAMClient, ...) and re-exports the shared base as __Client.
    if (/^[A-Z]\w*Client$/.test(exported) && typeof value === 'function')
      clientMocks.set(value, mockClient(value as never));
  }
}
const aws: AwsMocks = (client) => {
  const mock = clientMocks.get(client);
  if (!mock)
    throw new Error(`${client.name} is not mocked: its @aws-sdk/client-* package is not a dependency in package.json.`);
  return mock;
};

function resetMocks(): void {
  for (const mock of clientMocks.values()) {
    mock.reset();
    mock.onAnyCommand().resolves({});
  }
}

// ----- the checks -----

describe('sam/events', () => {
  it('has a folder of events for every function in template.yaml, and no folder for anything else', () => {
    const withEvents = new Set(eventDirs.filter((d) => sampleEvents(d).length > 0));
    expect(
      [...functionIds].filter((id) => !withEvents.has(id)),
      'functions without a sample event',
    ).toEqual([]);
    expect(
      eventDirs.filter((d) => !functionIds.has(d)),
      'sam/events folders that name no AWS::Serverless::Function',
    ).toEqual([]);
  });

  it('has scenarios only for functions that exist', () => {
    expect(Object.keys(SCENARIOS).filter((id) => !functionIds.has(id))).toEqual([]);
  });
});

for (const logicalId of eventDirs.filter((d) => functionIds.has(d))) {
  const resource = template.Resources[logicalId]!;
  const scenario = SCENARIOS[logicalId] ?? {};
  const events = sampleEvents(logicalId);

  describe(`${logicalId} sample events`, () => {
    let handler: (event: unknown, context: unknown) => Promise<unknown>;

    beforeAll(async () => {
      for (const [key, value] of Object.entries(scenario.env ?? {})) vi.stubEnv(key, value);
      const { file, exportName } = handlerLocation(logicalId, resource);
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      expect(typeof module[exportName], `${file} exports ${exportName}`).toBe('function');
      handler = module[exportName] as typeof handler;
    });
    afterAll(() => vi.unstubAllEnvs());
    beforeEach(() => {
      resetMocks();
      scenario.arrange?.(aws);
    });

    it.each(events.map((e) => [e.name, e] as const))(
      '%s.json is a JSON object, as `sam local invoke -e` passes it',
      (_name, sample) => {
        const parsed: unknown = JSON.parse(sample.text);
        expect(
          typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed),
          `${sample.path} must hold one JSON object`,
        ).toBe(true);
      },
    );

    it.each(events.map((e) => [e.name, e] as const))('%s.json runs through the handler', async (name, sample) => {
      const event = scenario.prepare?.(JSON.parse(sample.text)) ?? (JSON.parse(sample.text) as Record<string, unknown>);
      const run = handler(event, lambdaContext(logicalId));

      const expectedFailure = scenario.failures?.[name];
      if (expectedFailure) {
        await expect(run).rejects.toThrow(expectedFailure);
        return;
      }
      const result = await run;

      // Whatever a Config rule event reports goes back under its own token (TestMode for TESTMODE).
      if (typeof event.resultToken === 'string' && typeof event.invokingEvent === 'string') {
        for (const call of aws(ConfigServiceClient).commandCalls(PutEvaluationsCommand)) {
          expect(call.args[0].input).toMatchObject({
            ResultToken: event.resultToken,
            TestMode: event.resultToken === 'TESTMODE',
          });
        }
      }
      scenario.verify?.(name, event, result, aws);
    });
  });
}
