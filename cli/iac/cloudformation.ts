/**
 * The rules' checks on a CloudFormation or SAM template before it is deployed. The verdicts come
 * from the rules' own core: the access guardrails judge each role, user, group and managed policy
 * the template deploys with every policy the template gives it (evaluateSsmAccess), Session
 * documents are judged as the preference rule judges them (evaluateSessionDocument), and roles in
 * instance profiles as the instance-role rule does (evaluateInstanceRole). This file only reads the
 * template into the facts those functions take.
 *
 * Values the template cannot know (parameters, imports, the region) are read as the worst case
 * for the check: any value (`*`) in policies, no value in Session documents. When that reading
 * decides a NON_COMPLIANT verdict, the annotation names the unknown values.
 */
import { LineCounter, parseDocument, isMap, isScalar } from 'yaml';
import { mostConcerning, type Verdict } from '../../functions/shared/core/compliance';
import {
  evaluateInstanceRole,
  type InstanceRolePolicy,
  type RoleFacts,
} from '../../functions/shared/core/instance-role';
import {
  assembleSubject,
  isAwsManagedPolicyArn,
  managedPolicyLabel,
  type NamedPolicyDocument,
  type PolicySubjectKind,
  type PolicySubjectParts,
} from '../../functions/shared/core/policy-subject';
import { evaluateSessionDocument, type SessionLimits } from '../../functions/shared/core/session-document-check';
import {
  type AccountHome,
  evaluateSsmAccess,
  type SsmAccessExemptions,
} from '../../functions/shared/core/ssm-access-guardrails';
import { parse as parseYaml } from '../../functions/shared/adapters/yaml-parse';
import { CLOUDFORMATION_TAGS } from './cloudformation-yaml';
import { type IntrinsicValues, resolveIntrinsics } from './intrinsics';
import {
  isIntrinsic,
  listOf,
  POLICY_RESOURCE_TYPES,
  PRINCIPAL_RESOURCE_TYPES,
  SAM_ROLE_RESOURCE_TYPES,
  templatePolicies,
  type TemplateResourceLike,
} from './template-policies';
import { InputError } from '../../functions/shared/errors';

/** Which CLI check a finding belongs to (the ids `scan --rule` takes). */
export type IacCheckId = 'instance-role' | 'ssm-access' | 'session-document';

export interface IacFinding extends Verdict {
  readonly checkId: IacCheckId;
  readonly file: string;
  readonly line: number;
  readonly resourceType: string;
  /** The resource's logical ID (CloudFormation) or address (Terraform). */
  readonly resource: string;
}

export interface IacOptions {
  /** The account the template is deployed to, as `${AWS::AccountId}` and `${AWS::Partition}` read. */
  readonly home: AccountHome;
  readonly exemptions: SsmAccessExemptions;
  readonly limits: SessionLimits;
  /**
   * The Session Manager instance policy (an ARN, or a logical ID in the template); without it no
   * instance-role findings.
   */
  readonly instancePolicy: Omit<InstanceRolePolicy, 'policyArn'> & { readonly policyArn?: string };
  /** AWS managed policies whose documents are known (from the bundled sample account). */
  knownManagedPolicy(arn: string): NamedPolicyDocument | undefined;
}

export class TemplateFileError extends InputError {
  override name = 'TemplateFileError';
}

interface CloudFormationTemplate {
  readonly Parameters?: Readonly<Record<string, unknown>>;
  readonly Resources: Readonly<Record<string, TemplateResourceLike>>;
}

/** Whether a parsed YAML or JSON file is a CloudFormation template (others in a folder are skipped). */
export const isCloudFormationTemplate = (value: unknown): value is CloudFormationTemplate =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { Resources?: unknown }).Resources === 'object' &&
  Object.values((value as { Resources: object }).Resources ?? {}).every(
    (r) => typeof r === 'object' && r !== null && typeof (r as { Type?: unknown }).Type === 'string',
  ) &&
  ('AWSTemplateFormatVersion' in value ||
    'Transform' in value ||
    Object.values((value as { Resources: Record<string, { Type: string }> }).Resources).some((r) =>
      /^(AWS|Custom|Alexa)::/.test(r.Type),
    ));

