import { describe, expect, it } from 'vitest';
import { isTaggedTrue, tagMap } from '../../functions/shared/core/tags';

describe('isTaggedTrue', () => {
  it.each(['true', 'True', ' TRUE '])('exempts a resource tagged %j', (value) => {
    expect(isTaggedTrue({ Team: 'ops', SessionManagerExempt: value }, 'SessionManagerExempt')).toBe(true);
  });

  it.each([
    ['another value', { SessionManagerExempt: 'yes' }],
    ['an empty value', { SessionManagerExempt: '' }],
    ['another key only', { Exempt: 'true' }],
    ['a key that differs in case', { sessionmanagerexempt: 'true' }],
    ['no tags at all', {}],
    ['tags not read', undefined],
  ])('does not exempt one with %s', (_, tags) => {
    expect(isTaggedTrue(tags, 'SessionManagerExempt')).toBe(false);
  });

  it("reads only the resource's own tags, not the map's prototype", () => {
    expect(isTaggedTrue({}, 'constructor')).toBe(false);
    expect(isTaggedTrue({}, '__proto__')).toBe(false);
  });
});

describe('tagMap', () => {
  it("reads IAM's tag list into one map", () => {
    expect(
      tagMap([
        { Key: 'Team', Value: 'ops' },
        { Key: 'SessionManagerExempt', Value: 'true' },
      ]),
    ).toEqual({ Team: 'ops', SessionManagerExempt: 'true' });
  });

  it('keeps a tag whose value is missing as empty text, and lets a repeated key take its last value', () => {
    expect(tagMap([{ Key: 'Owner' }, { Key: 'Team', Value: 'ops' }, { Key: 'Team', Value: 'sec' }])).toEqual({
      Owner: '',
      Team: 'sec',
    });
  });

  it('reads no tags as an empty map', () => {
    expect(tagMap(undefined)).toEqual({});
    expect(tagMap([])).toEqual({});
  });
});
