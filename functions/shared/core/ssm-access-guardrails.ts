/**
 * The SSM access guardrails: who can run commands on, or open a shell into, managed nodes their
 * policies do not name.
 *
 * - IAM-SSM-1: `ssm:SendCommand` on managed nodes the subject's policies do not name.
 * - IAM-SSM-2: `ssm:StartSession` on managed nodes the subject's policies do not name.
 *
 * Managed nodes are EC2 instances (`arn:<partition>:ec2:<region>:<account>:instance/i-...`) and
 * hybrid nodes (`arn:<partition>:ssm:<region>:<account>:managed-instance/mi-...`), both targets of
 * SendCommand and StartSession
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html),
 * in any region of the subject's own partition. "Not named" means an ID that appears literally in
 * no statement, carrying no tags or tags whose values no statement names. So a grant pinned to
 * listed instance IDs, or limited by a resource-tag condition that requires named values, passes;
 * `instance/*` in one region, an ID prefix (`instance/i-0*`), a NotResource carve-out, or a tag
 * condition any value satisfies (`StringLike '*'`, `'?*'`) is broad. How a subject's policies
 * combine (Deny wins, identity policies union, a permissions boundary intersects) is
 * core/effective-access.ts. Anything this module cannot read is reported, never passed: doubt is
 * not compliance.
 */
import { compliant, nonCompliant, notApplicable, type Verdict } from './compliance';
import { type AccessGrant, type AccountHome, type EffectivePolicies, findAccess, type PolicyInForce, type ResourceKind } from './effective-access';
import { parsePolicyDocument, PolicyDocumentError } from './policy-document';
import type { NamedPolicyDocument, PolicySubject } from './policy-subject';

export type { AccountHome } from './effective-access';

const HEX = '0123456789abcdef';

/**
 * Managed nodes. EC2 instance IDs are `i-` and 8 or 17 hexadecimal characters
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html); hybrid node IDs are
 * `mi-` and 17 (pattern `^mi-[0-9a-f]{17}$`,
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateManagedInstanceRole.html).
 */
export const MANAGED_NODES: readonly ResourceKind[] = [
  {
    label: 'EC2 instance',
    arnBefore: (home, region) => `arn:${home.partition}:ec2:${region}:${home.accountId}:instance/`,
    id: { prefix: 'i-', alphabet: HEX, lengths: [17, 8] },
  },
  {
    label: 'hybrid managed node',
    arnBefore: (home, region) => `arn:${home.partition}:ssm:${region}:${home.accountId}:managed-instance/`,
    id: { prefix: 'mi-', alphabet: HEX, lengths: [17] },
  },
];

export interface SsmGuardrail {
  readonly id: string;
  readonly action: string;
}

export const SSM_GUARDRAILS: readonly SsmGuardrail[] = [
  { id: 'IAM-SSM-1', action: 'ssm:SendCommand' },
  { id: 'IAM-SSM-2', action: 'ssm:StartSession' },
];

export interface SsmAccessExemptions {
  /** A subject tagged `<breakGlassTagKey>=true` is exempt. */
  readonly breakGlassTagKey: string;
  /** Policies, roles, users and groups exempt by exact ARN. */
  readonly breakGlassArns: readonly string[];
}

export const DEFAULT_BREAK_GLASS_TAG_KEY = 'SessionGuardBreakGlass';

export type SubjectFinding =
  | { readonly kind: 'grant'; readonly guardrail: SsmGuardrail; readonly grant: AccessGrant }
  | { readonly kind: 'unreadable'; readonly document: string; readonly reason: string };

export class SubjectArnError extends Error {
  override name = 'SubjectArnError';
}

/** The partition and account of an IAM ARN (`arn:aws-cn:iam::111122223333:role/x`). */
export function accountHome(arn: string): AccountHome {
  const match = /^arn:([a-z-]+):iam::(\d{12}):/.exec(arn);
  if (!match) throw new SubjectArnError(`${arn} is not an IAM ARN of an account; cannot tell which managed nodes its policies reach.`);
  return { partition: match[1]!, accountId: match[2]! };
}

/**
 * The guardrails the subject breaks, and the documents that could not be read. A subject with an
 * unreadable document is judged on the rest too, so its annotation says all that is known.
 */
