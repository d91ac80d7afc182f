import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import {
  describeIssues,
  isTrueText,
  listIssues,
  parseWholeNumber,
  wholeNumberWithin,
} from '../../functions/shared/core/validation';

describe('parseWholeNumber', () => {
  it.each([
    ['20', 20],
    [' 5 ', 5],
    ['0', 0],
    [1440, 1440],
  ])('reads %j as %j', (value, expected) => {
    expect(parseWholeNumber(value)).toBe(expected);
  });

  it.each([
    '2.5',
    '20.0',
    '1e3',
    '0x14',
    '+20',
    '-1',
    'twenty',
    '20 minutes',
    '',
    ' ',
    2.5,
    Number.NaN,
    true,
    null,
    undefined,
    ['20'],
  ])('refuses %j rather than coercing it', (value) => {
    expect(parseWholeNumber(value)).toBeUndefined();
  });
});

describe('wholeNumberWithin', () => {
  const minutes = wholeNumberWithin({ min: 1, max: 60 }, 'minutes');
  const problemWith = (value: unknown) => minutes.safeParse(value).error?.issues.map((issue) => issue.message);

  it('accepts both edges, as text or as a JSON number', () => {
    expect(['1', ' 60 ', 1, 60].map((value) => minutes.parse(value))).toEqual([1, 60, 1, 60]);
  });

  it('names the range, in its unit, when the value is outside it', () => {
    expect(problemWith('0')).toEqual(['must be from 1 to 60 minutes']);
    expect(problemWith(61)).toEqual(['must be from 1 to 60 minutes']);
    const limit = wholeNumberWithin({ min: 1, max: 1440 });
    expect([limit.safeParse('0'), limit.safeParse('1441')].map((result) => result.error?.issues[0]?.message)).toEqual([
      'must be at least 1',
      'must be at most 1440',
    ]);
  });

  it('says what was given when it is not a whole number, and that a missing value is required', () => {
    expect(problemWith(true)).toEqual([
      'must be a whole number of minutes written as text, such as "1"; got true (boolean)',
    ]);
    expect(problemWith('2.5')).toEqual([
      'must be a whole number of minutes written as text, such as "1"; got "2.5" (string)',
    ]);
    expect(problemWith(undefined)).toEqual(['is required: a whole number of minutes from 1 to 60']);
  });
});

describe('isTrueText', () => {
  it.each([true, 'true', 'TRUE', ' True '])('reads %j as yes', (value) => {
    expect(isTrueText(value)).toBe(true);
  });

  it.each([false, 'false', 'yes', '1', 1, '', null, undefined])('reads %j as no', (value) => {
    expect(isTrueText(value)).toBe(false);
  });
});

describe('listIssues and describeIssues', () => {
  const schema = z
    .object({ RoleName: z.string(), Limits: z.object({ Idle: z.number() }) })
    .refine((value) => value.RoleName !== 'root', 'must not be root');
  const errorFor = (value: unknown) => schema.safeParse(value).error!;

  it('name each problem by the dotted path of the value it is about', () => {
    expect(listIssues(errorFor({ RoleName: 7, Limits: { Idle: 'x' } }), '(event)')).toEqual([
      { path: 'RoleName', message: expect.stringContaining('expected string') },
      { path: 'Limits.Idle', message: expect.stringContaining('expected number') },
    ]);
  });

  it('name a problem with the whole value by its root', () => {
    expect(listIssues(errorFor({ RoleName: 'root', Limits: { Idle: 1 } }), '(event)')).toEqual([
      { path: '(event)', message: 'must not be root' },
    ]);
  });

  it('join every problem into one sentence, with the separator the messages are written for', () => {
    const error = errorFor({ RoleName: 'root', Limits: { Idle: 1 } });
    expect(describeIssues(error, '(event)')).toBe('(event): must not be root');
    expect(describeIssues(error, 'RoleName', ' ')).toBe('RoleName must not be root');
    expect(
      describeIssues(errorFor({ Limits: {} }), '(event)')
        .split('; ')
        .map((problem) => problem.split(':')[0]),
    ).toEqual(['RoleName', 'Limits.Idle']);
  });
});
