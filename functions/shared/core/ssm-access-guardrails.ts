/**
 * The SSM access guardrails: which IAM policy statements let someone run commands on, or open a
 * shell into, every EC2 instance of the account.
 *
 * - IAM-SSM-1: `ssm:SendCommand` on every instance without a resource-tag condition.
 * - IAM-SSM-2: `ssm:StartSession` on every instance without a resource-tag condition.
 *
 * A statement grants an action broadly when it is an Allow whose Action (or NotAction) covers the
 * action, whose Resource (or NotResource) leaves every instance of the account in, and whose
 * conditions do not limit it to instances carrying a tag. An unconditional Deny of the same action
 * on every instance, in the same policy, cancels the grant. Anything this module cannot read is
 * reported, never passed: doubt is not compliance.
 */
import { compliant, nonCompliant, notApplicable, type Verdict } from './compliance';
import {
  hasConditions,
  parsePolicyDocument,
  PolicyDocumentError,
  type Statement,
  statementCoversAction,
  wildcardMatches,
} from './policy-document';

export interface SsmGuardrail {
  readonly id: string;
  readonly action: string;
}

export const SSM_GUARDRAILS: readonly SsmGuardrail[] = [
  { id: 'IAM-SSM-1', action: 'ssm:SendCommand' },
  { id: 'IAM-SSM-2', action: 'ssm:StartSession' },
];

/** Where the policy lives: an identity policy reaches only instances of its own partition and account. */
export interface PolicyHome {
  readonly partition: string;
  readonly accountId: string;
}

/** One statement that grants a guarded action on every instance. */
export interface BroadGrant {
  readonly guardrail: SsmGuardrail;
  /** The statement's Sid, or `#<index>`. */
  readonly statement: string;
}

/**
 * Instance ARNs that stand for "every instance of the account": several regions and instance-ID
 * shapes. A Resource pattern covers every instance when it matches all of them, so a grant pinned
 * to one region or to a prefix of instance IDs is not broad, while `*`, `arn:aws:ec2:*:*:instance/*`
 * or `arn:*:ec2:*:<account>:instance/i-*` are.
 */
const PROBE_REGIONS = ['us-east-1', 'eu-south-2', 'ap-southeast-4', 'cn-northwest-1', 'us-gov-west-1'];
const PROBE_INSTANCE_IDS = ['i-0123456789abcdef0', 'i-fedcba98', 'i-5a5a5a5a5a5a5a5a5'];

export function everyInstanceOf(home: PolicyHome): string[] {
  return PROBE_REGIONS.flatMap((region) =>
    PROBE_INSTANCE_IDS.map((id) => `arn:${home.partition}:ec2:${region}:${home.accountId}:instance/${id}`),
  );
}

/**
 * How to read a statement's resources when it is unclear whether IAM would match them (IAM compares
 * ARNs case-sensitively; authors do not always write them so): `widest` for an Allow, whose reach
 * must not be underestimated, `certain` for a Deny, which may cancel a grant only where IAM would
 * certainly apply it.
 */
export type ResourceReading = 'widest' | 'certain';

/**
 * Whether the statement's resources include every instance. IAM lets a `*` that ends an ARN segment
 * run on across colons, which `wildcardMatches` does too, so `arn:aws:ec2:*` counts as every instance.
 */
export function statementCoversEveryInstance(statement: Statement, instances: readonly string[], reading: ResourceReading): boolean {
  const matchedBy = (patterns: readonly string[], arn: string, caseSensitive: boolean) =>
    patterns.some((p) => wildcardMatches(p, arn, { caseSensitive }));
  // Resource widens the statement and NotResource narrows it, so each is read the other way round.
  if (statement.resource) return instances.every((arn) => matchedBy(statement.resource!, arn, reading === 'certain'));
  if (statement.notResource) return instances.every((arn) => !matchedBy(statement.notResource!, arn, reading === 'widest'));
  return false;
}

const RESOURCE_TAG_KEY_PREFIXES = ['ssm:resourcetag/', 'aws:resourcetag/', 'ec2:resourcetag/'];

