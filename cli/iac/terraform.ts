/**
 * Terraform read into the CloudFormation resources the checks already know, so `.tf` files and
 * `terraform show -json` plans get the same verdicts from the same code (cloudformation.ts): each
 * aws_iam_* resource becomes its AWS::IAM:: counterpart, aws_iam_policy_document data sources
 * become the policy JSON they render, and every value Terraform cannot know before apply (a
 * variable, a local, a function call, a value "known after apply") becomes a template parameter
 * named after it, which the checks read as the worst case and name in their findings.
 * HCL is parsed by HashiCorp's own parser (@cdktf/hcl2json, the Go hcl library built to WebAssembly).
 * https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role
 * https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
 * https://developer.hashicorp.com/terraform/internals/json-format
 */
import { createRequire } from 'node:module';
import { listOf, type TemplateResourceLike } from './template-policies';
import { InputError } from '../../functions/shared/errors';

/**
 * HashiCorp's parser, loaded when a .tf file is read (it starts a WebAssembly module), through
 * require: its type declarations pull the DOM library into every type check of the project.
 */
const parseHcl = (file: string, text: string): Promise<unknown> =>
  (createRequire(import.meta.url)('@cdktf/hcl2json') as { parse(file: string, text: string): Promise<unknown> }).parse(
    file,
    text,
  );

export interface TerraformTemplate {
  readonly Parameters: Record<string, unknown>;
  readonly Resources: Record<string, TemplateResourceLike>;
}

/** One resource or data block: its address (`aws_iam_role.web`), type and arguments. */
interface Block {
  readonly address: string;
  readonly type: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** Data sources that say where Terraform runs: one specific value each, like CloudFormation's pseudo parameters. */
const CALLER_ATTRIBUTES: readonly [RegExp, string][] = [
  [/^data\.aws_caller_identity\.[\w-]+\.account_id$/, 'AWS::AccountId'],
  [/^data\.aws_partition\.[\w-]+\.partition$/, 'AWS::Partition'],
  [/^data\.aws_region\.[\w-]+\.(name|region|id)$/, 'AWS::Region'],
];

/** A `.tf` file as CloudFormation resources, and the line of each `resource`/`data` block. */
export async function readTerraformFile(
  file: string,
  text: string,
): Promise<{ template: TerraformTemplate; lineOf: (address: string) => number }> {
  let parsed: Record<string, Record<string, Record<string, Record<string, unknown>[]>>>;
  try {
    parsed = (await parseHcl(file, text)) as typeof parsed;
  } catch (error) {
    throw new TerraformFileError(
      `${file}: not valid Terraform ` +
        `(${error instanceof Error ? error.message.split('\n')[0] : String(error)}); fix the file or leave it out.`,
    );
  }
  const blocks = (kind: 'resource' | 'data', prefix: string): Block[] =>
    Object.entries(parsed[kind] ?? {}).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, bodies]) => ({
        address: `${prefix}${type}.${name}`,
        type,
        values: bodies[0] ?? {},
      })),
    );
  const reader = new HclValues(blocks('data', 'data.'));
  const template = await toTemplate(blocks('resource', ''), (value) => reader.read(value));
  for (const name of reader.unknowns) template.Parameters[name] = { Type: 'String' };
  return { template, lineOf: (address) => lineOfBlock(text, address) };
}

