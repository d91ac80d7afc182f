/**
 * Witnesses for IAM resource patterns: given a pattern such as `arn:aws:ec2:*:*:instance/i-0*` and
 * the shape of a resource ID (`i-` and 8 or 17 hex digits), find an ID of that shape the pattern
 * matches and that no policy names. That decides "does this pattern reach a node nobody listed?"
 * by definition, not by trying a few fixed IDs.
 *
 * The pattern and the candidate ARN are matched as IAM matches them: `*` any run of characters
 * (across `:` and `/`), `?` exactly one.
 */

/** A family of IDs: a fixed prefix, then `length` characters of `alphabet`. */
export interface IdShape {
  readonly prefix: string;
  readonly alphabet: string;
  readonly lengths: readonly number[];
}

export interface WitnessOptions {
  /** Whether `patterns` compare case-sensitively (`avoid` always does, as IAM compares ARNs). */
  readonly caseSensitive: boolean;
  /** IDs some policy names: a witness is never one of them. */
  readonly named: ReadonlySet<string>;
  /**
   * The alphabet in the order to try it: characters no policy uses first, so the witness is as
   * unlike every named ID and pattern as the shape allows.
   */
  readonly preference: string;
  /** Patterns the witness should not match (the resources of a Deny), when some ID avoids them all. */
  readonly avoid?: readonly string[];
}

/**
 * An ID of the shape (after `arnBefore`) that every pattern matches and no policy names, or
 * undefined when there is none. Several patterns stand for one request that must be allowed by an
 * identity policy and a permissions boundary at once: `instance/i-0*` and `instance/*a` meet in
 * `i-0...a`, which neither pattern's own witness need be. The witness also avoids the `avoid`
 * patterns where it can; when it cannot, it is returned all the same, and the caller's own Deny
 * check has the last word.
 */
export function findWitness(
  patterns: readonly string[],
  arnBefore: string,
  shape: IdShape,
  options: WitnessOptions,
): string | undefined {
  const avoid = options.avoid ?? [];
  const key = [
    patterns.join('\u0001'),
    avoid.join('\u0001'),
    arnBefore,
    shape.prefix,
    shape.alphabet,
    shape.lengths.join(','),
    options.caseSensitive,
    options.preference,
    [...options.named].join(','),
  ].join('\u0000');
  if (remembered.has(key)) return remembered.get(key);
  const witness =
    searchWitness(patterns, arnBefore, shape, options) ??
    (avoid.length > 0 ? searchWitness(patterns, arnBefore, shape, { ...options, avoid: [] }) : undefined);
  // The same patterns (AWS managed policies, templates) recur across every subject of a sweep.
  if (remembered.size >= REMEMBERED_MAX) remembered.clear();
  remembered.set(key, witness);
  return witness;
}

const REMEMBERED_MAX = 50_000;
const remembered = new Map<string, string | undefined>();

/** A resource pattern of stars only: it matches every resource. */
export const matchesEverything = (pattern: string): boolean => /^\*+$/.test(pattern);

/** The ID of the shape's longest length in the first preferred character: the fresh ID to ask about. */
export const freshId = (shape: IdShape, preference: string): string =>
  shape.prefix + preference[0]!.repeat(Math.max(...shape.lengths));

