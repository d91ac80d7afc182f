import { describe, expect, it } from 'vitest';
import { isTaggedTrue } from '../../functions/shared/core/tags';

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
