/** Rule parameters arrive as a JSON object of strings; each rule declares its own zod schema. */
import * as z from 'zod';

/** One rejected InputParameter: its name (`(parameters)` for the whole object) and why. */
export interface ParameterProblem {
  readonly parameter: string;
  readonly problem: string;
}

export class InvalidRuleParameterError extends Error {
  override name = 'InvalidRuleParameterError';
  constructor(readonly problems: readonly ParameterProblem[]) {
    const listed = problems.map((p) => `rule parameter ${p.parameter}: ${p.problem}`).join('; ');
    super(`Invalid rule parameters: ${listed}. Fix the Config rule's InputParameters.`);
  }
}

export function parseRuleParameters<S extends z.ZodType>(schema: S, raw: Record<string, unknown> | undefined): z.infer<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  throw new InvalidRuleParameterError(
    result.error.issues.map((issue) => ({ parameter: issue.path.length > 0 ? issue.path.join('.') : '(parameters)', problem: issue.message })),
  );
}

/** An IAM policy ARN in any partition (`aws`, `aws-cn`, `aws-us-gov`). */
export const policyArn = z
  .string()
  .trim()
  .regex(/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/(.+\/)?[\w+=,.@-]+$/, 'must be an IAM policy ARN such as arn:aws:iam::123456789012:policy/Name');

/** An AWS Region name such as eu-west-1, us-gov-west-1 or cn-north-1. */
export const regionName = z
  .string()
  .trim()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS Region name such as eu-west-1');

/**
 * A list parameter. Config's InputParameters only carry strings, so a list is written as
 * comma-separated text; a JSON array is accepted too.
 */
export function listOf<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((value) => {
      const parts = Array.isArray(value) ? value : splitList(value);
      return parts.map((p) => p.trim()).filter((p) => p !== '');
    })
    .pipe(z.array(item));
}

function splitList(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // Not JSON after all: fall through to comma-separated.
    }
  }
  return trimmed.split(',');
}

/**
 * A whole number from `min` to `max`, as Config passes it: the rule's InputParameters reach the
 * function as a JSON object whose values are text ("20").
 * https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html
 * A JSON number is accepted too (InputParameters written by hand for put-config-rule). Anything
 * else, `true` or "20 minutes", is an error naming the parameter: never coerced into a number.
 */
export function wholeNumberBetween(min: number, max: number) {
  return z
    .unknown()
    .transform((value, ctx) => {
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
      ctx.addIssue({ code: 'custom', message: 'must be a whole number written as text, such as ' + `"${min}"; got ${JSON.stringify(value)} (${typeof value})` });
      return z.NEVER;
    })
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}