/** The template and the line of each resource's logical ID. */
export function readCloudFormation(
  file: string,
  text: string,
): { template: unknown; lineOf: (logicalId: string) => number } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    customTags: CLOUDFORMATION_TAGS,
    uniqueKeys: true,
    lineCounter,
    prettyErrors: false,
  });
  const error = document.errors[0];
  if (error)
    throw new TemplateFileError(
      `${file}:${lineCounter.linePos(error.pos[0]).line}: not valid YAML or ` +
        `JSON (${error.message.split('\n')[0]}); fix the file or leave it out.`,
    );
  const lines = new Map<string, number>();
  const resources = document.get('Resources', true);
  if (isMap(resources)) {
    for (const item of resources.items) {
      if (isScalar(item.key) && item.key.range)
        lines.set(String(item.key.value), lineCounter.linePos(item.key.range[0]).line);
    }
  }
  return { template: document.toJS(), lineOf: (logicalId) => lines.get(logicalId) ?? 1 };
}

/** Every finding of the three checks on one template. */
export function checkCloudFormation(
  file: string,
  template: CloudFormationTemplate,
  lineOf: (logicalId: string) => number,
  options: IacOptions,
): IacFinding[] {
  const judged = new Map<
    string,
    {
      checkId: IacCheckId;
      resourceType: string;
      resource: string;
      readings: { verdict: Verdict; worstCase: boolean }[];
      decisive: Set<string>;
    }
  >();
  // Each Fn::If branch, and unknown values read as the worst case and as a harmless value: a verdict
  // that only the worst case makes NON_COMPLIANT is the unknown values' doing, and says so.
  for (const branch of [1, 2] as const) {
    for (const worstCase of [true, false]) {
      const reading = new TemplateReading(template, options.home, branch, worstCase);
      for (const result of reading.judgeAll(options)) {
        const key = `${result.checkId} ${result.resource}`;
        const entry = judged.get(key) ?? { ...result, readings: [], decisive: new Set<string>() };
        entry.readings.push({ verdict: result.verdict, worstCase });
        if (worstCase) for (const u of result.unknowns) entry.decisive.add(u);
        judged.set(key, entry);
      }
    }
  }
  return [...judged.values()].map(({ checkId, resourceType, resource, readings, decisive }) => {
    const worst = mostConcerning(readings.map((r) => r.verdict));
    const decidedByUnknowns =
      worst.compliance === 'NON_COMPLIANT' &&
      decisive.size > 0 &&
      readings.some((r) => !r.worstCase && r.verdict.compliance !== 'NON_COMPLIANT');
    const annotation = decidedByUnknowns
      ? `${worst.annotation} Not known before deployment: ${[...decisive].join(', ')}, ` +
        `read as ${checkId === 'session-document' ? 'unset' : 'any value'}.`
      : worst.annotation;
    return { checkId, file, line: lineOf(resource), resourceType, resource, compliance: worst.compliance, annotation };
  });
}

/**
 * The InputParameters a template gives the Config rule it deploys under `logicalId`, as text:
 * session-guard's own template, or one that embeds it, says how its rules are configured, as a
 * deployed stack does for `scan`. Unknown values read as `*` inside a value (an ARN pattern under
 * a parameter's path); a value that is wholly unknown (a parameter passed through) is left out, so
 * the rule's default applies, as it does when the parameter is left empty.
 */
export function templateRuleParameters(
  template: CloudFormationTemplate,
  logicalId: string,
  home: AccountHome,
): Record<string, string> {
  const rule = template.Resources[logicalId];
  if (rule?.Type !== 'AWS::Config::ConfigRule') return {};
  const inputs = new TemplateReading(template, home, 1, true).resolve(rule.Properties?.InputParameters ?? {}, '*');
  if (typeof inputs !== 'object' || inputs === null) return {};
  return Object.fromEntries(
    Object.entries(inputs).flatMap(([name, value]) => {
      const text = value === undefined || value === null ? '*' : Array.isArray(value) ? value.join(',') : String(value);
      return text === '*' ? [] : [[name, text]];
    }),
  );
}

interface Judged {
  readonly checkId: IacCheckId;
  readonly resourceType: string;
  readonly resource: string;
  readonly verdict: Verdict;
  /** The unknown values this resource's facts were read with. */
  readonly unknowns: readonly string[];
}

/**
 * Pseudo parameters that name where the stack is deployed. Their values are not known here, but
 * each is one specific value (never a wildcard), so a representative one judges a policy the same:
 * a statement on `${AWS::Region}` reaches the nodes of one region, whichever it is.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
 */
const DEPLOYMENT_PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Region': 'us-east-1',
  'AWS::StackName': 'stack-name',
  'AWS::StackId': 'arn:aws:cloudformation:us-east-1:123456789012:stack/stack-name/00000000-0000-0000-0000-000000000000',
};

/** The template read once, with one choice of Fn::If branch and of how unknown values read. */
class TemplateReading {
  private readonly resources: Readonly<Record<string, TemplateResourceLike>>;
  private readonly parameters: Set<string>;
  private seen = new Set<string>();
  private options!: IacOptions;

