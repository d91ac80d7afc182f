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
  readonly caseSensitive: boolean;
  /** IDs some policy names: a witness is never one of them. */
  readonly named: ReadonlySet<string>;
  /**
   * The alphabet in the order to try it: characters no policy uses first, so the witness is as
   * unlike every named ID and pattern as the shape allows.
   */
  readonly preference: string;
}

/**
 * An ID of the shape (after `arnBefore`) the pattern matches and no policy names, or undefined
 * when there is none.
 */
export function findWitness(pattern: string, arnBefore: string, shape: IdShape, options: WitnessOptions): string | undefined {
  const key = [pattern, arnBefore, shape.prefix, shape.alphabet, shape.lengths.join(','), options.caseSensitive, options.preference, [...options.named].join(',')].join('\u0000');
  if (remembered.has(key)) return remembered.get(key);
  const witness = searchWitness(pattern, arnBefore, shape, options);
  // The same patterns (AWS managed policies, templates) recur across every subject of a sweep.
  if (remembered.size >= REMEMBERED_MAX) remembered.clear();
  remembered.set(key, witness);
  return witness;
}

const REMEMBERED_MAX = 50_000;
const remembered = new Map<string, string | undefined>();

function searchWitness(pattern: string, arnBefore: string, shape: IdShape, options: WitnessOptions): string | undefined {
  if (/^\*+$/.test(pattern)) {
    // Matches anything: the ID of preferred characters, unless some policy names exactly that one.
    const id = shape.prefix + options.preference[0]!.repeat(Math.max(...shape.lengths));
    if (!options.named.has(id)) return id;
  }
  if (!literalPrefixFits(pattern, arnBefore + shape.prefix, options.caseSensitive)) return undefined;
  const alphabet = options.caseSensitive ? options.preference : options.preference.toLowerCase();
  for (const length of shape.lengths) {
    const classes = [...arnBefore + shape.prefix].map((c) => (options.caseSensitive ? c : c.toLowerCase())).concat(Array.from({ length }, () => alphabet));
    if (!literalSuffixFits(pattern, classes, options.caseSensitive)) continue;
    const found = firstMatch(pattern, classes, options, arnBefore.length);
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

const same = (a: string, b: string, caseSensitive: boolean) => a === b || (!caseSensitive && a.toLowerCase() === b.toLowerCase());

/**
 * The first string (trying characters in the given order) over `classes` (one string of allowed
 * characters per position) that the glob matches and whose ID part (from `idStart`) is not named.
 * `reach[i][t]` says whether pattern[i..] can match positions t..; the search only enters branches
 * that can still succeed, so it backtracks only past named IDs.
 */
function firstMatch(pattern: string, classes: readonly string[], options: WitnessOptions, idStart: number): string | undefined {
  const P = pattern.length;
  const T = classes.length;
  // Classes are lower-cased when matching ignores case, so one `includes` decides.
  const fits = (c: string, t: number) => c === '?' || classes[t]!.includes(options.caseSensitive ? c : c.toLowerCase());
  const reach = Array.from({ length: P + 1 }, () => new Uint8Array(T + 1));
  reach[P]![T] = 1;
  for (let i = P - 1; i >= 0; i--) {
    for (let t = T; t >= 0; t--) {
      const c = pattern[i]!;
      reach[i]![t] = c === '*' ? reach[i + 1]![t]! | (t < T ? reach[i]![t + 1]! : 0) : t < T && fits(c, t) ? reach[i + 1]![t + 1]! : 0;
    }
  }
  const closure = (states: number[]) => {
    const out = new Set<number>();
    for (let i of states) {
      out.add(i);
      while (pattern[i] === '*') out.add(++i);
    }
    return [...out];
  };
  const search = (t: number, states: number[], chosen: string): string | undefined => {
    if (t === T) {
      const id = chosen.slice(idStart);
      return states.includes(P) && !options.named.has(id) ? id : undefined;
    }
    for (const ch of classes[t]!) {
      const next = closure(
        states.flatMap((i) => {
          if (i >= P) return [];
          const c = pattern[i]!;
          if (c === '*') return [i];
          return c === '?' || (options.caseSensitive ? c : c.toLowerCase()) === ch ? [i + 1] : [];
        }),
      );
      if (!next.some((i) => reach[i]![t + 1])) continue;
      const found = search(t + 1, next, chosen + ch);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return reach[0]![0] ? search(0, closure([0]), '') : undefined;
}
