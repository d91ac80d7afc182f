import { describe, expect, it } from 'vitest';
import {
  evaluateSsmAccess,
  findBroadGrants,
  needsTagsToDecide,
  type PolicyHome,
  type PolicySubject,
  policyHome,
  SubjectArnError,
} from '../../functions/shared/core/ssm-access-guardrails';
import { PolicyDocumentError } from '../../functions/shared/core/policy-document';
import { urlEncoded } from '../support/iam-documents';

const HOME: PolicyHome = { partition: 'aws', accountId: '111122223333' };
const policy = (...statements: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement: statements });
const allow = (extra: Record<string, unknown>) => ({ Effect: 'Allow', Resource: '*', ...extra });
const grants = (document: unknown, home = HOME) => findBroadGrants(document, home).map((g) => `${g.guardrail.id}@${g.statement}`);

describe('findBroadGrants: actions', () => {
  it.each([
    ['ssm:SendCommand', ['IAM-SSM-1@#0']],
    ['SSM:sendcommand', ['IAM-SSM-1@#0']],
    ['ssm:StartSession', ['IAM-SSM-2@#0']],
    ['*', ['IAM-SSM-1@#0', 'IAM-SSM-2@#0']],
    ['ssm:*', ['IAM-SSM-1@#0', 'IAM-SSM-2@#0']],
    ['ssm:Send*', ['IAM-SSM-1@#0']],
    ['ssm:*Session', ['IAM-SSM-2@#0']],
    ['ssm:Start?ession', ['IAM-SSM-2@#0']],
    ['ssm:Send?ommand', ['IAM-SSM-1@#0']],
    ['ssm:StartSessions', []],
    ['ssm:ResumeSession', []],
    ['ssm:SendAutomationSignal', []],
    ['ec2:*', []],
  ])('Action %s on * breaks %j', (action, expected) => {
    expect(grants(policy(allow({ Action: action })))).toEqual(expected);
  });

  it('reads a list of actions and URL-encoded documents as Config delivers them', () => {
    const doc = policy(allow({ Sid: 'Ops', Action: ['ssm:DescribeInstanceInformation', 'ssm:StartSession'] }));
    expect(grants(urlEncoded(doc))).toEqual(['IAM-SSM-2@Ops']);
  });

  it('counts a NotAction that does not exclude the action, and not one that does', () => {
    expect(grants(policy(allow({ NotAction: 'iam:*' })))).toEqual(['IAM-SSM-1@#0', 'IAM-SSM-2@#0']);
    expect(grants(policy(allow({ NotAction: ['ssm:Send*', 'iam:*'] })))).toEqual(['IAM-SSM-2@#0']);
    expect(grants(policy(allow({ NotAction: 'ssm:*' })))).toEqual([]);
  });
});

