/** Small checks every parser at our edges shares, so their error messages read alike. */
import type * as z from './zod';

/** Each zod issue as `path: message` (`root` names the whole value), joined into one sentence. */
export function describeIssues(error: z.core.$ZodError, root = ''): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : root}: ${issue.message}`).join('; ');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