  constructor(
    template: CloudFormationTemplate,
    private readonly home: AccountHome,
    private readonly branch: 1 | 2,
    private readonly worstCase: boolean,
  ) {
    this.resources = template.Resources;
    this.parameters = new Set(Object.keys(template.Parameters ?? {}));
  }

  judgeAll(options: IacOptions): Judged[] {
    this.options = options;
    return [...this.accessSubjects(), ...this.sessionDocuments(), ...this.instanceRoles()];
  }

  /** Intrinsics resolved; `unknownAs` is the worst case for the check at hand. */
  resolve(value: unknown, unknownAs: string): unknown {
    const { home } = this;
    const unknown = (label: string) => {
      this.seen.add(label);
      return this.worstCase ? unknownAs : `unknown-${label.replace(/[^A-Za-z0-9]+/g, '-')}`;
    };
    const values: IntrinsicValues = {
      branch: this.branch,
      ref: (name) => {
        if (name === 'AWS::Partition') return home.partition;
        if (name === 'AWS::AccountId') return home.accountId;
        if (name === 'AWS::URLSuffix') return home.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
        if (name in DEPLOYMENT_PSEUDO_PARAMETERS) return DEPLOYMENT_PSEUDO_PARAMETERS[name]!;
        if (this.parameters.has(name)) return unknown(name);
        const resource = this.resources[name];
        if (!resource) return unknown(name);
        return resource.Type === 'AWS::IAM::ManagedPolicy' ? this.templatePolicyArn(name) : name;
      },
      getAtt: (logicalId, attribute) => {
        const resource = this.resources[logicalId];
        if (!resource) return unknown(`${logicalId}.${attribute}`);
        if (attribute === 'Arn' && resource.Type === 'AWS::IAM::Role') return this.principalArn('Role', logicalId);
        // Another resource's ARN names that one resource: specific, though not known here.
        return attribute === 'Arn'
          ? `arn:${home.partition}:cloudformation::${home.accountId}:getatt/${logicalId}`
          : `${logicalId}.${attribute}`;
      },
      other: (key) => unknown(key),
    };
    return resolveIntrinsics(value, values);
  }

  /** Unknown values met since the last call, for the resource just read. */
  private takeUnknowns(): string[] {
    const taken = [...this.seen];
    this.seen = new Set();
    return taken;
  }

  private templatePolicyArn(logicalId: string): string {
    return `arn:${this.home.partition}:iam::${this.home.accountId}:policy/${logicalId}`;
  }

  /** The principal's ARN with its `Path`, which exemptions by ARN pattern may depend on. */
  private principalArn(kind: PolicySubjectKind, logicalId: string): string {
    const type = kind === 'Policy' ? 'policy' : kind.toLowerCase();
    const path = this.resolve(this.resources[logicalId]?.Properties?.Path, '*');
    const pathOrRoot = typeof path === 'string' ? path : '/';
    return `arn:${this.home.partition}:iam::${this.home.accountId}:${type}${pathOrRoot}${logicalId}`;
  }

  private ofType(types: readonly string[]): [string, TemplateResourceLike][] {
    return Object.entries(this.resources).filter(([, r]) => types.includes(r.Type));
  }

  // ----- IAM-SSM-1/2, SG-SSM-3/4 -----