/** A `terraform show -json` plan: planned values, with what is known only after apply left unknown. */
export async function readTerraformPlan(
  plan: TerraformPlan,
  text: string,
): Promise<{ template: TerraformTemplate; lineOf: (address: string) => number }> {
  const unknownAfterApply = new Map(
    (plan.resource_changes ?? []).map((c) => [c.address, c.change?.after_unknown ?? {}]),
  );
  const resources: Block[] = [];
  const walk = (module: PlanModule | undefined) => {
    for (const r of module?.resources ?? []) {
      if (r.mode === 'managed')
        resources.push({
          address: r.address,
          type: r.type,
          values: withUnknowns(r.values ?? {}, unknownAfterApply.get(r.address), r.address),
        });
    }
    for (const child of module?.child_modules ?? []) walk(child);
  };
  walk(plan.planned_values?.root_module);
  const unknowns = new Set<string>();
  const template = await toTemplate(resources, (value) => markUnknowns(value, unknowns));
  for (const name of unknowns) template.Parameters[name] = { Type: 'String' };
  return {
    template,
    lineOf: (address) => {
      const at =
        text.indexOf(`"address": "${address}"`) >= 0
          ? text.indexOf(`"address": "${address}"`)
          : text.indexOf(`"address":"${address}"`);
      return at < 0 ? 1 : text.slice(0, at).split('\n').length;
    },
  };
}

export class TerraformFileError extends InputError {
  override name = 'TerraformFileError';
}

export interface TerraformPlan {
  readonly format_version?: string;
  readonly planned_values?: { readonly root_module?: PlanModule };
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly change?: { readonly after_unknown?: unknown };
  }[];
}
interface PlanModule {
  readonly resources?: readonly {
    readonly address: string;
    readonly mode: string;
    readonly type: string;
    readonly values?: Record<string, unknown>;
  }[];
  readonly child_modules?: readonly PlanModule[];
}

export const isTerraformPlan = (value: unknown): value is TerraformPlan =>
  typeof value === 'object' &&
  value !== null &&
  'format_version' in value &&
  ('planned_values' in value || 'resource_changes' in value);

/** Unknown-after-apply values become a marker naming the attribute, so findings can name it. */
const UNKNOWN = Symbol('unknown after apply');
function withUnknowns(values: Record<string, unknown>, unknown: unknown, address: string): Record<string, unknown> {
  if (typeof unknown !== 'object' || unknown === null) return values;
  const out: Record<string, unknown> = { ...values };
  for (const [key, flag] of Object.entries(unknown)) {
    if (flag === true) out[key] = { [UNKNOWN]: `${address}.${key}` };
    else if (
      typeof flag === 'object' &&
      flag !== null &&
      typeof values[key] === 'object' &&
      values[key] !== null &&
      !Array.isArray(flag)
    )
      out[key] = withUnknowns(values[key] as Record<string, unknown>, flag, `${address}.${key}`);
  }
  return out;
}

function markUnknowns(value: unknown, unknowns: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => markUnknowns(v, unknowns));
  if (typeof value !== 'object' || value === null) return value;
  const label = (value as { [UNKNOWN]?: string })[UNKNOWN];
  if (label !== undefined) {
    unknowns.add(label);
    return { Ref: label };
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markUnknowns(v, unknowns)]));
}

/** Reads HCL values as hcl2json gives them: `${...}` interpolations become CloudFormation intrinsics. */
class HclValues {
  readonly unknowns = new Set<string>();
  constructor(private readonly data: readonly Block[]) {}

  async read(value: unknown): Promise<unknown> {
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.read(v)));
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(
        await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await this.read(v)])),
      );
    if (typeof value !== 'string' || !value.includes('${')) return value;
    const first = nextInterpolation(value);
    if (first && first.index === 0 && first.length === value.length) return this.expression(first.expression);
    const parts: unknown[] = [];
    let rest = value;
    for (let match = nextInterpolation(rest); match; match = nextInterpolation(rest)) {
      parts.push(rest.slice(0, match.index).replaceAll('$${', '${'), await this.expression(match.expression));
      rest = rest.slice(match.index + match.length);
    }
    parts.push(rest.replaceAll('$${', '${'));
    return { 'Fn::Join': ['', parts.filter((p) => p !== '')] };
  }

  private async expression(expression: string): Promise<unknown> {
    const jsonencode = /^jsonencode\(([\s\S]*)\)$/.exec(expression);
    if (jsonencode) {
      const parsed = (await parseHcl('jsonencode.tf', `locals {\n  value = ${jsonencode[1]}\n}\n`)) as {
        locals?: { value?: unknown }[];
      };
      return this.read(parsed.locals?.[0]?.value);
    }
    const document = /^data\.aws_iam_policy_document\.([\w-]+)\.json$/.exec(expression);
    const source = document && this.data.find((d) => d.address === `data.aws_iam_policy_document.${document[1]}`);
    if (source) return this.read(policyDocumentJson(source.values));
    for (const [pattern, pseudo] of CALLER_ATTRIBUTES) if (pattern.test(expression)) return { Ref: pseudo };
    // Another resource's name, id or ARN names that resource; the template's logical ID is its address.
    const reference = /^(aws_[\w]+\.[\w-]+)\.(name|id|arn|unique_id)$/.exec(expression);
    if (reference) return reference[2] === 'arn' ? { 'Fn::GetAtt': [reference[1], 'Arn'] } : { Ref: reference[1] };
    this.unknowns.add(expression);
    return { Ref: expression };
  }
}

