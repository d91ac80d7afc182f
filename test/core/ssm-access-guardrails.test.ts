import { describe, expect, it } from 'vitest';
import {
  accountHome,
  type AccountHome,
  evaluateSsmAccess,
  needsTagsToDecide,
  NO_EXEMPTIONS,
  SubjectArnError,
} from '../../functions/shared/core/ssm-access-guardrails';
import { PolicyDocumentError } from '../../functions/shared/core/policy-document';
import type { PolicySubject } from '../../functions/shared/core/policy-subject';
import { findBroadGrants } from '../support/broad-grants';
import { urlEncoded } from '../support/iam-documents';

const HOME: AccountHome = { partition: 'aws', accountId: '111122223333' };
const policy = (...statements: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement: statements });
const allow = (extra: Record<string, unknown>) => ({ Effect: 'Allow', Resource: '*', ...extra });
/** IAM-SSM-1 and IAM-SSM-2 findings of one document; SG-SSM-3 and SG-SSM-4 have their own cases below. */
const grants = (document: unknown, home = HOME) =>
  findBroadGrants(document, home)
    .filter((g) => g.guardrail.id.startsWith('IAM-SSM-'))
    .map((g) => `${g.guardrail.id}@${g.statement}`);

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

describe('findBroadGrants: managed nodes the policy does not name', () => {
  const sendOn = (resource: unknown) => grants(policy(allow({ Action: 'ssm:SendCommand', Resource: resource })));

  it.each([
    ['*'],
    ['arn:aws:ec2:*:*:instance/*'],
    ['arn:*:ec2:*:*:instance/*'],
    ['arn:aws:ec2:*:111122223333:instance/*'],
    ['arn:aws:ec2:*'],
    ['arn:aws:ec2:?*:*:instance/*'],
    // One region, an ID prefix, a pattern inside the ID: each reaches nodes nobody listed.
    ['arn:aws:ec2:us-east-1:111122223333:instance/*'],
    ['arn:aws:ec2:*:*:instance/i-0*'],
    ['arn:aws:ec2:eu-west-1:*:instance/*a*'],
    // Hybrid nodes are managed nodes too.
    ['arn:aws:ssm:*:*:managed-instance/*'],
    ['arn:aws:ssm:us-east-1:111122223333:managed-instance/mi-*'],
  ])('%s reaches unnamed nodes', (resource) => {
    expect(sendOn(resource)).toEqual(['IAM-SSM-1@#0']);
  });

  it.each([
    [
      'listed instances',
      [
        'arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0',
        'arn:aws:ec2:*:111122223333:instance/i-0fedcba9',
      ],
    ],
    ['a listed hybrid node', ['arn:aws:ssm:us-east-1:111122223333:managed-instance/mi-0123456789abcdef0']],
    ['another account', ['arn:aws:ec2:*:999999999999:instance/*']],
    ['another partition', ['arn:aws-cn:ec2:*:*:instance/*']],
    ['documents only', ['arn:aws:ssm:*:*:document/*']],
    ['a region no partition has', ['arn:aws:ec2:mars-north-1:*:instance/*']],
    ['IDs no instance can have', ['arn:aws:ec2:*:*:instance/i-z*', 'arn:aws:ec2:*:*:instance/*Z*']],
  ])('%s is not broad', (_, resources) => {
    expect(sendOn([...resources, 'arn:aws:ssm:*:*:document/AWS-RunShellScript'])).toEqual([]);
  });

  it('hundreds of listed instances in every region are not broad; one pattern beside them is', () => {
    const listed = Array.from(
      { length: 200 },
      (_, i) => `arn:aws:ec2:*:111122223333:instance/i-${i.toString(16).padStart(17, '0')}`,
    );
    expect(sendOn(listed)).toEqual([]);
    expect(sendOn([...listed, 'arn:aws:ec2:*:111122223333:instance/i-0*'])).toEqual(['IAM-SSM-1@#0']);
  });

  it("uses the partition and account the subject lives in, and only that partition's regions", () => {
    const china = { partition: 'aws-cn', accountId: '444455556666' };
    expect(
      grants(
        policy(allow({ Action: 'ssm:StartSession', Resource: 'arn:aws-cn:ec2:*:444455556666:instance/*' })),
        china,
      ),
    ).toEqual(['IAM-SSM-2@#0']);
    // In the aws partition there is no cn-* region: excluding them excludes nothing.
    const notChina = policy({
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      NotResource: 'arn:aws:ec2:cn-*:*:instance/*',
    });
    expect(grants(notChina)).toEqual(['IAM-SSM-2@#0']);
  });

  it('unions statements: an Allow on instance/* in one region with an Allow on everything else', () => {
    const split = policy(
      { Effect: 'Allow', Action: 'ssm:StartSession', Resource: 'arn:aws:ec2:us-east-1:111122223333:instance/*' },
      { Effect: 'Allow', Action: 'ssm:StartSession', NotResource: 'arn:aws:ec2:us-east-1:111122223333:instance/*' },
    );
    expect(grants(split)).toEqual(['IAM-SSM-2@#1']);
  });

  it('counts a NotResource that leaves nodes in, and not one that takes them all out', () => {
    const withNotResource = (notResource: unknown) =>
      grants(policy({ Effect: 'Allow', Action: 'ssm:SendCommand', NotResource: notResource }));
    expect(withNotResource('arn:aws:ssm:*:*:document/*')).toEqual(['IAM-SSM-1@#0']);
    expect(withNotResource('arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef1')).toEqual([
      'IAM-SSM-1@#0',
    ]);
    // Every EC2 instance is out, hybrid nodes are still in.
    expect(withNotResource('arn:aws:ec2:*:*:instance/*')).toEqual(['IAM-SSM-1@#0']);
    expect(withNotResource(['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:*:*:managed-instance/*'])).toEqual([]);
    expect(withNotResource('*')).toEqual([]);
  });
});