  private accessSubjects(): Judged[] {
    const policies = templatePolicies(this.resources);
    const own = new Map<string, NamedPolicyDocument[]>();
    const attached = new Map<string, string[]>();
    const push = <T>(map: Map<string, T[]>, key: string, ...items: T[]) =>
      map.set(key, [...(map.get(key) ?? []), ...items]);
    const standalone: { logicalId: string; resourceType: string; document: NamedPolicyDocument }[] = [];
    /** The unknown values each subject's documents were read with. */
    const unknownsOf = new Map<string, string[]>();

    for (const policy of policies) {
      let document: NamedPolicyDocument =
        'document' in policy.written
          ? { name: policy.name, document: this.resolve(policy.written.document, '*') }
          : 'unreadable' in policy.written
            ? { name: `${policy.name} (${policy.written.unreadable})`, document: null }
            : { name: policy.name, document: null };
      if ('managedPolicy' in policy.written)
        push(attached, policy.logicalId, this.samManagedPolicyArn(policy.written.managedPolicy));
      const unknowns = this.takeUnknowns();
      // A document that is wholly an unknown value (a parameter, a value known only after apply).
      if (
        typeof document.document === 'string' &&
        unknowns.length > 0 &&
        (document.document === '*' || document.document.startsWith('unknown-'))
      ) {
        document = { name: `${policy.name} (${unknowns.join(', ')}, not known before deployment)`, document: null };
      }
      if ('managedPolicy' in policy.written) {
        push(unknownsOf, policy.logicalId, ...unknowns);
        continue;
      }
      if (!POLICY_RESOURCE_TYPES.includes(policy.resourceType)) {
        push(own, policy.logicalId, document);
        push(unknownsOf, policy.logicalId, ...unknowns);
        continue;
      }
      // A policy resource belongs to the roles, users and groups it names; one naming principals
      // outside the template (or a managed policy) is judged on its own as well.
      const props = this.resources[policy.logicalId]?.Properties ?? {};
      const targets = [
        ...listOf(props.Roles),
        ...listOf(props.Users),
        ...listOf(props.Groups),
        props.RoleName,
        props.UserName,
        props.GroupName,
      ].filter((t) => t !== undefined);
      let outside = policy.resourceType === 'AWS::IAM::ManagedPolicy';
      for (const target of targets) {
        const ref = templateRef(target);
        if (ref && PRINCIPAL_RESOURCE_TYPES.includes(this.resources[ref]?.Type ?? '')) {
          if (policy.resourceType === 'AWS::IAM::ManagedPolicy')
            push(attached, ref, this.templatePolicyArn(policy.logicalId));
          else push(own, ref, document);
          push(unknownsOf, ref, ...unknowns);
        } else outside = true;
      }
      if (outside || targets.length === 0) {
        standalone.push({ logicalId: policy.logicalId, resourceType: policy.resourceType, document });
        push(unknownsOf, policy.logicalId, ...unknowns);
      }
    }
    this.takeUnknowns();

    const lookup = {
      managedPolicy: (arn: string): NamedPolicyDocument | undefined => {
        const inTemplate = this.ofType(['AWS::IAM::ManagedPolicy']).find(([id]) => this.templatePolicyArn(id) === arn);
        if (inTemplate)
          return {
            name: `policy ${inTemplate[0]}`,
            document: this.resolve(inTemplate[1].Properties?.PolicyDocument, '*'),
          };
        return (
          this.options.knownManagedPolicy(arn) ?? {
            name:
              `${isAwsManagedPolicyArn(arn) ? managedPolicyLabel(arn) : `managed policy ${arn}`} ` +
              '(its document is not in the template nor among the AWS managed policies session-guard knows)',
            document: null,
          }
        );
      },
      group: (name: string) => {
        const group = this.resources[name];
        if (group?.Type !== 'AWS::IAM::Group') return undefined;
        return {
          name,
          inline: own.get(name) ?? [],
          attachedPolicyArns: [...(attached.get(name) ?? []), ...this.arnList(group.Properties?.ManagedPolicyArns)],
        };
      },
    };

    const judged: Judged[] = [];
    const judge = (logicalId: string, resourceType: string, parts: PolicySubjectParts) => {
      const subject = assembleSubject(parts, {
        managedPolicy: lookup.managedPolicy,
        group: (name) =>
          lookup.group(name) ?? {
            name,
            inline: [{ name: `group ${name} (not in the template)`, document: null }],
            attachedPolicyArns: [],
          },
      });
      judged.push({
        checkId: 'ssm-access',
        resourceType,
        resource: logicalId,
        verdict: evaluateSsmAccess(subject, this.options.exemptions),
        unknowns: [...(unknownsOf.get(logicalId) ?? []), ...this.takeUnknowns()],
      });
    };
    for (const [logicalId, resource] of this.ofType([...PRINCIPAL_RESOURCE_TYPES, ...SAM_ROLE_RESOURCE_TYPES])) {
      const props = resource.Properties ?? {};
      // A SAM function given a Role creates none, and SAM ignores its Policies.
      // https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html#sam-function-role
      if (SAM_ROLE_RESOURCE_TYPES.includes(resource.Type) && props.Role !== undefined) continue;
      const kind: PolicySubjectKind =
        resource.Type === 'AWS::IAM::User' ? 'User' : resource.Type === 'AWS::IAM::Group' ? 'Group' : 'Role';
      const boundary =
        props.PermissionsBoundary === undefined ? undefined : String(this.resolve(props.PermissionsBoundary, '*'));
      judge(logicalId, resource.Type, {
        kind,
        name: logicalId,
        arn: this.principalArn(kind, logicalId),
        tags: tagsOf(this.resolve(props.Tags, '')),
        own: own.get(logicalId) ?? [],
        attachedPolicyArns: [...(attached.get(logicalId) ?? []), ...this.arnList(props.ManagedPolicyArns)],
        ...(boundary ? { boundaryArn: boundary } : {}),
        groupNames: kind === 'User' ? listOf(this.resolve(props.Groups, '*')).map(String) : [],
      });
    }
    for (const { logicalId, resourceType, document } of standalone) {
      judge(logicalId, resourceType, {
        kind: 'Policy',
        name: logicalId,
        arn: this.principalArn('Policy', logicalId),
        tags: {},
        own: [document],
        attachedPolicyArns: [],
        groupNames: [],
      });
    }
    return judged;
  }

