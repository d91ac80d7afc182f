import { describe, expect, it } from 'vitest';
import { findWitness, type IdShape } from '../../functions/shared/core/resource-witness';

const INSTANCE: IdShape = { prefix: 'i-', alphabet: '0123456789abcdef', lengths: [17, 8] };
const BEFORE = 'arn:aws:ec2:us-east-1:111122223333:instance/';
const witness = (pattern: string | string[], named: string[] = [], caseSensitive = false, avoid: string[] = []) =>
  findWitness([pattern].flat(), BEFORE, INSTANCE, {
    caseSensitive,
    named: new Set(named),
    preference: 'f0123456789abcde',
    avoid,
  });

describe('findWitness', () => {
  it('fills wildcards with the preferred character, first at the longer ID length', () => {
    expect(witness('*')).toBe('i-fffffffffffffffff');
    expect(witness('arn:aws:ec2:*:*:instance/i-0*')).toBe('i-0ffffffffffffffff');
    expect(witness('arn:aws:ec2:us-east-1:*:instance/*a*')).toBe('i-ffffffffffffffffa');
  });

  it('finds an 8-character ID when only that length fits', () => {
    expect(witness('arn:aws:ec2:*:*:instance/i-????????')).toBe('i-ffffffff');
  });

  it('never returns a named ID, and says there is none when the pattern names only that one', () => {
    expect(witness(`${BEFORE}i-0123456789abcdef0`, ['i-0123456789abcdef0'])).toBeUndefined();
    expect(witness(`${BEFORE}i-0123456789abcdef?`, ['i-0123456789abcdeff'])).toBe('i-0123456789abcdef0');
  });

  it('finds nothing where no ID of the shape fits: other regions, kinds, characters', () => {
    expect(witness('arn:aws:ec2:eu-west-1:*:instance/*')).toBeUndefined();
    expect(witness('arn:aws:ec2:*:*:volume/*')).toBeUndefined();
    expect(witness('arn:aws:ec2:*:*:instance/i-z*')).toBeUndefined();
  });

  it('compares case as asked: widely for an Allow, exactly for a Deny', () => {
    expect(witness('ARN:AWS:EC2:*:*:INSTANCE/I-*')).toBe('i-fffffffffffffffff');
    expect(witness('ARN:AWS:EC2:*:*:INSTANCE/I-*', [], true)).toBeUndefined();
  });

  it('finds an ID every pattern matches, or none when they cannot meet', () => {
    expect(witness(['arn:aws:ec2:*:*:instance/i-0*', 'arn:aws:ec2:*:*:instance/*a'])).toBe('i-0fffffffffffffffa');
    expect(witness(['arn:aws:ec2:*:*:instance/i-0*', '*', 'arn:aws:ec2:us-east-1:*'])).toBe('i-0ffffffffffffffff');
    expect(witness(['arn:aws:ec2:*:*:instance/*0', 'arn:aws:ec2:*:*:instance/*1'])).toBeUndefined();
    expect(witness(['arn:aws:ec2:*:*:instance/i-0*', 'arn:aws:ec2:*:*:instance/i-1*'])).toBeUndefined();
  });

  it('keeps out of the patterns to avoid where it can, and returns a match all the same where it cannot', () => {
    expect(witness('arn:aws:ec2:*:*:instance/i-0*', [], false, ['*f*'])).toBe('i-00000000000000000');
    expect(witness('*', [], false, ['*i-?f*', '*i-?0*'])).toBe('i-f1fffffffffffffff');
    expect(witness('arn:aws:ec2:*:*:instance/i-0*', [], false, ['*'])).toBe('i-0ffffffffffffffff');
  });
});
