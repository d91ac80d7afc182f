/**
 * The IAM principals and policies whose effective access the access guardrails judge, and how
 * their policies are gathered: a customer managed policy is its default version; a group is its
 * inline and attached policies; a role is its inline and attached policies, limited by its
 * permissions boundary; a user is that plus the inline and attached policies of every group it
 * belongs to. Attached policies are customer or AWS managed, read on their default version.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html
 */
import { nameInArn } from './arn';

export type PolicySubjectKind = 'Policy' | 'Role' | 'User' | 'Group';

/** One policy document and the name annotations use for it. */
export interface NamedPolicyDocument {
  /** "inline policy ops", "policy fleet-operators v2", "AWS managed policy AdministratorAccess". */
  readonly name: string;
  /** As delivered: URL-encoded text, JSON text, or an object; null when it could not be found. */
  readonly document: unknown;
}

/** A principal or policy with every policy document in force for it. */
export interface PolicySubject {
  readonly kind: PolicySubjectKind;
  readonly name: string;
  readonly arn: string;
  /** Identity policies, unioned by IAM. */
  readonly documents: readonly NamedPolicyDocument[];
  /** The permissions boundary, which IAM intersects with the identity policies. */
  readonly boundary?: NamedPolicyDocument;
  /** Undefined when the source did not say (GetAccountAuthorizationDetails omits policy tags). */
  readonly tags: Readonly<Record<string, string>> | undefined;
}

/** A subject as its source describes it: its own documents, and references to managed policies and groups. */
export interface PolicySubjectParts {
  readonly kind: PolicySubjectKind;
  readonly name: string;
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>> | undefined;
  /** Inline policies, or a customer managed policy's default version. */
  readonly own: readonly NamedPolicyDocument[];
  readonly attachedPolicyArns: readonly string[];
  readonly boundaryArn?: string;
  /** A user's groups, by name. */
  readonly groupNames: readonly string[];
}

/** A group's policies, for the users in it. */
export interface GroupPolicies {
  readonly name: string;
  readonly inline: readonly NamedPolicyDocument[];
  readonly attachedPolicyArns: readonly string[];
}

/** Where the documents that parts refer to are read from; a missing one is reported, never skipped. */
export interface PolicyLookup {
  managedPolicy(arn: string): NamedPolicyDocument | undefined;
  group(name: string): GroupPolicies | undefined;
}

/** AWS managed policies live in the `aws` account: `arn:aws:iam::aws:policy/AdministratorAccess`. */
export const isAwsManagedPolicyArn = (arn: string): boolean => /^arn:[a-z-]+:iam::aws:policy\//.test(arn);

/** How annotations name a managed policy: AWS managed ones by name, customer managed ones with their version. */
/** How annotations name an inline policy, alike from a Config item, the sweep and a template. */
export const inlinePolicyLabel = (name: string): string => `inline policy ${name}`;

export function managedPolicyLabel(arn: string, versionId?: string | null): string {
  if (isAwsManagedPolicyArn(arn)) return `AWS managed policy ${nameInArn(arn)}`;
  return `policy ${nameInArn(arn)}${versionId ? ` ${versionId}` : ''}`;
}

/**
 * The document in force. A policy whose default version is missing is reported as unreadable,
 * never passed.
 */
export function defaultVersionDocument(
  policyArnOrName: string,
  defaultVersionId: string | null | undefined,
  versions: readonly { versionId?: string | null; isDefaultVersion?: boolean | null; document?: unknown }[],
): NamedPolicyDocument {
  const version =
    versions.find((v) => v.isDefaultVersion === true) ??
    versions.find((v) => defaultVersionId && v.versionId === defaultVersionId);
  if (!version)
    return {
      name: `${managedPolicyLabel(policyArnOrName)} (default version ${defaultVersionId ?? 'unknown'} not in the item)`,
      document: null,
    };
  return {
    name: managedPolicyLabel(policyArnOrName, version.versionId ?? 'default version'),
    document: version.document,
  };
}

/** Every managed policy ARN the subject's documents depend on, its groups' included. */
export function referencedPolicyArns(parts: PolicySubjectParts, groups: readonly GroupPolicies[] = []): string[] {
  const arns = [...parts.attachedPolicyArns, ...(parts.boundaryArn ? [parts.boundaryArn] : [])];
  for (const group of groups) arns.push(...group.attachedPolicyArns);
  return [...new Set(arns)];
}

/** The subject with every document in force, named for annotations. */
export function assembleSubject(parts: PolicySubjectParts, lookup: PolicyLookup): PolicySubject {
  const managed = (arn: string, prefix = '') => {
    const found = lookup.managedPolicy(arn);
    return found
      ? { ...found, name: prefix + found.name }
      : { name: `${prefix}${managedPolicyLabel(arn)} (not found in IAM)`, document: null };
  };
  const documents: NamedPolicyDocument[] = [...parts.own, ...parts.attachedPolicyArns.map((arn) => managed(arn))];
  for (const name of parts.groupNames) {
    const group = lookup.group(name);
    if (!group) {
      documents.push({ name: `group ${name} (not found in IAM)`, document: null });
      continue;
    }
    const prefix = `group ${name}: `;
    documents.push(
      ...group.inline.map((d) => ({ ...d, name: prefix + d.name })),
      ...group.attachedPolicyArns.map((arn) => managed(arn, prefix)),
    );
  }
  return {
    kind: parts.kind,
    name: parts.name,
    arn: parts.arn,
    documents,
    ...(parts.boundaryArn ? { boundary: managed(parts.boundaryArn, 'permissions boundary ') } : {}),
    tags: parts.tags,
  };
}
