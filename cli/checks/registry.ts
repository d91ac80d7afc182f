/**
 * Every check `scan` runs, in report order. A new Config rule joins the command line with one
 * entry here (a `Check` next to rolePolicyCheck) plus its inputs on `AccountSource`.
 */
import { UsageError } from '../io';
import type { Check } from './check';
import { rolePolicyCheck } from './role-policy';

export const CHECKS: readonly Check[] = [
  rolePolicyCheck,
  // Issue 5 plugs in here: the session-preferences rule (AWS::SSM::Document) and the SSM access
  // guardrail rule (AWS::IAM::Policy), each a Check built on its createXRule(sources).
];

export const checkIds = (checks: readonly Check[] = CHECKS): string[] => checks.map((c) => c.id);

export function findCheck(id: string, checks: readonly Check[] = CHECKS): Check {
  const check = checks.find((c) => c.id === id);
  if (!check) throw new UsageError(`Unknown rule "${id}": choose one of ${checkIds(checks).join(', ')}.`);
  return check;
}

export function checksForResourceType(resourceType: string, checks: readonly Check[] = CHECKS): Check[] {
  return checks.filter((c) => c.resourceTypes.includes(resourceType));
}
