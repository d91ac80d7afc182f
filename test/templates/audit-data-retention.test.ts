/**
 * Audit data outlives the stack: deleting it (sam delete, an account leaving the StackSet's OUs, a
 * region dropped from it) or an update that replaces a resource must leave session logs and the
 * keys that decrypt them in place. And a later deployment with the same DeploymentName must not
 * trip over what was kept: every kept resource with a fixed name has a parameter that stops the
 * stack from creating it again.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTemplate, type TemplateResource } from '../../scripts/template';

const template = readTemplate(join(import.meta.dirname, '../../template.yaml'));
type Resource = TemplateResource & { DeletionPolicy?: string; UpdateReplacePolicy?: string };
const resources = template.Resources as Record<string, Resource>;

const kept = (r: Resource) => r.DeletionPolicy === 'Retain' && r.UpdateReplacePolicy === 'Retain';

/** The log groups the functions write their own logs to; everything else holds session logs. */
const functionLogGroups = new Set(
  Object.values(resources).flatMap((r) => {
    const logGroup = (r.Properties?.LoggingConfig as { LogGroup?: { Ref: string } } | undefined)?.LogGroup?.Ref;
    return logGroup ? [logGroup] : [];
  }),
);

/** Properties that give a resource a fixed name, so a second one with that name cannot be created. */
const NAME_PROPERTIES: Record<string, string> = {
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
};
const hasFixedName = (r: Resource) =>
  NAME_PROPERTIES[r.Type] !== undefined && NAME_PROPERTIES[r.Type]! in (r.Properties ?? {});

/** CloudFormation's condition functions over parameter values: enough for this template's Conditions. */
function conditionHolds(name: string, parameters: Record<string, string>): boolean {
  const value = (node: unknown): unknown => {
    if (typeof node === 'string') return node;
    const [fn, arg] = Object.entries(node as Record<string, unknown>)[0]!;
    const args = arg as unknown[];
    switch (fn) {
      case 'Ref': {
        const parameter = template.Parameters?.[arg as string];
        if (arg === 'AWS::Region') return parameters['AWS::Region'] ?? 'us-east-1';
        if (!parameter) throw new Error(`Ref ${String(arg)} is not a parameter`);
        return parameters[arg as string] ?? String(parameter.Default);
      }
      case 'Condition':
        return conditionHolds(arg as string, parameters);
      case 'Fn::Equals':
        return value(args[0]) === value(args[1]);
      case 'Fn::Not':
        return !value(args[0]);
      case 'Fn::And':
        return args.every((a) => value(a) === true);
      case 'Fn::Or':
        return args.some((a) => value(a) === true);
      default:
        throw new Error(`condition function ${fn} is not understood by this test`);
    }
  };
  return value(template.Conditions?.[name]) === true;
}
const created = (id: string, parameters: Record<string, string>) => {
  const condition = resources[id]!.Condition;
  return condition === undefined || conditionHolds(condition, parameters);
};

/** Every optional part on, as a deployment that keeps the most data would run. */
const EVERYTHING_ON = { EncryptSessions: 'true', CloudWatchSessionLogging: 'true', S3SessionLogging: 'true' };
/** The same deployment again, over what the first one kept. */
const OVER_KEPT = {
  ...EVERYTHING_ON,
  ExistingSessionDataKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  SessionLogGroupExists: 'true',
  ExistingAuditBucketName: 'session-guard-audit-111122223333-us-east-1',
};

describe('audit data on stack deletion and replacement', () => {
  it('keeps every KMS key, bucket and session log group', () => {
    const holdsAuditData = Object.entries(resources).filter(
      ([id, r]) =>
        r.Type === 'AWS::KMS::Key' ||
        r.Type === 'AWS::S3::Bucket' ||
        (r.Type === 'AWS::Logs::LogGroup' && !functionLogGroups.has(id)),
    );
    expect(holdsAuditData.map(([id]) => id).sort()).toEqual([
      'AuditBucket',
      'SessionDataKey',
      'SessionLogGroup',
      'SessionLogsKey',
    ]);
    expect(holdsAuditData.filter(([, r]) => !kept(r)).map(([id]) => id)).toEqual([]);
  });

  it('creates all of them when every optional part is on', () => {
    for (const id of ['AuditBucket', 'SessionDataKey', 'SessionLogGroup', 'SessionLogsKey'])
      expect(created(id, EVERYTHING_ON), id).toBe(true);
  });

  it('lets a redeployment with the same DeploymentName skip every kept resource with a fixed name', () => {
    const keptWithFixedName = Object.entries(resources)
      .filter(([, r]) => kept(r) && hasFixedName(r))
      .map(([id]) => id);
    expect(keptWithFixedName.sort()).toEqual(['AuditBucket', 'SessionLogGroup']);
    expect(keptWithFixedName.filter((id) => created(id, OVER_KEPT))).toEqual([]);
  });

  it('deletes the fixed-name resources it does not keep, so a redeployment can create them again', () => {
    const fixedNames = Object.entries(resources).filter(([, r]) => hasFixedName(r) && !kept(r));
    expect(
      fixedNames.filter(([, r]) => r.DeletionPolicy !== undefined && r.DeletionPolicy !== 'Delete').map(([id]) => id),
    ).toEqual([]);
    // The aliases point the instance policy's grant at the key in use, kept or new.
    expect(created('SessionDataKeyAlias', OVER_KEPT)).toBe(true);
    expect(resources.SessionDataKeyAlias!.Properties!.TargetKeyId).toEqual({
      'Fn::If': ['UseExistingSessionDataKey', { Ref: 'ExistingSessionDataKeyArn' }, { Ref: 'SessionDataKey' }],
    });
  });

  it('encrypts and logs with the kept key and log group when deployed over them', () => {
    expect(created('SessionDataKey', OVER_KEPT)).toBe(false);
    expect(created('SessionLogsKey', OVER_KEPT)).toBe(false);
    const preferences = resources.SessionPreferences!.Properties!;
    expect(preferences.CloudWatchLogGroupName).toEqual({
      'Fn::If': [
        'CreateSessionLogGroup',
        { Ref: 'SessionLogGroup' },
        { 'Fn::If': ['CloudWatchLoggingOn', { 'Fn::Sub': '/${DeploymentName}/sessions' }, ''] },
      ],
    });
    expect(conditionHolds('EncryptSessionLogs', OVER_KEPT)).toBe(true);
  });
});
