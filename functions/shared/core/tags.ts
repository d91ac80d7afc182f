/** Resource tags as the rules read them: one map from key to value. */
import { isTrueText } from './validation';

/**
 * Whether the resource carries the tag `key` with the value "true" (any case, spaces around it
 * ignored): how a role, user or policy is exempted from a rule. Only the resource's own tag counts;
 * a key such as `constructor` never reaches the map's prototype.
 */
export function isTaggedTrue(tags: Readonly<Record<string, string>> | undefined, key: string): boolean {
  return tags !== undefined && Object.hasOwn(tags, key) && isTrueText(tags[key]);
}

/** A tag list as IAM's APIs return it, `{ Key, Value }` pairs, as one map; a later pair wins. */
export function tagMap(
  tags: readonly { readonly Key?: string; readonly Value?: string }[] | undefined,
): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}
