/**
 * Effective access, as IAM decides it: can a subject perform an action on a resource its
 * policies do not name?
 *
 * IAM's combination rules (Policy evaluation logic,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html, and
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html):
 * 1. An explicit Deny in any policy that applies wins.
 * 2. The identity policies (inline, customer managed, AWS managed, and a user's groups' policies)
 *    are unioned: one Allow statement in any of them allows.
 * 3. A permissions boundary intersects: the request must also be allowed by the boundary
 *    (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
 *
 * The question is asked of resources the policies do not name: for every region of the account's
 * own partition and every kind of resource, a "fresh" resource (an ID no statement names, tags
 * absent or with values no statement names), plus witness IDs: for each Allow pattern, and under a
 * boundary for each identity pattern together with each boundary pattern, an unnamed ID they match,
 * kept out of Deny patterns where one can be. A policy variable in a resource takes its value from
 * the request (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):
 * it names nothing, widens an Allow to any value, and never makes a Deny certain. The subject has
 * the access when one of them is allowed by an identity statement whose conditions can hold,
 * allowed by the boundary if there is one, and denied by no
 * Deny IAM would certainly apply (no conditions; resources matched case-sensitively, as IAM
 * compares ARNs). Allow statements are read widely (ARNs compared without case), so a mis-cased
 * grant is not missed. Service control policies, resource control policies and session policies
 * are not modelled: they belong to the organization and the session, not to the subject.
 */
import { regionsOf } from './aws-partitions';
import { judgeConditions, unknownConditionOperator } from './policy-conditions';
import {
  hasConditions,
  PolicyDocumentError,
  type Statement,
  statementCoversAction,
  wildcardMatches,
} from './policy-document';
import { findWitness, freshId, type IdShape, matchesEverything } from './resource-witness';

/** Where the subject lives: it reaches resources of its own partition and account. */
export interface AccountHome {
  readonly partition: string;
  readonly accountId: string;
}

/** A kind of resource the question ranges over, in every region of the partition. */
export interface ResourceKind {
  /** For annotations: "EC2 instance", "hybrid managed node". */
  readonly label: string;
  /** The ARN up to the resource ID: `arn:aws:ec2:us-east-1:111122223333:instance/`. */
  arnBefore(home: AccountHome, region: string): string;
  /** Resources of this kind with IDs no policy names, or one resource by name. */
  readonly id: IdShape | { readonly name: string };
}

export interface AccessQuestion {
  readonly action: string;
  readonly resources: readonly ResourceKind[];
  /**
   * Any resource counts, not only one the policies do not name: IDs they name, and tags whose
   * values they name.
   */
  readonly includeNamed?: boolean;
  /** IDs that never count, whatever the policies say (the account's own preferences document). */
  readonly excludedIds?: readonly string[];
  /** Whole ARNs that never count. */
  readonly excludedArns?: readonly string[];
}

/**
 * Checks what this module relies on in an identity policy or permissions boundary: each statement
 * has Action or NotAction and Resource or NotResource (IAM rejects one without,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html), and
 * only condition operators IAM defines. A statement it cannot read is an error, never one that
 * grants nothing.
 */
export function checkIdentityStatements(statements: readonly Statement[]): void {
  for (const statement of statements) {
    if (!statement.action && !statement.notAction)
      throw new PolicyDocumentError(`statement ${statement.label} has neither Action nor NotAction`);
    if (!statement.resource && !statement.notResource)
      throw new PolicyDocumentError(`statement ${statement.label} has neither Resource nor NotResource`);
    const unknown = unknownConditionOperator(statement);
    if (unknown !== undefined)
      throw new PolicyDocumentError(
        `statement ${statement.label} uses condition operator ${unknown}, which IAM does not define`,
      );
  }
}

/** One policy in force, parsed. */
export interface PolicyInForce {
  /** As annotations name it: "inline policy ops", "AWS managed policy AdministratorAccess". */
  readonly name: string;
  readonly statements: readonly Statement[];
}

export interface EffectivePolicies {
  readonly identity: readonly PolicyInForce[];
  readonly boundary?: PolicyInForce;
}

/** The statement that grants the access, and the resource it was shown on. */
export interface AccessGrant {
  readonly policy: string;
  readonly statement: string;
  readonly resourceArn: string;
  readonly resourceKind: string;
  /** Why the statement's conditions do not limit it, when it has any. */
  readonly why?: string;
}

