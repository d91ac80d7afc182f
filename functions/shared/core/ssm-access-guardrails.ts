/**
 * The SSM access guardrails: who can run commands on, or open a shell into, managed nodes their
 * policies do not name, and who can step around or switch off the account's session controls.
 *
 * - IAM-SSM-1: `ssm:SendCommand` on managed nodes the subject's policies do not name.
 * - IAM-SSM-2: `ssm:StartSession` on managed nodes the subject's policies do not name.
 * - SG-SSM-3: `ssm:StartSession`, on some node the subject can reach, with a session document other
 *   than the account's preferences document (`SSM-SessionManagerRunShell`) and the documents the
 *   rule allows. StartSession authorizes the document as a resource too; SSH and port-forwarding
 *   sessions (AWS-StartSSHSession, AWS-StartPortForwardingSession...) are not logged by Session
 *   Manager, and a Session document of one's own need set no logging and no key, so such a
 *   session skips the preferences
 *   (https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-specify-session-document.html,
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html).
 * - SG-SSM-4: the subject may change what governs sessions: create, update, delete or repoint the
 *   default version of `SSM-SessionManagerRunShell` in any region
 *   (https://docs.aws.amazon.com/systems-manager/latest/userguide/preference-setting-permissions.html),
 *   or update or reset the service setting `/ssm/managed-instance/default-ec2-instance-management-role`,
 *   which names the Default Host Management Configuration role
 *   (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateServiceSetting.html).
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
import { nameInArn } from './arn';
import { compliant, nonCompliant, notApplicable, type Verdict } from './compliance';
import {
  type AccessGrant,
  type AccountHome,
  checkIdentityStatements,
  type EffectivePolicies,
  findAccess,
  type PolicyInForce,
  type ResourceKind,
} from './effective-access';
import { parsePolicyDocument, PolicyDocumentError, wildcardMatches } from './policy-document';
import type { NamedPolicyDocument, PolicySubject } from './policy-subject';
import { SESSION_PREFERENCES_DOCUMENT_NAME } from './session-manager';
import { DHMC_SETTING_ID } from './session-node-roles';
import { isTaggedTrue } from './tags';
import { InputError } from '../errors';

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

/** The service setting that names the Default Host Management Configuration role, as its ARN ends. */
const DHMC_SETTING = DHMC_SETTING_ID.slice(1);

/**
 * AWS's own session documents that start sessions other than the preferences' shell: SSH, port
 * forwarding (to the node, a remote host, a socket), and interactive and non-interactive commands
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-specify-session-document.html).
 * AWS-owned documents have no account in their ARN: `arn:aws:ssm:us-east-1::document/AWS-StartSSHSession`.
 */
export const AWS_SESSION_DOCUMENTS = [
  'AWS-StartSSHSession',
  'AWS-StartPortForwardingSession',
  'AWS-StartPortForwardingSessionToRemoteHost',
  'AWS-StartPortForwardingSessionToSocket',
  'AWS-StartInteractiveCommand',
  'AWS-StartNonInteractiveCommand',
] as const;

/** Document names: letters, digits, `_`, `-`, `.` (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html). */
const DOCUMENT_NAME_CHARACTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-';

const AWS_DOCUMENTS: readonly ResourceKind[] = AWS_SESSION_DOCUMENTS.map((name) => ({
  label: 'AWS session document',
  arnBefore: (home, region) => `arn:${home.partition}:ssm:${region}::document/`,
  id: { name },
}));

const OWN_DOCUMENTS: readonly ResourceKind[] = [
  {
    label: 'session document of the account',
    arnBefore: (home, region) => `arn:${home.partition}:ssm:${region}:${home.accountId}:document/`,
    id: { prefix: '', alphabet: DOCUMENT_NAME_CHARACTERS, lengths: [40] },
  },
];

const SESSION_CONTROLS: readonly {
  readonly actions: readonly string[];
  readonly resource: ResourceKind;
  readonly said: string;
}[] = [
  {
    actions: ['ssm:CreateDocument', 'ssm:UpdateDocument', 'ssm:UpdateDocumentDefaultVersion', 'ssm:DeleteDocument'],
    resource: {
      label: 'preferences document',
      arnBefore: (home, region) => `arn:${home.partition}:ssm:${region}:${home.accountId}:document/`,
      id: { name: SESSION_PREFERENCES_DOCUMENT_NAME },
    },
    said: SESSION_PREFERENCES_DOCUMENT_NAME,
  },
  {
    actions: ['ssm:UpdateServiceSetting', 'ssm:ResetServiceSetting'],
    resource: {
      label: 'service setting',
      arnBefore: (home, region) => `arn:${home.partition}:ssm:${region}:${home.accountId}:servicesetting/`,
      id: { name: DHMC_SETTING },
    },
    said: 'the Default Host Management role setting',
  },
];