export function findSubjectFindings(subject: PolicySubject): SubjectFinding[] {
  const home = accountHome(subject.arn);
  const unreadable: SubjectFinding[] = [];
  const read = (named: NamedPolicyDocument): PolicyInForce | undefined => {
    try {
      if (named.document === null || named.document === undefined) throw new PolicyDocumentError('IAM returned no document');
      return { name: named.name, statements: parsePolicyDocument(named.document).statements };
    } catch (error) {
      if (!(error instanceof PolicyDocumentError)) throw error;
      unreadable.push({ kind: 'unreadable', document: named.name, reason: error.message });
      return undefined;
    }
  };
  const identity = subject.documents.flatMap((d) => read(d) ?? []);
  const boundary = subject.boundary && read(subject.boundary);
  // An unreadable boundary limits nothing we can know: judge without it, and report it.
  const policies: EffectivePolicies = boundary ? { identity, boundary } : { identity };
  const grants = SSM_GUARDRAILS.flatMap((guardrail): SubjectFinding[] => {
    const grant = findAccess(policies, { action: guardrail.action, resources: MANAGED_NODES }, home);
    return grant ? [{ kind: 'grant', guardrail, grant }] : [];
  });
  return [...grants, ...unreadable];
}

/**
 * The verdict for one subject. Exemptions only matter when something is found, so the verdict is
 * the same whether or not the caller knew the tags of a subject that grants nothing.
 */
export function evaluateSsmAccess(
  subject: PolicySubject,
  exemptions: SsmAccessExemptions,
  findings: readonly SubjectFinding[] = findSubjectFindings(subject),
): Verdict {
  const who = `${subject.kind} ${subject.name}`;
  if (findings.length === 0) {
    return compliant(`${who} allows neither ssm:SendCommand nor ssm:StartSession on managed nodes its policies do not name.`);
  }
  const exemption = exemptionOf(subject, exemptions);
  const summary = describeFindings(findings);
  if (exemption) return notApplicable(`${who} is break-glass (${exemption}); it ${summary}.`);
  // Findings first: when the annotation is clipped, what is wrong survives.
  return nonCompliant(`${who} ${summary}. Name the nodes, or require named values of an ssm:resourceTag.`);
}

/**
 * Whether the verdict depends on tags the caller has not loaded yet. Pass the subject's findings
 * when they are at hand, so its documents are not analysed twice.
 */
export function needsTagsToDecide(subject: PolicySubject, exemptions: SsmAccessExemptions, findings?: readonly SubjectFinding[]): boolean {
  if (subject.tags !== undefined || exemptions.breakGlassArns.includes(subject.arn)) return false;
  return (findings ?? findSubjectFindings(subject)).length > 0;
}

function exemptionOf(subject: PolicySubject, exemptions: SsmAccessExemptions): string | undefined {
  if (exemptions.breakGlassArns.includes(subject.arn)) return 'ARN listed in BreakGlassArns';
  const value = Object.entries(subject.tags ?? {}).find(([key]) => key === exemptions.breakGlassTagKey)?.[1];
  if (value?.trim().toLowerCase() === 'true') return `tag ${exemptions.breakGlassTagKey}=true`;
  return undefined;
}

/** "allows IAM-SSM-1 ssm:SendCommand and IAM-SSM-2 ssm:StartSession on nodes it does not name (policy, statement)". */
function describeFindings(findings: readonly SubjectFinding[]): string {
  const bySource = new Map<string, string[]>();
  for (const f of findings) {
    if (f.kind !== 'grant') continue;
    const source = `${f.grant.policy}, statement ${f.grant.statement}${f.grant.why ? `: ${f.grant.why}` : ''}`;
    bySource.set(source, [...(bySource.get(source) ?? []), `${f.guardrail.id} ${f.guardrail.action}`]);
  }
  const parts = [...bySource].map(([source, guardrails]) => `${guardrails.join(' and ')} on nodes it does not name (${source})`);
  const sentences = parts.length > 0 ? [`allows ${parts.join('; ')}`] : [];
  for (const f of findings) {
    if (f.kind === 'unreadable') sentences.push(`has ${f.document} that could not be read (${f.reason})`);
  }
  return sentences.join('; and ');
}

/** One guardrail a single policy document breaks on its own. */
export interface BroadGrant {
  readonly guardrail: SsmGuardrail;
  readonly statement: string;
  readonly why?: string;
}

/**
 * The guardrails one policy document breaks when it is a subject's only policy (a customer
 * managed policy, or a policy our own template deploys). Throws PolicyDocumentError when the
 * document cannot be read.
 */
export function findBroadGrants(document: unknown, home: AccountHome): BroadGrant[] {
  const policy: PolicyInForce = { name: 'policy', statements: parsePolicyDocument(document).statements };
  return SSM_GUARDRAILS.flatMap((guardrail) => {
    const grant = findAccess({ identity: [policy] }, { action: guardrail.action, resources: MANAGED_NODES }, home);
    return grant ? [{ guardrail, statement: grant.statement, ...(grant.why ? { why: grant.why } : {}) }] : [];
  });
}