interface Candidate {
  readonly policy: string;
  readonly statement: Statement;
  readonly why?: string;
}

/** The first grant found, or undefined when the subject cannot perform the action on any unnamed resource. */
export function findAccess(
  policies: EffectivePolicies,
  question: AccessQuestion,
  home: AccountHome,
): AccessGrant | undefined {
  const anyResource = question.includeNamed === true;
  const allows = usableAllows(policies.identity, question.action, anyResource);
  if (allows.length === 0) return undefined;
  const boundaryAllows = policies.boundary
    ? usableAllows([policies.boundary], question.action, anyResource)
    : undefined;
  if (boundaryAllows?.length === 0) return undefined;
  const denies = [...policies.identity, ...(policies.boundary ? [policies.boundary] : [])].flatMap((p) =>
    p.statements.filter((s) => s.effect === 'Deny' && !hasConditions(s) && statementCoversAction(s, question.action)),
  );
  // A Deny of the action on every resource ("*") leaves nothing to look for.
  if (denies.some((s) => s.resource?.some(matchesEverything))) return undefined;
  const widePatterns = (statements: readonly Statement[]) =>
    statements.flatMap((s) => (s.resource ?? []).flatMap((p) => readPattern(p, true) ?? []));
  const searches: WitnessSearch = {
    identity: widePatterns(allows.map((c) => c.statement)),
    boundary: boundaryAllows && widePatterns(boundaryAllows.map((c) => c.statement)),
    denied: denies.flatMap((s) => (s.resource ?? []).flatMap((p) => readPattern(p, false) ?? [])),
  };
  const everyResourceText = [...allows, ...(boundaryAllows ?? [])]
    .map((c) => c.statement)
    .concat(denies)
    .flatMap((s) => [...(s.resource ?? []), ...(s.notResource ?? [])]);
  const named = new Set([
    ...(question.includeNamed ? [] : namedIds(everyResourceText)),
    ...(question.excludedIds ?? []),
  ]);
  const excludedArns = new Set(question.excludedArns ?? []);
  const used = new Set(everyResourceText.join('').toLowerCase());
  // Characters no statement uses come first, so witnesses are as unlike every named ID as possible.
  const preferenceOf = (alphabet: string) =>
    [...alphabet].sort((a, b) => Number(used.has(a)) - Number(used.has(b))).join('');

  for (const kind of question.resources) {
    for (const region of regionsOf(home.partition)) {
      const before = kind.arnBefore(home, region);
      for (const arn of candidates(kind, before, searches, named, preferenceOf)) {
        if (excludedArns.has(arn)) continue;
        if (denies.some((s) => statementMatchesResource(s, arn, 'certain'))) continue;
        if (boundaryAllows && !boundaryAllows.some((c) => statementMatchesResource(c.statement, arn, 'widest')))
          continue;
        const grant = allows.find((c) => statementMatchesResource(c.statement, arn, 'widest'));
        if (grant) {
          return {
            policy: grant.policy,
            statement: grant.statement.label,
            resourceArn: arn,
            resourceKind: kind.label,
            ...(grant.why ? { why: grant.why } : {}),
          };
        }
      }
    }
  }
  return undefined;
}

/**
 * Allow statements that cover the action and whose conditions can hold on a fresh resource, or,
 * when any resource counts, on some resource: a resource may carry exactly the tags a condition
 * names, so then no condition is taken to limit the statement.
 */
function usableAllows(policies: readonly PolicyInForce[], action: string, anyResource: boolean): Candidate[] {
  return policies.flatMap((policy) =>
    policy.statements.flatMap((statement) => {
      if (statement.effect !== 'Allow' || !statementCoversAction(statement, action)) return [];
      const judgement = judgeConditions(statement);
      if (!judgement.satisfiable && !anyResource) return [];
      return [
        { policy: policy.name, statement, ...(judgement.satisfiable && judgement.why ? { why: judgement.why } : {}) },
      ];
    }),
  );
}

/**
 * How to read a statement's resources when it is unclear whether IAM would match them (IAM compares
 * ARNs case-sensitively; authors do not always write them so): `widest` for an Allow, whose reach
 * must not be underestimated, `certain` for a Deny, which may cancel a grant only where IAM would
 * certainly apply it.
 */
