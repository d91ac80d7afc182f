/**
 * Every check `scan` runs, in report order. A new Config rule joins the command line with one
 * entry here (a `Check` next to instanceRoleCheck) plus its inputs on `AccountSource`.
 */
import { UsageError } from '../io';
import type { Check } from './check';
import { sessionDocumentCheck } from './session-document';
import { instanceRoleCheck } from './instance-role';
import { ssmAccessCheck } from './ssm-access';

export const CHECKS: readonly Check[] = [instanceRoleCheck, ssmAccessCheck, sessionDocumentCheck];

export const checkIds = (checks: readonly Check[] = CHECKS): string[] => checks.map((c) => c.id);

export function findCheck(id: string, checks: readonly Check[] = CHECKS): Check {
  const check = checks.find((c) => c.id === id);
  if (!check) throw new UsageError(`Unknown rule "${id}": choose one of ${checkIds(checks).join(', ')}.`);
  return check;
}

export function checksForResourceType(resourceType: string, checks: readonly Check[] = CHECKS): Check[] {
  return checks.filter((c) => c.resourceTypes.includes(resourceType));
}