describe('findBroadGrants: resources', () => {
  it.each([
    ['*'],
    ['arn:aws:ec2:*:*:instance/*'],
    ['arn:*:ec2:*:*:instance/*'],
    ['arn:aws:ec2:*:111122223333:instance/*'],
    ['arn:aws:ec2:*:*:instance/i-*'],
    ['arn:aws:ec2:*:*:*'],
    ['arn:aws:ec2:*'],
    ['arn:aws:ec2:?*:*:instance/*'],
  ])('%s covers every instance', (resource) => {
    expect(grants(policy(allow({ Action: 'ssm:SendCommand', Resource: resource })))).toEqual(['IAM-SSM-1@#0']);
  });

  it.each([
    ['a single instance', 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0'],
    ['an instance ID prefix', 'arn:aws:ec2:*:*:instance/i-0*'],
    ['one region', 'arn:aws:ec2:us-east-1:*:instance/*'],
    ['another account', 'arn:aws:ec2:*:999999999999:instance/*'],
    ['another partition', 'arn:aws-cn:ec2:*:*:instance/*'],
    ['documents only', 'arn:aws:ssm:*:*:document/*'],
    ['managed instances only', 'arn:aws:ssm:*:*:managed-instance/*'],
  ])('%s is not every instance', (_, resource) => {
    expect(grants(policy(allow({ Action: 'ssm:SendCommand', Resource: [resource, 'arn:aws:ssm:*:*:document/AWS-RunShellScript'] })))).toEqual([]);
  });

  it('uses the partition and account the policy lives in', () => {
    const doc = policy(allow({ Action: 'ssm:StartSession', Resource: 'arn:aws-cn:ec2:*:444455556666:instance/*' }));
    expect(grants(doc, { partition: 'aws-cn', accountId: '444455556666' })).toEqual(['IAM-SSM-2@#0']);
  });

  it('counts a NotResource that leaves instances in, and not one that takes them all out', () => {
    const withNotResource = (notResource: unknown) => policy({ Effect: 'Allow', Action: 'ssm:SendCommand', NotResource: notResource });
    expect(grants(withNotResource('arn:aws:ssm:*:*:document/*'))).toEqual(['IAM-SSM-1@#0']);
    expect(grants(withNotResource('arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef1'))).toEqual(['IAM-SSM-1@#0']);
    expect(grants(withNotResource('arn:aws:ec2:*:*:instance/*'))).toEqual([]);
    expect(grants(withNotResource('*'))).toEqual([]);
    // Excluding one region takes away part of the account: not every instance any more.
    expect(grants(withNotResource('arn:aws:ec2:us-east-1:*:instance/*'))).toEqual([]);
  });
});

describe('findBroadGrants: conditions', () => {
  const withCondition = (condition: unknown) => policy(allow({ Action: 'ssm:StartSession', Condition: condition }));

  it.each([
    ['ssm:resourceTag', { StringEquals: { 'ssm:resourceTag/Team': 'ops' } }],
    ['aws:ResourceTag', { StringLike: { 'aws:ResourceTag/Env': 'dev-*' } }],
    ['ec2:ResourceTag', { StringEquals: { 'ec2:ResourceTag/Env': ['dev', 'test'] } }],
    ['upper-case keys', { StringEquals: { 'SSM:RESOURCETAG/Team': 'ops' } }],
    ['ForAnyValue', { 'ForAnyValue:StringEquals': { 'aws:ResourceTag/Env': 'dev' } }],
  ])('a %s condition limits the grant', (_, condition) => {
    expect(grants(withCondition(condition))).toEqual([]);
  });

  it.each([
    ['a condition on something else', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }],
    ['a principal tag', { StringEquals: { 'aws:PrincipalTag/Team': 'ops' } }],
    ['IfExists, which passes untagged instances', { StringEqualsIfExists: { 'ssm:resourceTag/Team': 'ops' } }],
    ['a negated operator, which passes untagged instances', { StringNotEquals: { 'ssm:resourceTag/Team': 'prod' } }],
    ['Null, which only tests presence', { Null: { 'ssm:resourceTag/Team': 'false' } }],
    ['StringLike on *, which matches any value', { StringLike: { 'aws:ResourceTag/Team': '*' } }],
    ['ForAllValues, which passes an empty set', { 'ForAllValues:StringEquals': { 'aws:ResourceTag/Team': 'ops' } }],
  ])('%s does not limit the grant', (_, condition) => {
    expect(grants(withCondition(condition))).toEqual(['IAM-SSM-2@#0']);
  });
});

describe('findBroadGrants: Deny in the same policy', () => {
  const allowAll = allow({ Sid: 'All', Action: 'ssm:*' });

  it('an unconditional Deny on every instance cancels the grant', () => {
    expect(grants(policy(allowAll, { Effect: 'Deny', Action: 'ssm:SendCommand', Resource: 'arn:aws:ec2:*:*:instance/*' }))).toEqual(['IAM-SSM-2@All']);
  });

  it('a conditional Deny does not, nor one on a few instances', () => {
    const conditional = { Effect: 'Deny', Action: 'ssm:SendCommand', Resource: '*', Condition: { StringNotEquals: { 'ssm:resourceTag/Team': 'ops' } } };
    expect(grants(policy(allowAll, conditional))).toEqual(['IAM-SSM-1@All', 'IAM-SSM-2@All']);
    const someInstances = { Effect: 'Deny', Action: 'ssm:*', Resource: 'arn:aws:ec2:us-east-1:*:instance/*' };
    expect(grants(policy(allowAll, someInstances))).toEqual(['IAM-SSM-1@All', 'IAM-SSM-2@All']);
  });

  it('a Deny with a NotAction that leaves the action in cancels it', () => {
    expect(grants(policy(allowAll, { Effect: 'Deny', NotAction: 'ssm:Describe*', Resource: '*' }))).toEqual([]);
  });

  it('reads resource ARNs case-sensitively before letting a Deny cancel a grant, as IAM does', () => {
    // IAM matches no instance with `INSTANCE/*`: this Deny denies nothing, so the grants stand.
    const miscased = { Effect: 'Deny', Action: 'ssm:*', Resource: 'arn:aws:ec2:*:*:INSTANCE/*' };
    expect(grants(policy(allowAll, miscased))).toEqual(['IAM-SSM-1@All', 'IAM-SSM-2@All']);
    // A mis-cased NotResource might be meant to exclude instances, so this Deny is not relied on
    // either: the finding stays, the safe side of doubt.
    const notResource = { Effect: 'Deny', Action: 'ssm:*', NotResource: 'arn:aws:ec2:*:*:INSTANCE/*' };
    expect(grants(policy(allowAll, notResource))).toEqual(['IAM-SSM-1@All', 'IAM-SSM-2@All']);
    // Written as IAM reads it, the same Deny cancels.
    expect(grants(policy(allowAll, { ...notResource, NotResource: 'arn:aws:ec2:*:*:volume/*' }))).toEqual([]);
  });

  it('reads an Allow widely: a mis-cased ARN may still be meant for every instance', () => {
    const miscasedAllow = allow({ Sid: 'Shell', Action: 'ssm:StartSession', Resource: 'ARN:AWS:EC2:*:*:INSTANCE/*' });
    expect(grants(policy(miscasedAllow))).toEqual(['IAM-SSM-2@Shell']);
  });
});