export interface SsmAccessExemptions {
  /** A subject tagged `<breakGlassTagKey>=true` is exempt. */
  readonly breakGlassTagKey: string;
  /** Policies, roles, users and groups exempt by exact ARN. */
  readonly breakGlassArns: readonly string[];
  /** Session documents (names, or ARNs for one region) SG-SSM-3 accepts besides the preferences document. */
  readonly allowedSessionDocuments: readonly string[];
  /**
   * Principals whose job is to manage the session controls (this deployment's preferences function
   * roles), as ARN patterns: SG-SSM-4 skips them.
   */
  readonly sessionControlManagerArns: readonly string[];
}

export interface SsmGuardrail {
  readonly id: string;
  /** What it asks, for annotations of subjects that break none. */
  readonly question: string;
  /** The finding, if the subject breaks it: what it may do, and the statement that grants it. */
  find(
    policies: EffectivePolicies,
    home: AccountHome,
    exemptions: SsmAccessExemptions,
  ): { readonly what: string; readonly grant: AccessGrant } | undefined;
  /** Whether the exemptions put this subject outside the guardrail whatever its policies allow. */
  exempts?(subjectArn: string, exemptions: SsmAccessExemptions): boolean;
}

const onUnnamedNodes =
  (action: string): SsmGuardrail['find'] =>
  (policies, home) => {
    const grant = findAccess(policies, { action, resources: MANAGED_NODES }, home);
    return grant && { what: `${action} on nodes it does not name`, grant };
  };

export const SSM_GUARDRAILS: readonly SsmGuardrail[] = [
  { id: 'IAM-SSM-1', question: 'ssm:SendCommand on nodes it does not name', find: onUnnamedNodes('ssm:SendCommand') },
  { id: 'IAM-SSM-2', question: 'ssm:StartSession on nodes it does not name', find: onUnnamedNodes('ssm:StartSession') },
  {
    id: 'SG-SSM-3',
    question: 'sessions with other session documents',
    find(policies, home, exemptions) {
      const action = 'ssm:StartSession';
      // Any node counts here, listed ones too: the question is which document the session follows.
      if (!findAccess(policies, { action, resources: MANAGED_NODES, includeNamed: true }, home)) return undefined;
      const allowedArns = exemptions.allowedSessionDocuments.filter((d) => d.startsWith('arn:'));
      const excludedIds = [
        SESSION_PREFERENCES_DOCUMENT_NAME,
        ...exemptions.allowedSessionDocuments.filter((d) => !d.startsWith('arn:')),
      ];
      const grant =
        findAccess(
          policies,
          { action, resources: AWS_DOCUMENTS, includeNamed: true, excludedIds, excludedArns: allowedArns },
          home,
        ) ?? findAccess(policies, { action, resources: OWN_DOCUMENTS, excludedIds, excludedArns: allowedArns }, home);
      return grant && { what: `${action} with ${nameInArn(grant.resourceArn)}`, grant };
    },
  },
  {
    id: 'SG-SSM-4',
    question: 'changes to the session controls',
    // The principals that deploy the session controls are expected to change them.
    exempts: (subjectArn, exemptions) =>
      exemptions.sessionControlManagerArns.some((p) => wildcardMatches(p, subjectArn, { caseSensitive: true })),
    find(policies, home) {
      for (const control of SESSION_CONTROLS) {
        for (const action of control.actions) {
          const grant = findAccess(policies, { action, resources: [control.resource], includeNamed: true }, home);
          if (grant) return { what: `${action} on ${control.said}`, grant };
        }
      }
      return undefined;
    },
  },
];

export const DEFAULT_BREAK_GLASS_TAG_KEY = 'SessionGuardBreakGlass';

export type SubjectFinding =
  | { readonly kind: 'grant'; readonly guardrail: SsmGuardrail; readonly what: string; readonly grant: AccessGrant }
  | { readonly kind: 'unreadable'; readonly document: string; readonly reason: string };

export class SubjectArnError extends InputError {
  override name = 'SubjectArnError';
}

/** The partition and account of an IAM ARN (`arn:aws-cn:iam::111122223333:role/x`). */
export function accountHome(arn: string): AccountHome {
  const match = /^arn:([a-z-]+):iam::(\d{12}):/.exec(arn);
  if (!match)
    throw new SubjectArnError(
      `${arn} is not an IAM ARN of an account; cannot tell which managed nodes its policies reach.`,
    );
  return { partition: match[1]!, accountId: match[2]! };
}

/**
 * The guardrails the subject breaks, and the documents that could not be read. A subject with an
 * unreadable document is judged on the rest too, so its annotation says all that is known.
 */
