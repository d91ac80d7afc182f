/**
 * What every resource reader does with a Config item: parse its `configuration` with the reader's
 * schema (an error names the item and each problem), and gather its tags, which Config records
 * twice: as a map at the item's top level and as key/value pairs in the configuration.
 */
import * as z from '../core/zod';
import type { ConfigurationItem } from '../config-rule/event';
import { describeIssues } from '../core/validation';

/** Tags as the configuration of IAM items records them. */
export const tagPairsSchema = z.nullish(z.array(z.looseObject({ key: z.string(), value: z.nullish(z.string()) })));
export type TagPairs = z.infer<typeof tagPairsSchema>;

/** A role's, user's or group's attached managed policies, as Config records them. */
export const attachedPoliciesSchema = z.nullish(z.array(z.looseObject({ policyArn: z.string() })));

/**
 * The item's configuration read with `schema`; otherwise an error built by `fail` from a message
 * naming each problem.
 */
export function parseConfiguration<S extends z.ZodMiniType>(
  schema: S,
  item: ConfigurationItem,
  fail: (message: string) => Error,
): z.infer<S> {
  const parsed = z.safeParse(schema, item.configuration);
  if (parsed.success) return parsed.data;
  throw fail(
    `Configuration item ${item.resourceId} is not a readable ${item.resourceType}: ${describeIssues(parsed.error)}`,
  );
}

/** Both records of the item's tags in one map; the configuration's pairs win. */
export function itemTags(item: ConfigurationItem, pairs: TagPairs): Record<string, string> {
  const tags: Record<string, string> = { ...(item.tags ?? {}) };
  for (const tag of pairs ?? []) tags[tag.key] = tag.value ?? '';
  return tags;
}