describe('findBroadGrants: policy variables in resources take their value from the request', () => {
  const node = (id: string) => [`arn:aws:ec2:*:*:instance/${id}`, `arn:aws:ssm:*:*:managed-instance/${id}`];

  it.each([['${aws:username}'], ['${aws:PrincipalTag/node}'], ["i-${aws:userid, 'none'}"]])(
    'an Allow on %s reaches nodes no policy names',
    (id) => {
      expect(grants(policy(allow({ Action: 'ssm:SendCommand', Resource: node(id) })))).toEqual(['IAM-SSM-1@#0']);
    },
  );

  it('names no node with ${*}, ${?} or ${$}: they stand for the characters themselves', () => {
    expect(
      grants(policy(allow({ Action: 'ssm:SendCommand', Resource: [...node('${*}'), ...node('i-${?}${$}')] }))),
    ).toEqual([]);
  });

  it('a Deny on a variable does not certainly apply, so it cancels nothing', () => {
    const denyOwn = { Effect: 'Deny', Action: 'ssm:SendCommand', Resource: node('${aws:username}*') };
    expect(grants(policy(allow({ Action: 'ssm:SendCommand' }), denyOwn))).toEqual(['IAM-SSM-1@#0']);
  });

  it('an Allow whose NotResource is a variable does not certainly leave any node out', () => {
    const notOwn = { Effect: 'Allow', Action: 'ssm:SendCommand', NotResource: node('*${aws:username}*') };
    expect(grants(policy(notOwn))).toEqual(['IAM-SSM-1@#0']);
  });
});

describe('findBroadGrants: statements IAM would not accept are reported, never read as granting nothing', () => {
  it.each([
    [
      'no Resource nor NotResource',
      { Effect: 'Allow', Action: 'ssm:StartSession' },
      /neither Resource nor NotResource/,
    ],
    ['no Action nor NotAction', { Effect: 'Allow', Resource: '*' }, /neither Action nor NotAction/],
    [
      'a misspelt operator',
      allow({ Action: 'ssm:StartSession', Condition: { StringEqualz: { 'ssm:resourceTag/Team': 'ops' } } }),
      /StringEqualz/,
    ],
    [
      'NullIfExists',
      allow({ Action: 'ssm:StartSession', Condition: { NullIfExists: { 'ssm:resourceTag/Team': 'true' } } }),
      /NullIfExists/,
    ],
  ])('%s', (_, statement, message) => {
    expect(() => findBroadGrants(policy(statement), HOME)).toThrow(message);
  });

  it('accepts every operator IAM defines, qualified and with IfExists', () => {
    const condition = {
      'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': 'team' },
      'ForAllValues:StringNotLike': { 'aws:TagKeys': 'x*' },
      NumericLessThanEqualsIfExists: { 'aws:MultiFactorAuthAge': '3600' },
      DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' },
      ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ops-*' },
      BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' },
      NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' },
      BinaryEquals: { 'aws:SourceVpce': 'QmluYXJ5' },
      Null: { 'aws:TokenIssueTime': 'false' },
    };
    expect(grants(policy(allow({ Action: 'ssm:StartSession', Condition: condition })))).toEqual(['IAM-SSM-2@#0']);
  });
});