type ResourceReading = 'widest' | 'certain';

function statementMatchesResource(statement: Statement, arn: string, reading: ResourceReading): boolean {
  // Resource widens the statement and NotResource narrows it, so each is read the other way round.
  if (statement.resource) return statement.resource.some((p) => patternMatches(p, arn, reading === 'widest'));
  if (statement.notResource) return !statement.notResource.some((p) => patternMatches(p, arn, reading === 'certain'));
  return false;
}

/**
 * Whether a resource pattern matches, read as widely or as narrowly as IAM might read it. A policy
 * variable (`${aws:username}`, `${aws:PrincipalTag/node}`) takes its value from the request
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html): read widely
 * it may be anything, read narrowly it matches nothing for certain. `${*}`, `${?}` and `${$}` stand
 * for the characters themselves, which no managed node ID or document name contains.
 */
function patternMatches(pattern: string, arn: string, widely: boolean): boolean {
  const read = readPattern(pattern, widely);
  return read !== undefined && wildcardMatches(read, arn, { caseSensitive: !widely });
}

const POLICY_VARIABLE = /\$\{([^}]*)\}/g;
/** A character no ARN this module builds contains, standing for a literal `*` or `?`. */
const LITERAL_WILDCARD = '\u0000';

/** The pattern with its policy variables read widely (as `*`) or narrowly (undefined: matches nothing certainly). */
function readPattern(pattern: string, widely: boolean): string | undefined {
  if (!pattern.includes('${')) return pattern;
  let requestDependent = false;
  const read = pattern.replace(POLICY_VARIABLE, (_, name: string) => {
    if (name === '*' || name === '?') return LITERAL_WILDCARD;
    if (name === '$') return '$';
    requestDependent = true;
    return '*';
  });
  return requestDependent && !widely ? undefined : read;
}

/** The ID a resource pattern names: its last path segment, when that has no wildcard. */
function literalId(text: string): string | undefined {
  if (!text.includes('/')) return undefined;
  const last = text.slice(text.lastIndexOf('/') + 1);
  // A policy variable names no node: its value comes with the request.
  return /[*?]|\$\{/.test(last) ? undefined : last;
}

/** IDs the policies name. */
function namedIds(resourceTexts: readonly string[]): Set<string> {
  const named = new Set<string>();
  for (const text of resourceTexts) {
    const id = literalId(text);
    if (id !== undefined) named.add(id);
  }
  return named;
}

/** The resource patterns witnesses are looked for in: read widely, Deny patterns read certainly. */
interface WitnessSearch {
  readonly identity: readonly string[];
  readonly boundary: readonly string[] | undefined;
  readonly denied: readonly string[];
}

/**
 * The resources of one kind and region to ask about: the named one, or a fresh ID and witness IDs
 * that Allow patterns reach: each pattern alone, and with a boundary, each identity pattern together
 * with each boundary pattern (one request must be allowed by both). Witnesses keep out of Deny
 * patterns where they can.
 */
function candidates(
  kind: ResourceKind,
  before: string,
  searches: WitnessSearch,
  named: ReadonlySet<string>,
  preferenceOf: (alphabet: string) => string,
): string[] {
  if ('name' in kind.id) return named.has(kind.id.name) ? [] : [before + kind.id.name];
  const shape = kind.id;
  const preference = preferenceOf(shape.alphabet);
  const fresh = freshId(shape, preference);
  const ids = new Set(named.has(fresh) ? [] : [fresh]);
  const boundary = searches.boundary ?? [];
  const together = [...searches.identity, ...boundary]
    .map((p) => [p])
    .concat(searches.identity.flatMap((p) => boundary.map((b) => [p, b])));
  // A pattern that names its ID matches that named ID only, so no witness can come of it. Skipping
  // it keeps the search short for a policy that names hundreds of nodes, as the rule advises.
  const namesItsId = (pattern: string) => {
    const id = literalId(pattern);
    return id !== undefined && named.has(id);
  };
  for (const patterns of together) {
    if (patterns.some(namesItsId)) continue;
    const witness = findWitness(patterns, before, shape, {
      caseSensitive: false,
      named,
      preference,
      avoid: searches.denied,
    });
    if (witness !== undefined) ids.add(witness);
  }
  return [...ids].map((id) => before + id);
}
