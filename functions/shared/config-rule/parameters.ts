/** Rule parameters arrive as a JSON object of strings; each rule declares its own zod schema. */
import * as z from '../core/zod';
import { listIssues } from '../core/validation';
import { InputError, type InputProblem } from '../errors';

/**
 * Rule parameters Config passed that the rule cannot run with. Each problem's `where` is the
 * parameter's name (`BreakGlassArns.0` for a list item, `(parameters)` for the whole object).
 */
export class InvalidRuleParameterError extends InputError {
  override name = 'InvalidRuleParameterError';
  constructor(problems: readonly InputProblem[]) {
    super(
      `Invalid rule parameters: ${problems.map((p) => `rule parameter ${p.where}: ${p.problem}`).join('; ')}. Fix ` +
        `the Config rule's InputParameters.`,
      problems,
    );
  }
}

export function parseRuleParameters<S extends z.ZodMiniType>(
  schema: S,
  raw: Record<string, unknown> | undefined,
): z.infer<S> {
  const result = z.safeParse(schema, raw ?? {});
  if (result.success) return result.data;
  throw new InvalidRuleParameterError(
    listIssues(result.error, '(parameters)').map(({ path, message }) => ({ where: path, problem: message })),
  );
}

/** An IAM policy ARN in any partition (`aws`, `aws-cn`, `aws-us-gov`). */
export const policyArn = z
  .string()
  .check(
    z.trim(),
    z.regex(
      /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/(.+\/)?[\w+=,.@-]+$/,
      'must be an IAM policy ARN such as arn:aws:iam::123456789012:policy/Name',
    ),
  );

/** An AWS Region name such as eu-west-1, us-gov-west-1 or cn-north-1. */
export const regionName = z
  .string()
  .check(z.trim(), z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS Region name such as eu-west-1'));

/**
 * A list parameter. Config's InputParameters only carry strings, so a list is written as
 * comma-separated text; a JSON array is accepted too.
 */
export function listOf<T extends z.ZodMiniType<unknown, string>>(item: T) {
  return z.pipe(
    z.pipe(
      z.union([z.string(), z.array(z.string())]),
      z.transform((value: string | string[]) => {
        const parts = Array.isArray(value) ? value : splitList(value);
        return parts.map((p) => p.trim()).filter((p) => p !== '');
      }),
    ),
    z.array(item),
  );
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
