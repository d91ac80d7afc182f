/**
 * The template's promises about privilege, checked on every change: a `*` resource only for
 * actions IAM accepts nothing else for, and every service trust and Lambda permission bound to
 * this account.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTemplate } from '../../scripts/template';
import { policyDocuments } from '../support/template-policies';

const template = readTemplate(join(import.meta.dirname, '../../template.yaml'));

/** Actions with no resource-level permissions (Service Authorization Reference): '*' is the only resource. */
const WILDCARD_ONLY_ACTIONS = new Set([
  'iam:getaccountauthorizationdetails',
  'iam:listroles',
  'iam:listpolicies',
  'config:putevaluations',
  'config:getresourceconfighistory',
  'config:batchgetresourceconfig',
  'ssm:listdocuments',
  'ssmmessages:createcontrolchannel',
  'ssmmessages:createdatachannel',
  'ssmmessages:opencontrolchannel',
  'ssmmessages:opendatachannel',
  'logs:describeloggroups',
  'kms:listaliases',
  'cloudwatch:putmetricdata',
  'ssm:describeactivations',
  'ssm:describeinstanceinformation',
]);

interface FoundStatement {
  where: string;
  statement: Record<string, unknown>;
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

function statementsOf(document: unknown, where: string): FoundStatement[] {
  if (typeof document !== 'object' || document === null || !('Statement' in document)) return [];
  return asList((document as { Statement: unknown }).Statement).map((statement) => ({
    where,
    statement: statement as Record<string, unknown>,
  }));
}

/** Every identity-policy statement the template grants, conditional ones in every branch. */
const permissionStatements = (): FoundStatement[] =>
  policyDocuments(template).flatMap(({ where, document }) => statementsOf(document, where));

describe('template.yaml least privilege', () => {
  it('reads every statement, those behind !If included', () => {
    const instancePolicy = permissionStatements().filter(({ where }) => where === 'SessionManagerInstancePolicy');
    expect(instancePolicy.map(({ statement }) => statement.Sid)).toEqual(
      expect.arrayContaining(['EncryptSessionData', 'CheckSessionLogGroupEncryption', 'WriteSessionLogsToAuditBucket']),
    );
  });

  it('grants a * resource only for actions that accept nothing narrower', () => {
    const offenders = permissionStatements()
      .filter(({ statement }) => statement.Effect === 'Allow' && asList(statement.Resource).includes('*'))
      .flatMap(({ where, statement }) =>
        asList(statement.Action)
          .map(String)
          .filter((action) => !WILDCARD_ONLY_ACTIONS.has(action.toLowerCase()))
          .map((action) => `${where}: ${action} on *`),
      );
    expect(offenders).toEqual([]);
  });

  it("lets the node-role readers list this account's regions and no other account's", () => {
    const listRegions = permissionStatements().filter(({ statement }) =>
      asList(statement.Action).includes('account:ListRegions'),
    );
    expect(listRegions.map(({ where }) => where)).toEqual(['FindNodeRolesPolicy']);
    expect(listRegions[0]!.statement.Resource).toBe('arn:aws:account::123456789012:account');
  });

  it('never grants a wildcard action', () => {
    const wildcards = permissionStatements().flatMap(({ where, statement }) =>
      asList(statement.Action)
        .map(String)
        .filter((a) => a.includes('*'))
        .map((a) => `${where}: ${a}`),
    );
    expect(wildcards).toEqual([]);
  });

  it('binds every service trust to this account with aws:SourceAccount or aws:SourceArn', () => {
    const unbound = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .flatMap(([id, r]) => statementsOf(r.Properties?.AssumeRolePolicyDocument, id))
      .filter(({ statement }) => JSON.stringify(statement.Principal ?? {}).includes('Service'))
      .filter(({ statement }) => !/aws:Source(Account|Arn)/.test(JSON.stringify(statement.Condition ?? {})))
      .map(({ where }) => where);
    expect(unbound).toEqual([]);
  });

  it('binds every Lambda permission for a service to this account', () => {
    const unbound = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Permission')
      .filter(([, r]) => String(r.Properties?.Principal).endsWith('.amazonaws.com'))
      .filter(([, r]) => r.Properties?.SourceAccount === undefined && r.Properties?.SourceArn === undefined)
      .map(([id]) => id);
    expect(unbound).toEqual([]);
  });

  it('leaves no function on a SAM-generated role, which would carry AWSLambdaBasicExecutionRole', () => {
    const generated = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Serverless::Function' && r.Properties?.Role === undefined)
      .map(([id]) => id);
    expect(generated).toEqual([]);
  });
});
