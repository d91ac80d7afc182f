/**
 * Dogfooding: the SSM access guardrail analyzer over every IAM policy document in our own
 * template. We ship a rule that fails broad SendCommand / StartSession grants; our stack must not
 * make one.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBroadGrants } from '../../functions/shared/core/ssm-access-guardrails';
import { readTemplate } from '../../scripts/template';
import { HOME, policyDocuments, resolveIntrinsics } from '../support/template-policies';

const ROOT = resolve(import.meta.dirname, '../..');
const template = readTemplate(join(ROOT, 'template.yaml'));
const documents = policyDocuments(template);

describe('our own template against the SSM access guardrails', () => {
  it('finds the policies it is meant to check', () => {
    const where = documents.map((d) => d.where);
    expect(where).toEqual(
      expect.arrayContaining([
        'SessionManagerInstancePolicy',
        'SsmAccessRuleFunctionRole.Policies[read-policies-and-report]',
        'PreferencesRuleFunctionRole.Policies[read-session-documents-and-report]',
        'AttachPolicyFunctionRole.Policies[remediate]',
      ]),
    );
  });

  it.each(documents.map((d) => [d.where, d.document] as const))('%s grants neither SendCommand nor StartSession on nodes it does not name', (_, document) => {
    expect(findBroadGrants(document, HOME)).toEqual([]);
  });

  it('would catch a broad grant written the way our template writes policies', () => {
    const broad = resolveIntrinsics(
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ssm:StartSession', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:instance/*' } }] },
      'control',
    );
    expect(findBroadGrants(broad, HOME)).toHaveLength(1);
  });
});