function searchWitness(
  patterns: readonly string[],
  arnBefore: string,
  shape: IdShape,
  options: WitnessOptions,
): string | undefined {
  const musts = patterns.filter((p) => !matchesEverything(p));
  const avoid = options.avoid ?? [];
  if (musts.length === 0 && avoid.length === 0) {
    // Matches anything: the ID of preferred characters, unless some policy names exactly that one.
    const id = freshId(shape, options.preference);
    if (!options.named.has(id)) return id;
  }
  if (!musts.every((p) => literalPrefixFits(p, arnBefore + shape.prefix, options.caseSensitive))) return undefined;
  const alphabet = options.caseSensitive ? options.preference : options.preference.toLowerCase();
  for (const length of shape.lengths) {
    const classes = [...(arnBefore + shape.prefix)]
      .map((c) => (options.caseSensitive ? c : c.toLowerCase()))
      .concat(Array.from({ length }, () => alphabet));
    if (!musts.every((p) => literalSuffixFits(p, classes, options.caseSensitive))) continue;
    const found = firstMatch(musts, avoid, classes, options, arnBefore.length);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A quick refusal from the other end: the pattern's text after its last `*` must fit the target's last positions. */
function literalSuffixFits(pattern: string, classes: readonly string[], caseSensitive: boolean): boolean {
  for (let k = 1; k <= pattern.length; k++) {
    const c = pattern[pattern.length - k]!;
    if (c === '*') return true;
    const cls = classes[classes.length - k];
    if (cls === undefined) return false;
    if (c !== '?' && !cls.includes(caseSensitive ? c : c.toLowerCase())) return false;
  }
  return pattern.length === classes.length;
}

/** A quick refusal: the pattern's text before its first wildcard must agree with the target's fixed text. */
function literalPrefixFits(pattern: string, fixed: string, caseSensitive: boolean): boolean {
  for (let i = 0; i < pattern.length && i < fixed.length; i++) {
    const c = pattern[i]!;
    if (c === '*') return true;
    if (c !== '?' && !same(c, fixed[i]!, caseSensitive)) return false;
  }
  return true;
}

const same = (a: string, b: string, caseSensitive: boolean) =>
  a === b || (!caseSensitive && a.toLowerCase() === b.toLowerCase());

/** Steps a search that avoids Deny patterns may take before it settles for any match. */
const AVOID_BUDGET = 20_000;

/** One glob run as a set of positions in its pattern, as a non-deterministic automaton. */
class Glob {
  constructor(
    readonly pattern: string,
    private readonly caseSensitive: boolean,
  ) {}

  /** Positions reached without reading a character: past every `*` at them. */
  closure(states: readonly number[]): number[] {
    const out = new Set<number>();
    for (let i of states) {
      out.add(i);
      while (this.pattern[i] === '*') out.add(++i);
    }
    return [...out].sort((a, b) => a - b);
  }

  step(states: readonly number[], ch: string): number[] {
    return this.closure(
      states.flatMap((i) => {
        const c = this.pattern[i];
        if (c === undefined) return [];
        if (c === '*') return [i];
        return c === '?' || (this.caseSensitive ? c : c.toLowerCase()) === ch ? [i + 1] : [];
      }),
    );
  }

  accepts(states: readonly number[]): boolean {
    return states.includes(this.pattern.length);
  }

  /** Whether the glob matches whatever follows: it stands at a run of `*` that ends the pattern. */
  acceptsAnyRest(states: readonly number[]): boolean {
    return states.some((i) => /^\**$/.test(this.pattern.slice(i)));
  }

  /** `reach[i][t]`: whether pattern[i..] can match positions t.. of a string over `classes`. */
  reachOver(classes: readonly string[]): Uint8Array[] {
    const P = this.pattern.length;
    const T = classes.length;
    const fits = (c: string, t: number) => c === '?' || classes[t]!.includes(this.caseSensitive ? c : c.toLowerCase());
    const reach = Array.from({ length: P + 1 }, () => new Uint8Array(T + 1));
    reach[P]![T] = 1;
    for (let i = P - 1; i >= 0; i--) {
      for (let t = T; t >= 0; t--) {
        const c = this.pattern[i]!;
        reach[i]![t] =
          c === '*'
            ? reach[i + 1]![t]! | (t < T ? reach[i]![t + 1]! : 0)
            : t < T && fits(c, t)
              ? reach[i + 1]![t + 1]!
              : 0;
      }
    }
    return reach;
  }
}

/**
 * The first string (trying characters in the given order) over `classes` (one string of allowed
 * characters per position) that every `musts` glob matches, no `avoid` glob matches, and whose ID
 * part (from `idStart`) is not named. The search enters only branches where every must can still
 * succeed, and remembers the automaton states it has seen fail, so it stays polynomial even when
 * the patterns cannot meet.
 */
function firstMatch(
  musts: readonly string[],
  avoid: readonly string[],
  classes: readonly string[],
  options: WitnessOptions,
  idStart: number,
): string | undefined {
  const T = classes.length;
  const globs = [...musts.map((p) => new Glob(p, options.caseSensitive)), ...avoid.map((p) => new Glob(p, true))];
  const reaches = musts.map((_, g) => globs[g]!.reachOver(classes));
  if (!reaches.every((reach) => reach[0]![0])) return undefined;
  const failed = new Set<string>();
  // Keeping out of Deny patterns is a courtesy, not a definition: past a budget, give it up.
  let budget = avoid.length > 0 ? AVOID_BUDGET : Infinity;
  // Returns the ID, or whether the failure passed over a named ID (then it is not remembered).
  const search = (t: number, states: number[][], chosen: string): string | { namedOnTheWay: boolean } => {
    if (t === T) {
      const id = chosen.slice(idStart);
      const matches =
        musts.every((_, g) => globs[g]!.accepts(states[g]!)) &&
        avoid.every((_, a) => !globs[musts.length + a]!.accepts(states[musts.length + a]!));
      if (!matches) return { namedOnTheWay: false };
      return options.named.has(id) ? { namedOnTheWay: true } : id;
    }
    let namedOnTheWay = false;
    for (const ch of new Set(classes[t]!)) {
      if (--budget < 0) return { namedOnTheWay: true };
      const next = states.map((s, g) => globs[g]!.step(s, ch));
      if (!musts.every((_, g) => next[g]!.some((i) => reaches[g]![i]![t + 1]))) continue;
      if (avoid.some((_, a) => globs[musts.length + a]!.acceptsAnyRest(next[musts.length + a]!))) continue;
      const key = `${t + 1}|${next.map((s) => s.join(',')).join(';')}`;
      if (failed.has(key)) continue;
      const found = search(t + 1, next, chosen + ch);
      if (typeof found === 'string') return found;
      if (found.namedOnTheWay) namedOnTheWay = true;
      else failed.add(key);
    }
    return { namedOnTheWay };
  };
  const found = search(
    0,
    globs.map((g) => g.closure([0])),
    '',
  );
  return typeof found === 'string' ? found : undefined;
}