/**
 * Whether a condition limits the statement to instances that carry a tag. Operators that let an
 * untagged instance through do not count: `...IfExists` and negated operators (`StringNotEquals`)
 * pass when the tag is absent, `Null` only tests presence, `ForAllValues:` passes on an empty set,
 * and `StringLike` with only `*` matches any value.
 */
export function hasResourceTagCondition(statement: Statement): boolean {
  return Object.entries(statement.condition).some(([operator, entries]) => {
    if (!operatorRequiresTagValue(operator)) return false;
    return Object.entries(entries).some(
      ([key, values]) =>
        RESOURCE_TAG_KEY_PREFIXES.some((prefix) => key.toLowerCase().startsWith(prefix)) &&
        !values.every((value) => value.split('').every((c) => c === '*')),
    );
  });
}

function operatorRequiresTagValue(operator: string): boolean {
  const op = operator.toLowerCase();
  if (op.startsWith('forallvalues:')) return false;
  const base = op.replace(/^foranyvalue:/, '');
  return !base.endsWith('ifexists') && !base.includes('not') && base !== 'null';
}

/** Every statement of the document that breaks a guardrail, after same-policy Denies are applied. */
export function findBroadGrants(document: unknown, home: PolicyHome): BroadGrant[] {
  const { statements } = parsePolicyDocument(document);
  const instances = everyInstanceOf(home);
  return SSM_GUARDRAILS.flatMap((guardrail) => {
    const onEveryInstance = (s: Statement, reading: ResourceReading) =>
      statementCoversAction(s, guardrail.action) && statementCoversEveryInstance(s, instances, reading);
    const denied = statements.some((s) => s.effect === 'Deny' && !hasConditions(s) && onEveryInstance(s, 'certain'));
    if (denied) return [];
    return statements
      .filter((s) => s.effect === 'Allow' && onEveryInstance(s, 'widest') && !hasResourceTagCondition(s))
      .map((s) => ({ guardrail, statement: s.label }));
  });
}

// ----- Verdicts for the IAM resources that carry policies -----

export type PolicySubjectKind = 'Policy' | 'Role' | 'User' | 'Group';

/** One policy document and the name it is known by (inline policy name, or the managed policy's version). */
export interface NamedPolicyDocument {
  readonly name: string;
  /** As delivered: URL-encoded text, JSON text, or an object. */
  readonly document: unknown;
}

/**
 * An IAM resource whose own policies are checked: a customer managed policy (its default version)
 * or a role, user or group (its inline policies; attached managed policies are checked as policies).
 */
export interface PolicySubject {
  readonly kind: PolicySubjectKind;
  readonly name: string;
  readonly arn: string;
  readonly documents: readonly NamedPolicyDocument[];
  /** Undefined when the source did not say (GetAccountAuthorizationDetails omits policy tags). */
  readonly tags: Readonly<Record<string, string>> | undefined;
}

/**
 * The document in force. A policy whose default version is missing from the item is reported as
 * unreadable, never passed.
 */
export function defaultVersionDocument(
  policyName: string,
  defaultVersionId: string | null | undefined,
  versions: readonly { versionId?: string | null; isDefaultVersion?: boolean | null; document?: unknown }[],
): NamedPolicyDocument {
  const version = versions.find((v) => v.isDefaultVersion === true) ?? versions.find((v) => defaultVersionId && v.versionId === defaultVersionId);
  if (!version) return { name: `policy ${policyName} (default version ${defaultVersionId ?? 'unknown'} not in the item)`, document: null };
  return { name: `policy ${policyName} ${version.versionId ?? 'default version'}`, document: version.document };
}

export interface SsmAccessExemptions {
  /** A subject tagged `<breakGlassTagKey>=true` is exempt. */
  readonly breakGlassTagKey: string;
  /** Policies, roles, users and groups exempt by exact ARN. */
  readonly breakGlassArns: readonly string[];
}

