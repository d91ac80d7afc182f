import { describe, expect, it } from 'vitest';
import { parsePolicyDocument, PolicyDocumentError, wildcardMatches } from '../../functions/shared/core/policy-document';
import { ec2CanAssume } from '../../functions/shared/core/trust-policy';
import { EC2_TRUST, trustFor, urlEncoded } from '../support/iam-documents';

const canAssume = (doc: unknown) => ec2CanAssume(parsePolicyDocument(doc));

describe('parsePolicyDocument', () => {
  it('reads URL-encoded text as Config delivers it, JSON text, and objects alike', () => {
    const expected = parsePolicyDocument(EC2_TRUST);
    expect(parsePolicyDocument(urlEncoded(EC2_TRUST))).toEqual(expected);
    expect(parsePolicyDocument(JSON.stringify(EC2_TRUST))).toEqual(expected);
    expect(expected.statements[0]).toMatchObject({ label: '#0', effect: 'Allow', action: ['sts:AssumeRole'] });
  });

  it('accepts a single Statement object and case-insensitive keys', () => {
    const doc = {
      version: '2012-10-17',
      statement: { sid: 'One', effect: 'allow', principal: { Service: 'ec2.amazonaws.com' }, action: 'sts:AssumeRole' },
    };
    expect(parsePolicyDocument(doc).statements).toHaveLength(1);
    expect(parsePolicyDocument(doc).statements[0]?.label).toBe('One');
  });

  it.each([
    ['text that is not JSON', '%7Bnot-json'],
    ['broken URL encoding', '%E0%A4%A'],
    ['a document with no Statement', { Version: '2012-10-17' }],
    [
      'an Effect that is neither Allow nor Deny',
      trustFor({ Service: 'ec2.amazonaws.com' }, 'sts:AssumeRole', { Effect: 'Maybe' }),
    ],
    ['a number', 42],
  ])('rejects %s with a PolicyDocumentError', (_, doc) => {
    expect(() => parsePolicyDocument(doc)).toThrow(PolicyDocumentError);
  });
});

describe('wildcardMatches', () => {
  it.each([
    ['sts:AssumeRole', 'sts:assumerole', true],
    ['sts:*', 'sts:AssumeRole', true],
    ['*', 'sts:AssumeRole', true],
    ['sts:Assume*', 'sts:AssumeRole', true],
    ['sts:Assume?ole', 'sts:AssumeRole', true],
    ['sts:AssumeRoleWith*', 'sts:AssumeRole', false],
    ['sts:*Role', 'sts:AssumeRoleWithSAML', false],
    ['s*s:*e', 'sts:AssumeRole', true],
  ])('%s against %s is %s', (pattern, value, expected) => {
    expect(wildcardMatches(pattern, value)).toBe(expected);
  });
});

describe('ec2CanAssume', () => {
  it('is true for the EC2 service principal, as a string or in a list, in any case', () => {
    expect(canAssume(urlEncoded(EC2_TRUST))).toBe(true);
    expect(
      canAssume(
        trustFor({ Service: ['ssm.amazonaws.com', 'EC2.amazonaws.com'] }, ['sts:TagSession', 'sts:AssumeRole']),
      ),
    ).toBe(true);
  });

  it('is true for the China partition principal ec2.amazonaws.com.cn', () => {
    expect(canAssume(trustFor({ Service: 'ec2.amazonaws.com.cn' }))).toBe(true);
  });

  it('is true for wildcard actions and for a NotAction that leaves sts:AssumeRole in', () => {
    expect(canAssume(trustFor({ Service: 'ec2.amazonaws.com' }, 'sts:*'))).toBe(true);
    expect(canAssume(trustFor({ Service: 'ec2.amazonaws.com' }, '*'))).toBe(true);
    const notAction = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, NotAction: 'sts:TagSession' }],
    };
    expect(canAssume(notAction)).toBe(true);
  });

  it('is false when EC2 is named only in a condition value (the seed regex fired here)', () => {
    const doc = trustFor({ AWS: 'arn:aws:iam::111122223333:root' }, 'sts:AssumeRole', {
      Condition: { StringEquals: { 'aws:PrincipalTag/launched-by': 'ec2.amazonaws.com' } },
    });
    expect(canAssume(urlEncoded(doc))).toBe(false);
  });

  it('is false for other services and for actions other than sts:AssumeRole', () => {
    expect(canAssume(trustFor({ Service: 'lambda.amazonaws.com' }))).toBe(false);
    expect(canAssume(trustFor({ Service: 'ec2.amazonaws.com' }, 'sts:AssumeRoleWithWebIdentity'))).toBe(false);
    expect(canAssume(trustFor({ Service: 'ec2.amazonaws.com.evil.example' }))).toBe(false);
  });

  it('lets an unconditional Deny for EC2 win, but not a conditional one', () => {
    const deny = (extra: Record<string, unknown>) => ({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:*', ...extra },
      ],
    });
    expect(canAssume(deny({}))).toBe(false);
    expect(canAssume(deny({ Condition: { StringNotEquals: { 'aws:SourceAccount': '111122223333' } } }))).toBe(true);
  });

  it('treats a Deny with a NotPrincipal that leaves EC2 out as a Deny for EC2', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' },
      ],
    };
    expect(canAssume(doc)).toBe(false);
  });

  it('counts the everyone principal, which includes EC2', () => {
    expect(canAssume(trustFor('*'))).toBe(true);
  });
});