export function findSubjectFindings(subject: PolicySubject, exemptions: SsmAccessExemptions): SubjectFinding[] {
  const home = accountHome(subject.arn);
  const unreadable: SubjectFinding[] = [];
  const read = (named: NamedPolicyDocument): PolicyInForce | undefined => {
    try {
      if (named.document === null || named.document === undefined)
        throw new PolicyDocumentError('IAM returned no document');
      return { name: named.name, statements: readIdentityStatements(named.document) };
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
    if (guardrail.exempts?.(subject.arn, exemptions)) return [];
    const found = guardrail.find(policies, home, exemptions);
    return found ? [{ kind: 'grant', guardrail, ...found }] : [];
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
  findings: readonly SubjectFinding[] = findSubjectFindings(subject, exemptions),
): Verdict {
  const who = `${subject.kind} ${subject.name}`;
  if (findings.length === 0) {
    return compliant(
      `${who} allows no ssm:SendCommand or ssm:StartSession on nodes it does not ` +
        'name, no session with another document, no change to the session controls.',
    );
  }
  const exemption = exemptionOf(subject, exemptions);
  const summary = describeFindings(findings);
  if (exemption) return notApplicable(`${who} is break-glass (${exemption}); it ${summary}.`);
  // Findings first: when the annotation is clipped, what is wrong survives.
  return nonCompliant(`${who} ${summary}.${fixFor(findings)}`);
}

/** What to do, for the first finding; the README lists the fix for each. */
function fixFor(findings: readonly SubjectFinding[]): string {
  const first = findings.find((f) => f.kind === 'grant');
  switch (first?.kind === 'grant' ? first.guardrail.id : undefined) {
    case 'IAM-SSM-1':
    case 'IAM-SSM-2':
      return ' Name the nodes, or require named values of an ssm:resourceTag.';
    case 'SG-SSM-3':
      return ` Name ${SESSION_PREFERENCES_DOCUMENT_NAME} (or allowed documents) as StartSession's document resource.`;
    case 'SG-SSM-4':
      return ' Leave the session controls to the stack that manages them.';
    default:
      return '';
  }
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
  return (findings ?? findSubjectFindings(subject, exemptions)).length > 0;
}

function exemptionOf(subject: PolicySubject, exemptions: SsmAccessExemptions): string | undefined {
  if (exemptions.breakGlassArns.includes(subject.arn)) return 'ARN listed in BreakGlassArns';
  if (isTaggedTrue(subject.tags, exemptions.breakGlassTagKey)) return `tag ${exemptions.breakGlassTagKey}=true`;
  return undefined;
}

/**
 * "allows IAM-SSM-1, IAM-SSM-2 through <policy>, statement <sid> (ssm:SendCommand and
 * ssm:StartSession on nodes it does not name; condition: ...)": guardrail ids and the policy first,
 * so they survive when Config's 256 characters clip the rest.
 */
function describeFindings(findings: readonly SubjectFinding[]): string {
  const bySource = new Map<string, { ids: string[]; whats: string[]; why?: string }>();
  for (const f of findings) {
    if (f.kind !== 'grant') continue;
    const source = `${f.grant.policy}, statement ${f.grant.statement}`;
    const entry = bySource.get(source) ?? { ids: [], whats: [], ...(f.grant.why ? { why: f.grant.why } : {}) };
    entry.ids.push(f.guardrail.id);
    entry.whats.push(f.what);
    bySource.set(source, entry);
  }
  // "ssm:SendCommand and ssm:StartSession on nodes it does not name": said once.
  const joined = (whats: string[]) => {
    const suffix = ' on nodes it does not name';
    const onNodes = whats.filter((w) => w.endsWith(suffix));
    const merged =
      onNodes.length > 1 ? [`${onNodes.map((w) => w.slice(0, -suffix.length)).join(' and ')}${suffix}`] : onNodes;
    return [...merged, ...whats.filter((w) => !w.endsWith(suffix))].join('; ');
  };
  const parts = [...bySource].map(
    ([source, { ids, whats, why }]) =>
      `${ids.join(', ')} through ${source} (${joined(whats)}${why ? `; condition: ${why}` : ''})`,
  );
  const sentences = parts.length > 0 ? [`allows ${parts.join('; ')}`] : [];
  for (const f of findings) {
    if (f.kind === 'unreadable') sentences.push(`has ${f.document} that could not be read (${f.reason})`);
  }
  return sentences.join('; and ');
}

/** A policy's statements, read as IAM reads an identity policy: a statement IAM rejects throws. */
export function readIdentityStatements(document: unknown) {
  const { statements } = parsePolicyDocument(document);
  checkIdentityStatements(statements);
  return statements;
}

export const NO_EXEMPTIONS: SsmAccessExemptions = {
  breakGlassTagKey: DEFAULT_BREAK_GLASS_TAG_KEY,
  breakGlassArns: [],
  allowedSessionDocuments: [],
  sessionControlManagerArns: [],
};