export const DEFAULT_BREAK_GLASS_TAG_KEY = 'SessionGuardBreakGlass';

export type SubjectFinding =
  | { readonly kind: 'grant'; readonly document: string; readonly grant: BroadGrant }
  | { readonly kind: 'unreadable'; readonly document: string; readonly reason: string };

/** The guardrail findings of every document the subject carries. Unreadable documents are findings. */
export function findSubjectFindings(subject: PolicySubject): SubjectFinding[] {
  const home = policyHome(subject.arn);
  return subject.documents.flatMap((named): SubjectFinding[] => {
    try {
      return findBroadGrants(named.document, home).map((grant) => ({ kind: 'grant', document: named.name, grant }));
    } catch (error) {
      if (!(error instanceof PolicyDocumentError)) throw error;
      return [{ kind: 'unreadable', document: named.name, reason: error.message }];
    }
  });
}

export class SubjectArnError extends Error {
  override name = 'SubjectArnError';
}

/** The partition and account of an IAM ARN (`arn:aws-cn:iam::111122223333:role/x`). */
export function policyHome(arn: string): PolicyHome {
  const match = /^arn:([a-z-]+):iam::(\d{12}):/.exec(arn);
  if (!match) throw new SubjectArnError(`${arn} is not an IAM ARN of an account; cannot tell which instances its policies reach.`);
  return { partition: match[1]!, accountId: match[2]! };
}

/**
 * The verdict for one subject. Exemptions only matter when something is found, so the verdict is
 * the same whether or not the caller knew the subject's tags for a subject that grants nothing.
 */
export function evaluateSsmAccess(
  subject: PolicySubject,
  exemptions: SsmAccessExemptions,
  findings: readonly SubjectFinding[] = findSubjectFindings(subject),
): Verdict {
  const who = `${subject.kind} ${subject.name}`;
  if (findings.length === 0) {
    return compliant(`${who} allows neither ssm:SendCommand nor ssm:StartSession on every instance without a resource-tag condition.`);
  }
  const exemption = exemptionOf(subject, exemptions);
  const summary = describeFindings(findings);
  if (exemption) return notApplicable(`${who} is break-glass (${exemption}); it ${summary}.`);
  // Findings first: when the annotation is clipped, what is wrong survives.
  return nonCompliant(`${who} ${summary}. Add an ssm:resourceTag condition or name the instances.`);
}

/**
 * Whether the verdict depends on tags the caller has not loaded yet. Pass the subject's findings
 * when they are at hand, so its documents are not analysed twice.
 */
export function needsTagsToDecide(
  subject: PolicySubject,
  exemptions: SsmAccessExemptions,
  findings?: readonly SubjectFinding[],
): boolean {
  if (subject.tags !== undefined || exemptions.breakGlassArns.includes(subject.arn)) return false;
  return (findings ?? findSubjectFindings(subject)).length > 0;
}

function exemptionOf(subject: PolicySubject, exemptions: SsmAccessExemptions): string | undefined {
  if (exemptions.breakGlassArns.includes(subject.arn)) return 'ARN listed in BreakGlassArns';
  const value = Object.entries(subject.tags ?? {}).find(([key]) => key === exemptions.breakGlassTagKey)?.[1];
  if (value?.trim().toLowerCase() === 'true') return `tag ${exemptions.breakGlassTagKey}=true`;
  return undefined;
}

function describeFindings(findings: readonly SubjectFinding[]): string {
  const parts: string[] = [];
  const grants = findings.flatMap((f) => (f.kind === 'grant' ? [f] : []));
  if (grants.length > 0) {
    const cited = grants.map(({ document, grant }) => `${grant.guardrail.id} ${grant.guardrail.action} (${document}, statement ${grant.statement})`);
    parts.push(`allows on every instance without a resource-tag condition: ${cited.join('; ')}`);
  }
  for (const f of findings) {
    if (f.kind === 'unreadable') parts.push(`has a policy ${f.document} that could not be read (${f.reason})`);
  }
  return parts.join('; and ');
}
