/** Small checks every parser at our edges shares, so their error messages read alike. */
import * as z from './zod';

/** Each zod issue as the dotted path of the value it is about (`root` for the whole value) and its message. */
export function listIssues(error: z.core.$ZodError, root = ''): { readonly path: string; readonly message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.join('.') : root,
    message: issue.message,
  }));
}

/**
 * Each zod issue as `path: message`, joined into one sentence. `separator` `' '` reads
 * "KmsKeyId is empty ..." where the messages are written to follow the name.
 */
export function describeIssues(error: z.core.$ZodError, root = '', separator = ': '): string {
  return listIssues(error, root)
    .map(({ path, message }) => `${path}${separator}${message}`)
    .join('; ');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A yes written as `true` or as text in any case, spaces around it ignored (`"true"`, `" TRUE "`). */
export function isTrueText(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

/**
 * A whole number as our inputs write one: text of decimal digits (spaces around them allowed), or
 * an integer JSON number. CloudFormation passes every custom-resource property as text, Config
 * passes a rule's InputParameters as a JSON object whose values are text ("20"), and Session
 * documents hold their durations as text; JSON numbers come from hand-written InputParameters and
 * documents. Anything else, "2.5", "1e3", "20 minutes" or `true`, is undefined: never coerced.
 * https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html
 */
export function parseWholeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/**
 * A zod schema for a whole number (parseWholeNumber) from `range.min` to `range.max`. `unit`
 * ("minutes") is named in the errors when the value's own name does not say it.
 */
export function wholeNumberWithin({ min, max }: { readonly min: number; readonly max: number }, unit?: string) {
  const outOfRange = unit ? `must be from ${min} to ${max} ${unit}` : undefined;
  return z.pipe(
    z.transform((value: unknown, ctx) => {
      const number = parseWholeNumber(value);
      if (number !== undefined) return number;
      const what = `a whole number${unit ? ` of ${unit}` : ''}`;
      const message =
        value === undefined
          ? `is required: ${what} from ${min} to ${max}`
          : `must be ${what} written as text, such as "${min}"; got ${JSON.stringify(value)} (${typeof value})`;
      ctx.issues.push({ code: 'custom', message, input: value });
      return z.NEVER;
    }),
    z
      .number()
      .check(z.gte(min, outOfRange ?? `must be at least ${min}`), z.lte(max, outOfRange ?? `must be at most ${max}`)),
  );
}