describe('findBroadGrants: unreadable documents', () => {
  it('throws a PolicyDocumentError rather than passing them', () => {
    expect(() => findBroadGrants('%7Bnot-json', HOME)).toThrow(PolicyDocumentError);
  });
});

describe('evaluateSsmAccess', () => {
  const subject = (documents: PolicySubject['documents'], extra: Partial<PolicySubject> = {}): PolicySubject => ({
    kind: 'Role',
    name: 'ops-admin',
    arn: 'arn:aws:iam::111122223333:role/ops-admin',
    documents,
    tags: {},
    ...extra,
  });
  const exemptions = { breakGlassTagKey: 'SessionGuardBreakGlass', breakGlassArns: [] as string[] };
  const broad = { name: 'inline policy ops', document: urlEncoded(policy(allow({ Sid: 'Everything', Action: '*' }))) };
  const narrow = { name: 'inline policy read', document: urlEncoded(policy(allow({ Action: 'ssm:Describe*' }))) };

  it('is COMPLIANT when no document grants broadly, including when there are none', () => {
    expect(evaluateSsmAccess(subject([narrow]), exemptions).compliance).toBe('COMPLIANT');
    expect(evaluateSsmAccess(subject([]), exemptions).compliance).toBe('COMPLIANT');
  });

  it('is NON_COMPLIANT citing guardrail, document and statement', () => {
    const verdict = evaluateSsmAccess(subject([narrow, broad]), exemptions);
    expect(verdict.compliance).toBe('NON_COMPLIANT');
    expect(verdict.annotation).toContain('Role ops-admin');
    expect(verdict.annotation).toContain('IAM-SSM-1 ssm:SendCommand (inline policy ops, statement Everything)');
    expect(verdict.annotation).toContain('IAM-SSM-2 ssm:StartSession (inline policy ops, statement Everything)');
  });

  it('keeps a long finding whole, guardrail ids first (Config gets it clipped when it is sent)', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ ...broad, name: `inline policy number-${i}` }));
    const verdict = evaluateSsmAccess(subject(many), exemptions);
    expect(verdict.annotation.length).toBeGreaterThan(256);
    expect(verdict.annotation.startsWith('Role ops-admin allows on every instance without a resource-tag condition: IAM-SSM-1')).toBe(true);
    expect(verdict.annotation).toContain('inline policy number-11');
  });

  it('is NON_COMPLIANT when a document cannot be read', () => {
    const verdict = evaluateSsmAccess(subject([{ name: 'inline policy broken', document: '%7Bnope' }]), exemptions);
    expect(verdict.compliance).toBe('NON_COMPLIANT');
    expect(verdict.annotation).toContain('inline policy broken that could not be read');
  });

  it('exempts break-glass subjects by tag (case-insensitive value) or by ARN, as NOT_APPLICABLE', () => {
    expect(evaluateSsmAccess(subject([broad], { tags: { SessionGuardBreakGlass: 'TRUE' } }), exemptions)).toMatchObject({
      compliance: 'NOT_APPLICABLE',
      annotation: expect.stringContaining('break-glass (tag SessionGuardBreakGlass=true)'),
    });
    const byArn = { ...exemptions, breakGlassArns: ['arn:aws:iam::111122223333:role/ops-admin'] };
    expect(evaluateSsmAccess(subject([broad]), byArn).compliance).toBe('NOT_APPLICABLE');
    expect(evaluateSsmAccess(subject([broad], { tags: { SessionGuardBreakGlass: 'false' } }), exemptions).compliance).toBe('NON_COMPLIANT');
  });

  it('asks for tags only when they could change the verdict', () => {
    expect(needsTagsToDecide(subject([broad], { tags: undefined }), exemptions)).toBe(true);
    expect(needsTagsToDecide(subject([narrow], { tags: undefined }), exemptions)).toBe(false);
    expect(needsTagsToDecide(subject([broad], { tags: {} }), exemptions)).toBe(false);
  });
});

describe('policyHome', () => {
  it('reads partition and account from IAM ARNs', () => {
    expect(policyHome('arn:aws-us-gov:iam::111122223333:policy/path/p')).toEqual({ partition: 'aws-us-gov', accountId: '111122223333' });
    expect(() => policyHome('arn:aws:iam::aws:policy/AdministratorAccess')).toThrow(SubjectArnError);
  });
});