/** The next `${...}` (not an escaped `$${`), with braces balanced. */
function nextInterpolation(text: string): { index: number; length: number; expression: string } | undefined {
  for (let i = text.indexOf('${'); i >= 0; i = text.indexOf('${', i + 2)) {
    if (text[i - 1] === '$') continue;
    let depth = 0;
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}' && --depth === 0)
        return { index: i, length: j - i + 1, expression: text.slice(i + 2, j).trim() };
    }
  }
  return undefined;
}

/** What an aws_iam_policy_document renders: its statement blocks as IAM policy JSON. */
function policyDocumentJson(values: Readonly<Record<string, unknown>>): unknown {
  const statements = listOf(values.statement).map((raw) => {
    const s = raw as Record<string, unknown>;
    const principals = (key: string) => {
      const blocks = listOf(s[key]) as { type: string; identifiers: unknown }[];
      return blocks.length === 0 ? undefined : Object.fromEntries(blocks.map((p) => [p.type, p.identifiers]));
    };
    const conditions: Record<string, Record<string, unknown>> = {};
    for (const c of listOf(s.condition) as { test: string; variable: string; values: unknown }[])
      (conditions[c.test] ??= {})[c.variable] = c.values;
    const entries: [string, unknown][] = [
      ['Sid', s.sid],
      ['Effect', s.effect ?? 'Allow'],
      ['Action', s.actions],
      ['NotAction', s.not_actions],
      ['Resource', s.resources],
      ['NotResource', s.not_resources],
      ['Principal', principals('principals')],
      ['NotPrincipal', principals('not_principals')],
      ['Condition', Object.keys(conditions).length > 0 ? conditions : undefined],
    ];
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  });
  return { Version: values.version ?? '2012-10-17', Statement: statements };
}

/** A policy argument: JSON text (heredoc, plan) or an already-read document (jsonencode, policy document). */
const policyDocument = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