describe('findBroadGrants: conditions, judged by what they let through', () => {
  const withCondition = (condition: unknown) =>
    grants(policy(allow({ Action: 'ssm:StartSession', Condition: condition })));

  it.each([
    ['ssm:resourceTag with a named value', { StringEquals: { 'ssm:resourceTag/Team': 'ops' } }],
    ['aws:ResourceTag with a prefix', { StringLike: { 'aws:ResourceTag/Env': 'dev-*' } }],
    ['ec2:ResourceTag with named values', { StringEquals: { 'ec2:ResourceTag/Env': ['dev', 'test'] } }],
    ['upper-case keys', { StringEquals: { 'SSM:RESOURCETAG/Team': 'ops' } }],
    ['ForAnyValue', { 'ForAnyValue:StringEquals': { 'aws:ResourceTag/Env': 'dev' } }],
    ['StringEquals "*", which IAM compares literally', { StringEquals: { 'ssm:resourceTag/Team': '*' } }],
    ['StringEquals "", which only an empty tag value meets', { StringEquals: { 'aws:ResourceTag/Team': '' } }],
    ['a policy variable', { StringEquals: { 'ssm:resourceTag/Owner': '${aws:username}' } }],
    [
      'IfExists together with a Null check that requires the tag',
      { StringEqualsIfExists: { 'ssm:resourceTag/Team': 'ops' }, Null: { 'ssm:resourceTag/Team': 'false' } },
    ],
  ])('%s limits the grant', (_, condition) => {
    expect(withCondition(condition)).toEqual([]);
  });

  it.each([
    [
      'a condition on the request',
      { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      'aws:MultiFactorAuthPresent depends on the request',
    ],
    [
      'a principal tag',
      { StringEquals: { 'aws:PrincipalTag/Team': 'ops' } },
      'aws:PrincipalTag/Team depends on the request',
    ],
    ['IfExists', { StringEqualsIfExists: { 'ssm:resourceTag/Team': 'ops' } }, 'passes a resource without the tag'],
    [
      'a negated operator',
      { StringNotEquals: { 'ssm:resourceTag/Team': 'prod' } },
      'passes any value it does not name',
    ],
    ['Null', { Null: { 'ssm:resourceTag/Team': 'false' } }, 'only tests whether the tag is there'],
    ['StringLike "*"', { StringLike: { 'aws:ResourceTag/Team': '*' } }, "StringLike '*' matches any value"],
    ['StringLike "?*"', { StringLike: { 'aws:ResourceTag/Team': '?*' } }, "StringLike '?*' matches any value"],
    [
      'StringLike with "*" among named values',
      { StringLike: { 'aws:ResourceTag/Team': ['ops', '*'] } },
      "StringLike '*' matches any value",
    ],
    ['ForAllValues', { 'ForAllValues:StringEquals': { 'aws:ResourceTag/Team': 'ops' } }, 'ForAllValues on no values'],
  ])('%s does not limit the grant, and the finding says why', (_, condition, why) => {
    const [found] = findBroadGrants(
      policy(allow({ Action: 'ssm:StartSession', Resource: 'arn:aws:ec2:*:*:instance/*', Condition: condition })),
      HOME,
    );
    expect(found).toMatchObject({ statement: '#0', why: expect.stringContaining(why) });
  });
});

describe('findBroadGrants: Deny', () => {
  const allowAll = allow({ Sid: 'All', Action: 'ssm:*' });

  it('an unconditional Deny on every node cancels the grant', () => {
    const denyEverywhere = {
      Effect: 'Deny',
      Action: 'ssm:SendCommand',
      Resource: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:*:*:managed-instance/*'],
    };
    expect(grants(policy(allowAll, denyEverywhere))).toEqual(['IAM-SSM-2@All']);
  });

  it('a conditional Deny does not, nor one on some nodes', () => {
    const conditional = {
      Effect: 'Deny',
      Action: 'ssm:SendCommand',
      Resource: '*',
      Condition: { StringNotEquals: { 'ssm:resourceTag/Team': 'ops' } },
    };
    expect(grants(policy(allowAll, conditional))).toEqual(['IAM-SSM-1@All', 'IAM-SSM-2@All']);
    const oneRegion = { Effect: 'Deny', Action: 'ssm:*', Resource: 'arn:aws:ec2:us-east-1:*:instance/*' };
    expect(grants(policy(allowAll, oneRegion))).toEqual(['IAM-SSM-1@All', 'IAM-SSM-2@All']);
    const instancesOnly = { Effect: 'Deny', Action: 'ssm:*', Resource: 'arn:aws:ec2:*:*:instance/*' };
    expect(grants(policy(allowAll, instancesOnly))).toEqual(['IAM-SSM-1@All', 'IAM-SSM-2@All']);
  });

  it('a Deny of the prefix an Allow names cancels it, and one of a narrower prefix does not', () => {
    const allowPrefix = {
      Sid: 'Prefix',
      Effect: 'Allow',
      Action: 'ssm:SendCommand',
      Resource: 'arn:aws:ec2:*:*:instance/i-0*',
    };
    expect(
      grants(
        policy(allowPrefix, { Effect: 'Deny', Action: 'ssm:SendCommand', Resource: 'arn:aws:ec2:*:*:instance/i-0*' }),
      ),
    ).toEqual([]);
    expect(
      grants(
        policy(allowPrefix, { Effect: 'Deny', Action: 'ssm:SendCommand', Resource: 'arn:aws:ec2:*:*:instance/i-00*' }),
      ),
    ).toEqual(['IAM-SSM-1@Prefix']);
  });

  it('a Deny that covers every ID but a few leaves those few reachable', () => {
    // Every i-0 instance whose ID holds a character other than 'e' after the prefix is denied: i-0eeee... is not.
    const allowPrefix = {
      Sid: 'Prefix',
      Effect: 'Allow',
      Action: 'ssm:SendCommand',
      Resource: 'arn:aws:ec2:*:*:instance/i-0*',
    };
    const denyMost = {
      Effect: 'Deny',
      Action: 'ssm:SendCommand',
      Resource: [...'0123456789abcdf'].map((c) => `arn:aws:ec2:*:*:instance/i-0*${c}*`),
    };
    expect(grants(policy(allowPrefix, denyMost))).toEqual(['IAM-SSM-1@Prefix']);
    const denyE = { ...denyMost, Resource: [...denyMost.Resource, 'arn:aws:ec2:*:*:instance/i-0*e*'] };
    expect(grants(policy(allowPrefix, denyE))).toEqual([]);
  });

  it('a Deny with a NotAction that leaves the action in cancels it', () => {
    expect(grants(policy(allowAll, { Effect: 'Deny', NotAction: 'ssm:Describe*', Resource: '*' }))).toEqual([]);
  });

  it('reads resource ARNs case-sensitively before letting a Deny cancel a grant, as IAM does', () => {
    const miscased = { Effect: 'Deny', Action: 'ssm:*', Resource: 'ARN:AWS:*' };
    expect(grants(policy(allowAll, miscased))).toEqual(['IAM-SSM-1@All', 'IAM-SSM-2@All']);
    const notResource = {
      Effect: 'Deny',
      Action: 'ssm:*',
      NotResource: ['arn:aws:ec2:*:*:INSTANCE/*', 'arn:aws:ssm:*:*:MANAGED-INSTANCE/*'],
    };
    expect(grants(policy(allowAll, notResource))).toEqual(['IAM-SSM-1@All', 'IAM-SSM-2@All']);
    expect(grants(policy(allowAll, { ...notResource, NotResource: 'arn:aws:ec2:*:*:volume/*' }))).toEqual([]);
  });

  it('reads an Allow widely: a mis-cased ARN may still be meant for every instance', () => {
    expect(
      grants(policy(allow({ Sid: 'Shell', Action: 'ssm:StartSession', Resource: 'ARN:AWS:EC2:*:*:INSTANCE/*' }))),
    ).toEqual(['IAM-SSM-2@Shell']);
  });

  it('throws a PolicyDocumentError on an unreadable document rather than passing it', () => {
    expect(() => findBroadGrants('%7Bnot-json', HOME)).toThrow(PolicyDocumentError);
  });
});

describe('evaluateSsmAccess: a subject and every policy in force for it', () => {
  const subject = (documents: PolicySubject['documents'], extra: Partial<PolicySubject> = {}): PolicySubject => ({
    kind: 'User',
    name: 'alice',
    arn: 'arn:aws:iam::111122223333:user/alice',
    documents,
    tags: {},
    ...extra,
  });
  const exemptions = NO_EXEMPTIONS;
  const doc = (name: string, ...statements: Record<string, unknown>[]) => ({
    name,
    document: urlEncoded(policy(...statements)),
  });
  const ssmFull = doc(
    'AWS managed policy AmazonSSMFullAccess',
    allow({ Action: ['logs:*', 'ssm:*', 'ec2messages:*'] }),
  );
  const noShellsOrControls = ['ssm:SendCommand', 'ssm:StartSession', 'ssm:*Document*', 'ssm:*ServiceSetting'];
  const narrow = doc('inline policy read', allow({ Action: 'ssm:Describe*' }));

  it('is COMPLIANT when nothing grants, including when there are no policies', () => {
    expect(evaluateSsmAccess(subject([narrow]), exemptions).compliance).toBe('COMPLIANT');
    expect(evaluateSsmAccess(subject([]), exemptions).compliance).toBe('COMPLIANT');
  });

  it('names the AWS managed policy and statement that grant, both guardrails in one place', () => {
    const verdict = evaluateSsmAccess(
      subject([narrow, { ...ssmFull, name: 'group ops: AWS managed policy AmazonSSMFullAccess' }]),
      exemptions,
    );
    expect(verdict).toEqual({
      compliance: 'NON_COMPLIANT',
      annotation:
        'User alice allows IAM-SSM-1, IAM-SSM-2, SG-SSM-3, SG-SSM-4 through group ops: AWS managed policy AmazonSSMFullAccess, statement #0 (ssm:SendCommand and ssm:StartSession on nodes it does not name; ssm:StartSession with AWS-StartSSHSession; ssm:CreateDocument on SSM-SessionManagerRunShell). Name the nodes, or require named values of an ssm:resourceTag.',
    });
  });

  it('unions policies: a Deny in one policy cancels an Allow in another', () => {
    const denyAll = doc('inline policy no-shells', { Effect: 'Deny', Action: noShellsOrControls, Resource: '*' });
    expect(evaluateSsmAccess(subject([ssmFull, denyAll]), exemptions).compliance).toBe('COMPLIANT');
  });

  it('intersects with the permissions boundary', () => {
    const boundaryWithoutSsm = doc('permissions boundary policy no-ssm v1', allow({ NotAction: 'ssm:*' }));
    const boundaryDenying = doc('permissions boundary policy deny-shells v1', allow({ Action: '*' }), {
      Effect: 'Deny',
      Action: noShellsOrControls,
      Resource: '*',
    });
    const boundaryOnTags = doc(
      'permissions boundary policy tagged v1',
      allow({ Action: 'ssm:*', Condition: { StringEquals: { 'ssm:resourceTag/Team': 'ops' } } }),
    );
    const boundaryOneRegion = doc(
      'permissions boundary policy eu v1',
      allow({ Action: 'ssm:*', Resource: 'arn:aws:ec2:eu-west-1:111122223333:instance/*' }),
    );
    expect(evaluateSsmAccess(subject([ssmFull], { boundary: boundaryWithoutSsm }), exemptions).compliance).toBe(
      'COMPLIANT',
    );
    expect(evaluateSsmAccess(subject([ssmFull], { boundary: boundaryDenying }), exemptions).compliance).toBe(
      'COMPLIANT',
    );
    // Nodes it does not name carry no tag values it names: no IAM-SSM finding. (A node or document
    // tagged Team=ops is still reachable, so SG-SSM-3 and SG-SSM-4 stand.)
    expect(evaluateSsmAccess(subject([ssmFull], { boundary: boundaryOnTags }), exemptions).annotation).toMatch(
      /^User alice allows SG-SSM-3, SG-SSM-4 through/,
    );
    // The boundary leaves one region's instances in, and the identity policies reach them.
    expect(evaluateSsmAccess(subject([ssmFull], { boundary: boundaryOneRegion }), exemptions).compliance).toBe(
      'NON_COMPLIANT',
    );
  });

  it('needs one node both the identity policies and the boundary allow, and finds it where their patterns meet', () => {
    const prefix = doc(
      'inline policy prefix',
      allow({ Action: 'ssm:StartSession', Resource: 'arn:aws:ec2:*:111122223333:instance/i-0*' }),
    );
    const endsInA = doc(
      'permissions boundary policy suffix v1',
      allow({ Action: 'ssm:*', Resource: 'arn:aws:ec2:*:*:instance/*a' }),
    );
    // i-0...a is in both, though neither pattern's own example need be.
    expect(evaluateSsmAccess(subject([prefix], { boundary: endsInA }), exemptions).annotation).toMatch(
      /^User alice allows IAM-SSM-2 through inline policy prefix, statement #0/,
    );
    const otherPrefix = doc(
      'permissions boundary policy other v1',
      allow({ Action: 'ssm:*', Resource: 'arn:aws:ec2:*:*:instance/i-1*' }),
    );
    expect(evaluateSsmAccess(subject([prefix], { boundary: otherPrefix }), exemptions).compliance).toBe('COMPLIANT');
    const namedOnly = doc(
      'permissions boundary policy named v1',
      allow({ Action: 'ssm:*', Resource: 'arn:aws:ec2:*:*:instance/i-0123456789abcdef0' }),
    );
    expect(evaluateSsmAccess(subject([prefix], { boundary: namedOnly }), exemptions).compliance).toBe('COMPLIANT');
  });

  it('keeps a long finding whole, what is wrong first (Config gets it clipped when it is sent)', () => {
    const many = Array.from({ length: 6 }, (_, i) =>
      doc(`inline policy number-${i}`, allow({ Action: i % 2 ? 'ssm:SendCommand' : 'ssm:StartSession' })),
    );
    const broken = Array.from({ length: 6 }, (_, i) => ({ name: `inline policy broken-${i}`, document: '%7Bnope' }));
    const verdict = evaluateSsmAccess(subject([...many, ...broken]), exemptions);
    expect(verdict.annotation.length).toBeGreaterThan(256);
    expect(verdict.annotation).toContain('inline policy broken-5');
    expect(
      verdict.annotation.startsWith(
        'User alice allows IAM-SSM-1 through inline policy number-1, statement #0 (ssm:SendCommand on nodes it does not name); IAM-SSM-2',
      ),
    ).toBe(true);
  });

  it('is NON_COMPLIANT when a document, or a managed policy it refers to, cannot be read', () => {
    const noResource = doc('inline policy sloppy', { Effect: 'Allow', Action: 'ssm:StartSession' });
    expect(evaluateSsmAccess(subject([noResource]), exemptions)).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining(
        'inline policy sloppy that could not be read (statement #0 has neither Resource nor NotResource)',
      ),
    });
    expect(
      evaluateSsmAccess(subject([{ name: 'inline policy broken', document: '%7Bnope' }]), exemptions),
    ).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining('inline policy broken that could not be read'),
    });
    const missingBoundary = { name: 'permissions boundary policy gone (not found in IAM)', document: null };
    expect(evaluateSsmAccess(subject([narrow], { boundary: missingBoundary }), exemptions)).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: expect.stringContaining('permissions boundary policy gone (not found in IAM) that could not be read'),
    });
  });

  it('exempts break-glass subjects by tag (case-insensitive value) or by ARN, saying what it found', () => {
    expect(
      evaluateSsmAccess(subject([ssmFull], { tags: { SessionGuardBreakGlass: 'TRUE' } }), exemptions),
    ).toMatchObject({
      compliance: 'NOT_APPLICABLE',
      annotation: expect.stringMatching(
        /^User alice is break-glass \(tag SessionGuardBreakGlass=true\); it allows IAM-SSM-1, IAM-SSM-2, SG-SSM-3, SG-SSM-4 through/,
      ),
    });
    const byArn = { ...exemptions, breakGlassArns: ['arn:aws:iam::111122223333:user/alice'] };
    expect(evaluateSsmAccess(subject([ssmFull]), byArn).compliance).toBe('NOT_APPLICABLE');
    expect(
      evaluateSsmAccess(subject([ssmFull], { tags: { SessionGuardBreakGlass: 'false' } }), exemptions).compliance,
    ).toBe('NON_COMPLIANT');
  });

  it('asks for tags only when they could change the verdict', () => {
    expect(needsTagsToDecide(subject([ssmFull], { tags: undefined }), exemptions)).toBe(true);
    expect(needsTagsToDecide(subject([narrow], { tags: undefined }), exemptions)).toBe(false);
    expect(needsTagsToDecide(subject([ssmFull], { tags: {} }), exemptions)).toBe(false);
  });
});

describe('accountHome', () => {
  it('reads partition and account from IAM ARNs', () => {
    expect(accountHome('arn:aws-us-gov:iam::111122223333:policy/path/p')).toEqual({
      partition: 'aws-us-gov',
      accountId: '111122223333',
    });
    expect(() => accountHome('arn:aws:iam::aws:policy/AdministratorAccess')).toThrow(SubjectArnError);
  });
});

describe('SG-SSM-3: sessions with other session documents', () => {
  const found = (document: unknown, exemptions = NO_EXEMPTIONS) =>
    findBroadGrants(document, HOME, exemptions)
      .filter((g) => g.guardrail.id === 'SG-SSM-3')
      .map((g) => g.what);
  const onTaggedInstances = {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: 'arn:aws:ec2:*:111122223333:instance/*',
    Condition: { StringEquals: { 'ssm:resourceTag/Team': 'ops' } },
  };

  it('fails StartSession on tagged instances with documents on "*", naming AWS\'s SSH document first', () => {
    expect(
      found(
        policy(onTaggedInstances, {
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: 'arn:aws:ssm:*:*:document/*',
        }),
      ),
    ).toEqual(['ssm:StartSession with AWS-StartSSHSession']);
  });

  it('passes the same grant limited to the preferences document', () => {
    const preferencesOnly = {
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: 'arn:aws:ssm:*:111122223333:document/SSM-SessionManagerRunShell',
    };
    expect(found(policy(onTaggedInstances, preferencesOnly))).toEqual([]);
  });

  it("probes each of AWS's session documents, and a document of the account's own the policy does not name", () => {
    const on = (resource: string) =>
      found(policy(onTaggedInstances, { Effect: 'Allow', Action: 'ssm:StartSession', Resource: resource }));
    expect(on('arn:aws:ssm:*::document/AWS-StartPortForwardingSessionToRemoteHost')).toEqual([
      'ssm:StartSession with AWS-StartPortForwardingSessionToRemoteHost',
    ]);
    expect(on('arn:aws:ssm:us-east-1::document/AWS-StartNonInteractiveCommand')).toEqual([
      'ssm:StartSession with AWS-StartNonInteractiveCommand',
    ]);
    expect(on('arn:aws:ssm:eu-west-1:111122223333:document/Team-*')[0]).toMatch(/^ssm:StartSession with Team-/i);
    // A document of its own the policy names is not "one it does not name"; the preferences' rule checks it.
    expect(on('arn:aws:ssm:eu-west-1:111122223333:document/TeamShell')).toEqual([]);
  });

  it('needs some node to start a session on, listed ones included', () => {
    const documentsOnly = { Effect: 'Allow', Action: 'ssm:StartSession', Resource: 'arn:aws:ssm:*:*:document/*' };
    expect(found(policy(documentsOnly))).toEqual([]);
    const oneInstance = {
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0',
    };
    expect(found(policy(documentsOnly, oneInstance))).toEqual(['ssm:StartSession with AWS-StartSSHSession']);
  });

  it('accepts the documents the rule allows, by name or by ARN in one region', () => {
    const portForwarding = {
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: 'arn:aws:ssm:*::document/AWS-StartPortForwardingSession',
    };
    const doc = policy(onTaggedInstances, portForwarding);
    expect(found(doc, { ...NO_EXEMPTIONS, allowedSessionDocuments: ['AWS-StartPortForwardingSession'] })).toEqual([]);
    expect(
      found(doc, {
        ...NO_EXEMPTIONS,
        allowedSessionDocuments: ['arn:aws:ssm:us-east-1::document/AWS-StartPortForwardingSession'],
      }),
    ).toEqual(['ssm:StartSession with AWS-StartPortForwardingSession']);
  });

  it('reads ssm:SessionDocumentAccessCheck as AWS documents it: it limits no document', () => {
    const checked = {
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: '*',
      Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
    };
    const [grant] = findBroadGrants(policy(checked), HOME).filter((g) => g.guardrail.id === 'SG-SSM-3');
    expect(grant?.why).toContain('ssm:SessionDocumentAccessCheck only enforces the check on the default document');
  });
});

describe('SG-SSM-4: changes to the session controls', () => {
  const found = (statement: Record<string, unknown>, exemptions = NO_EXEMPTIONS) =>
    findBroadGrants(policy(statement), HOME, exemptions)
      .filter((g) => g.guardrail.id === 'SG-SSM-4')
      .map((g) => g.what);

  it('fails ssm:UpdateDocument on "*", and passes it on another named document', () => {
    expect(found({ Effect: 'Allow', Action: 'ssm:UpdateDocument', Resource: '*' })).toEqual([
      'ssm:UpdateDocument on SSM-SessionManagerRunShell',
    ]);
    expect(
      found({
        Effect: 'Allow',
        Action: 'ssm:UpdateDocument',
        Resource: 'arn:aws:ssm:*:111122223333:document/TeamShell',
      }),
    ).toEqual([]);
  });

  it('fails a grant that names the preferences document in any one region, and each action that changes it', () => {
    const named = 'arn:aws:ssm:ap-south-2:111122223333:document/SSM-SessionManagerRunShell';
    for (const action of [
      'ssm:CreateDocument',
      'ssm:UpdateDocument',
      'ssm:UpdateDocumentDefaultVersion',
      'ssm:DeleteDocument',
    ]) {
      expect(found({ Effect: 'Allow', Action: action, Resource: named })).toEqual([
        `${action} on SSM-SessionManagerRunShell`,
      ]);
    }
    expect(found({ Effect: 'Allow', Action: 'ssm:GetDocument', Resource: named })).toEqual([]);
  });

  it('fails updating or resetting the Default Host Management role setting', () => {
    const setting =
      'arn:aws:ssm:*:111122223333:servicesetting/ssm/managed-instance/default-ec2-instance-management-role';
    expect(found({ Effect: 'Allow', Action: 'ssm:UpdateServiceSetting', Resource: setting })).toEqual([
      'ssm:UpdateServiceSetting on the Default Host Management role setting',
    ]);
    expect(found({ Effect: 'Allow', Action: 'ssm:ResetServiceSetting', Resource: '*' })).toEqual([
      'ssm:ResetServiceSetting on the Default Host Management role setting',
    ]);
    expect(
      found({
        Effect: 'Allow',
        Action: 'ssm:UpdateServiceSetting',
        Resource: 'arn:aws:ssm:*:111122223333:servicesetting/ssm/parameter-store/*',
      }),
    ).toEqual([]);
  });

  it('skips the principals that manage the session controls, for SG-SSM-4 only', () => {
    const writer = {
      kind: 'Role' as const,
      name: 'prefs',
      arn: 'arn:aws:iam::111122223333:role/prefs',
      tags: {},
      documents: [
        {
          name: 'inline policy write',
          document: policy({ Effect: 'Allow', Action: 'ssm:UpdateDocument', Resource: '*' }),
        },
      ],
    };
    expect(evaluateSsmAccess(writer, NO_EXEMPTIONS).compliance).toBe('NON_COMPLIANT');
    expect(evaluateSsmAccess(writer, { ...NO_EXEMPTIONS, sessionControlManagerArns: [writer.arn] }).compliance).toBe(
      'COMPLIANT',
    );
  });
});