  private arnList(value: unknown): string[] {
    return listOf(this.resolve(value, '*')).map(String);
  }

  /** SAM takes an AWS managed policy by name (`AmazonSSMReadOnlyAccess`) or any policy by ARN. */
  private samManagedPolicyArn(written: unknown): string {
    const value = String(this.resolve(written, '*'));
    return value.startsWith('arn:') || value === '*' ? value : `arn:${this.home.partition}:iam::aws:policy/${value}`;
  }

  // ----- Session documents -----

  private sessionDocuments(): Judged[] {
    return this.ofType(['AWS::SSM::Document']).flatMap(([logicalId, resource]): Judged[] => {
      const props = resource.Properties ?? {};
      this.takeUnknowns();
      // A type the template cannot know could be Session: such a document is checked too. One with no
      // DocumentType is not a Session document: Session Manager reads only documents created as one.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-document.html
      // https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html
      if (props.DocumentType === undefined) return [];
      const type = String(this.resolve(props.DocumentType, 'Session'));
      if (type !== 'Session' && !type.startsWith('unknown-')) return [];
      const content = this.resolve(props.Content, '');
      const name = props.Name === undefined ? logicalId : String(this.resolve(props.Name, logicalId));
      const text = typeof content === 'string' ? content : JSON.stringify(content);
      const verdict = evaluateSessionDocument({ name, content: text }, this.options.limits, parseYaml);
      return [
        {
          checkId: 'session-document',
          resourceType: resource.Type,
          resource: logicalId,
          verdict,
          unknowns: this.takeUnknowns(),
        },
      ];
    });
  }

  // ----- roles in instance profiles -----

  private instanceRoles(): Judged[] {
    const written = this.options.instancePolicy.policyArn;
    if (written === undefined) return [];
    const policy: InstanceRolePolicy = {
      ...this.options.instancePolicy,
      policyArn:
        this.resources[written]?.Type === 'AWS::IAM::ManagedPolicy' ? this.templatePolicyArn(written) : written,
    };
    const profiles = this.ofType(['AWS::IAM::InstanceProfile']).map(([id, r]) => ({
      id,
      roles: listOf(this.resolve(r.Properties?.Roles, '*')).map(String),
    }));
    const attachedByPolicies = new Map<string, string[]>();
    for (const [id, r] of this.ofType(['AWS::IAM::ManagedPolicy'])) {
      for (const role of listOf(r.Properties?.Roles)) {
        const ref = templateRef(role);
        if (ref) attachedByPolicies.set(ref, [...(attachedByPolicies.get(ref) ?? []), this.templatePolicyArn(id)]);
      }
    }
    return this.ofType(['AWS::IAM::Role']).map(([logicalId, resource]): Judged => {
      this.takeUnknowns();
      const props = resource.Properties ?? {};
      const role: RoleFacts = {
        roleId: logicalId,
        roleName: logicalId,
        path: typeof props.Path === 'string' ? props.Path : '/',
        assumeRolePolicyDocument: this.resolve(props.AssumeRolePolicyDocument, '*'),
        instanceProfileNames: profiles
          .filter((p) => p.roles.includes(logicalId) || p.roles.includes('*'))
          .map((p) => p.id),
        attachedPolicyArns: [...(attachedByPolicies.get(logicalId) ?? []), ...this.arnList(props.ManagedPolicyArns)],
        tags: tagsOf(this.resolve(props.Tags, '')),
      };
      return {
        checkId: 'instance-role',
        resourceType: resource.Type,
        resource: logicalId,
        verdict: evaluateInstanceRole(role, policy),
        unknowns: this.takeUnknowns(),
      };
    });
  }
}

/** The logical ID a `!Ref` names, if the value is one. */
function templateRef(value: unknown): string | undefined {
  if (!isIntrinsic(value)) return undefined;
  const ref = (value as { Ref?: unknown }).Ref;
  return typeof ref === 'string' ? ref : undefined;
}

function tagsOf(value: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of listOf(value)) {
    const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof Key === 'string') tags[Key] = String(Value ?? '');
  }
  return tags;
}
