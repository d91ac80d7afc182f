/**
 * Whether a statement's Condition can hold for a request on a resource the policy does not name.
 *
 * The resource is "fresh": each of its tags is either absent or carries a value no policy names
 * (a string longer than any pattern, made of characters no value uses). Everything else in the
 * request (MFA, source IP, principal tags, time) is the caller's to choose, so a condition on it
 * can hold. A condition limits a statement only when, for some tag key, neither an absent tag nor
 * an unnamed value satisfies every operator on that key.
 *
 * IAM's rules this relies on (IAM JSON policy elements: condition operators,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html;
 * multiple keys and values,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html):
 * - operators and keys are ANDed, the values of one key ORed (NORed for a negated operator);
 * - a key absent from the request makes a condition false, except that a negated operator
 *   (`StringNotEquals`, `StringNotLike`, `ArnNotLike`, ...) is then true, `...IfExists` is true,
 *   and `Null` tests presence itself;
 * - `ForAllValues:` is true when the key is absent (an empty set), `ForAnyValue:` false;
 * - `StringEquals` compares literally (`*` is a character); `StringLike` and `ArnLike` read `*` and
 *   `?` as wildcards.
 * Resource tags of Systems Manager resources are read through `ssm:resourceTag/<key>` and
 * `aws:ResourceTag/<key>` (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html);
 * `ec2:ResourceTag/<key>` is read the same way, which is the safe side if IAM leaves it out.
 */
import type { Statement } from './policy-document';

const RESOURCE_TAG_KEY = /^(ssm:resourcetag|aws:resourcetag|ec2:resourcetag)\/(.+)$/i;

/** How a fresh resource meets a statement's conditions. */
export interface ConditionJudgement {
  /** Whether some request on a fresh resource satisfies every condition. */
  readonly satisfiable: boolean;
  /** Why the conditions do not limit the statement to named resources ("StringLike '*' matches any value"). */
  readonly why?: string;
}

type TagChoice = 'absent' | 'unnamed value';

interface ConditionEntry {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

export function judgeConditions(statement: Statement): ConditionJudgement {
  const byTag = new Map<string, ConditionEntry[]>();
  const requestKeys: string[] = [];
  for (const [operator, entries] of Object.entries(statement.condition)) {
    for (const [key, values] of Object.entries(entries)) {
      const tag = RESOURCE_TAG_KEY.exec(key)?.[2];
      if (tag === undefined) {
        requestKeys.push(key);
        continue;
      }
      // Condition key names compare case-insensitively, tag keys included:
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
      const list = byTag.get(tag.toLowerCase()) ?? [];
      list.push({ operator, key, values });
      byTag.set(tag.toLowerCase(), list);
    }
  }
  const reasons: string[] = [];
  for (const entries of byTag.values()) {
    const choice = (['unnamed value', 'absent'] as const).find((c) => entries.every((e) => holds(e, c)));
    if (!choice) return { satisfiable: false };
    reasons.push(explain(entries[0]!, choice));
  }
  if (requestKeys.length > 0) reasons.push(explainRequestKey(requestKeys[0]!));
  return reasons.length > 0 ? { satisfiable: true, why: reasons.join('; ') } : { satisfiable: true };
}

/**
 * `ssm:SessionDocumentAccessCheck` only makes Session Manager check the caller's access to the
 * default session document when StartSession names none; a request that names a document is
 * checked against that document either way
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-sessiondocumentaccesscheck.html).
 */
function explainRequestKey(key: string): string {
  if (key.toLowerCase() === 'ssm:sessiondocumentaccesscheck')
    return `${key} only enforces the check on the default document, it limits no document`;
  return `${key} depends on the request, not on the resource`;
}

interface Operator {
  readonly set: 'any' | 'all' | undefined;
  readonly ifExists: boolean;
  /** The operator without qualifier and IfExists, lower-cased: `stringlike`, `null`, `numericlessthan`. */
  readonly base: string;
  readonly negated: boolean;
}

function parseOperator(operator: string): Operator {
  let op = operator.toLowerCase();
  let set: Operator['set'];
  if (op.startsWith('foranyvalue:')) [set, op] = ['any', op.slice('foranyvalue:'.length)];
  else if (op.startsWith('forallvalues:')) [set, op] = ['all', op.slice('forallvalues:'.length)];
  const ifExists = op.endsWith('ifexists');
  if (ifExists) op = op.slice(0, -'ifexists'.length);
  return { set, ifExists, base: op, negated: op.includes('not') };
}

/** The operators IAM defines, without qualifier and IfExists, lower-cased (condition operators page above). */
const KNOWN_OPERATORS = new Set(
  [
    ...['Equals', 'NotEquals', 'EqualsIgnoreCase', 'NotEqualsIgnoreCase', 'Like', 'NotLike'].map((o) => `String${o}`),
    ...['Equals', 'NotEquals', 'LessThan', 'LessThanEquals', 'GreaterThan', 'GreaterThanEquals'].flatMap((o) => [
      `Numeric${o}`,
      `Date${o}`,
    ]),
    ...['Equals', 'NotEquals', 'Like', 'NotLike'].map((o) => `Arn${o}`),
    'Bool',
    'BinaryEquals',
    'IpAddress',
    'NotIpAddress',
    'Null',
  ].map((o) => o.toLowerCase()),
);

/** The first operator of the statement IAM does not define (`StringEqualz`, `NullIfExists`), if any. */
export function unknownConditionOperator(statement: Statement): string | undefined {
  return Object.keys(statement.condition).find((operator) => {
    const op = parseOperator(operator);
    return !KNOWN_OPERATORS.has(op.base) || (op.base === 'null' && (op.ifExists || op.set !== undefined));
  });
}

/** A pattern a fresh value matches: only wildcards, with at least one `*` (`*`, `?*`, `*?*`). */
const matchesAnyLongValue = (pattern: string) => /^[*?]*\*[*?]*$/.test(pattern);

function holds(entry: ConditionEntry, choice: TagChoice): boolean {
  const op = parseOperator(entry.operator);
  if (op.base === 'null') {
    // Null: "true" asks for the key to be absent, "false" for it to be present.
    return entry.values.some((v) => (v.toLowerCase() === 'true') === (choice === 'absent'));
  }
  if (choice === 'absent') {
    if (op.ifExists || op.set === 'all') return true;
    if (op.set === 'any') return false;
    return op.negated;
  }
  // A value no policy names: equal to no value, matched only by an all-wildcard pattern.
  const wildcards = op.base.includes('like');
  if (op.base.startsWith('string') || op.base.startsWith('arn')) {
    const matched = wildcards && entry.values.some(matchesAnyLongValue);
    return op.negated ? !matched : matched;
  }
  // Numeric, date, boolean, IP and binary operators compare values rather than name them: some
  // value a resource could carry satisfies them.
  return true;
}

function explain(entry: ConditionEntry, choice: TagChoice): string {
  const op = parseOperator(entry.operator);
  const said = `${entry.operator} ${entry.key}`;
  if (op.base === 'null') return `${said} only tests whether the tag is there`;
  if (choice === 'absent') {
    if (op.ifExists) return `${said} passes a resource without the tag`;
    if (op.set === 'all') return `${said} passes a resource without the tag (ForAllValues on no values)`;
    return `${said} passes a resource without the tag (negated operator)`;
  }
  const wildcard = entry.values.find(matchesAnyLongValue);
  if (wildcard !== undefined && !op.negated) return `${entry.operator} '${wildcard}' matches any value`;
  if (op.negated) return `${said} passes any value it does not name`;
  return `${said} compares values, and a resource may carry any value`;
}