/** The CloudFormation resource each Terraform resource is, by type. */
async function toTemplate(blocks: readonly Block[], read: (value: unknown) => unknown): Promise<TerraformTemplate> {
  const Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> = {};
  const attach = (address: unknown, property: string, values: unknown[]) => {
    const target =
      typeof address === 'object' && address !== null && 'Ref' in address
        ? Resources[String((address as { Ref: unknown }).Ref)]
        : undefined;
    if (target) target.Properties[property] = [...listOf(target.Properties[property]), ...values];
  };
  const tags = (value: unknown) =>
    typeof value === 'object' && value !== null
      ? Object.entries(value).map(([Key, Value]) => ({ Key, Value }))
      : undefined;
  const principals = {
    aws_iam_role: 'AWS::IAM::Role',
    aws_iam_user: 'AWS::IAM::User',
    aws_iam_group: 'AWS::IAM::Group',
  } as const;
  // Principals first, so policies and attachments can find them.
  const ordered = [...blocks].sort((a, b) => Number(!(a.type in principals)) - Number(!(b.type in principals)));
  /** A plan names a role by its name (references are resolved there): back to the role's address. */
  const byName = new Map<string, string>();
  const principal = (value: unknown) =>
    typeof value === 'string' && byName.has(value) ? { Ref: byName.get(value) } : value;
  for (const block of ordered) {
    const v = (await read(block.values)) as Record<string, unknown>;
    const at = block.address;
    if (block.type in principals && typeof v.name === 'string') byName.set(v.name, at);
    for (const key of ['role', 'user', 'group']) if (key in v) v[key] = principal(v[key]);
    switch (block.type) {
      case 'aws_iam_role':
      case 'aws_iam_user':
      case 'aws_iam_group':
        Resources[at] = {
          Type: principals[block.type],
          Properties: {
            ...(v.assume_role_policy !== undefined
              ? { AssumeRolePolicyDocument: policyDocument(v.assume_role_policy) }
              : {}),
            ...(v.path !== undefined ? { Path: v.path } : {}),
            ...(v.permissions_boundary !== undefined ? { PermissionsBoundary: v.permissions_boundary } : {}),
            ...(v.tags !== undefined ? { Tags: tags(v.tags) } : {}),
            ManagedPolicyArns: listOf(v.managed_policy_arns),
            Policies: (listOf(v.inline_policy) as { name?: unknown; policy?: unknown }[])
              .filter((p) => p.policy !== undefined)
              .map((p) => ({ PolicyName: p.name, PolicyDocument: policyDocument(p.policy) })),
          },
        };
        break;
      case 'aws_iam_policy':
        Resources[at] = { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: policyDocument(v.policy) } };
        break;
      case 'aws_iam_role_policy':
      case 'aws_iam_user_policy':
      case 'aws_iam_group_policy': {
        const kind = block.type.split('_')[2]!;
        const type =
          kind === 'role' ? 'AWS::IAM::RolePolicy' : kind === 'user' ? 'AWS::IAM::UserPolicy' : 'AWS::IAM::GroupPolicy';
        const name = kind === 'role' ? 'RoleName' : kind === 'user' ? 'UserName' : 'GroupName';
        Resources[at] = {
          Type: type,
          Properties: { PolicyName: v.name ?? at, PolicyDocument: policyDocument(v.policy), [name]: v[kind] },
        };
        break;
      }
      case 'aws_iam_instance_profile':
        Resources[at] = { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: listOf(v.role) } };
        break;
      case 'aws_ssm_document':
        Resources[at] = {
          Type: 'AWS::SSM::Document',
          Properties: { DocumentType: v.document_type ?? 'Command', Name: v.name ?? at, Content: v.content },
        };
        break;
    }
  }
  // Attachments join the principals they name; one naming a principal outside these files is a
  // managed policy attached elsewhere, which the principal's own stack is checked with.
  for (const block of blocks) {
    if (!/^aws_iam_(role|user|group)_policy_attachment$|^aws_iam_policy_attachment$/.test(block.type)) continue;
    const v = (await read(block.values)) as Record<string, unknown>;
    const arn = v.policy_arn;
    for (const target of [
      ...listOf(v.role),
      ...listOf(v.user),
      ...listOf(v.group),
      ...listOf(v.roles),
      ...listOf(v.users),
      ...listOf(v.groups),
    ])
      attach(principal(target), 'ManagedPolicyArns', [arn]);
  }
  return { Parameters: {}, Resources };
}

/** The line of `resource "TYPE" "NAME" {` (or `data ...`) for an address. */
function lineOfBlock(text: string, address: string): number {
  const data = address.startsWith('data.');
  const [type, name] = (data ? address.slice(5) : address).split('.');
  const pattern = new RegExp(`^\\s*${data ? 'data' : 'resource'}\\s+"${type}"\\s+"${name}"`, 'm');
  const match = pattern.exec(text);
  return match ? text.slice(0, match.index).split('\n').length : 1;
}
