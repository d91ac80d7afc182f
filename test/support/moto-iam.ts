/** IAM set-ups for tests against moto_server, and the IAM limits moto does not enforce. */
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { join } from 'node:path';
import { readTemplate } from '../../scripts/template';
import { EC2_TRUST } from './iam-documents';
import { policyDocuments } from './template-policies';

export interface InstanceRoleSpec {
  readonly name: string;
  readonly path?: string;
  readonly trust?: unknown;
  /** The instance profile to put the role in; none when null. */
  readonly instanceProfile?: string | null;
  readonly tags?: Record<string, string>;
}

/** The stack's SessionManagerInstancePolicy document, every optional statement included. */
export const INSTANCE_POLICY_DOCUMENT = policyDocuments(
  readTemplate(join(import.meta.dirname, '../../template.yaml')),
).find(({ where }) => where === 'SessionManagerInstancePolicy')!.document;

/** A customer managed policy with the stack's SessionManagerInstancePolicy document; returns its ARN. */
export async function createInstancePolicy(
  iam: IAMClient,
  name = 'session-guard-SessionManagerInstancePolicy',
): Promise<string> {
  const { Policy } = await iam.send(
    new CreatePolicyCommand({ PolicyName: name, PolicyDocument: JSON.stringify(INSTANCE_POLICY_DOCUMENT) }),
  );
  return Policy!.Arn!;
}

/** An EC2 instance role in an instance profile (unless told otherwise); returns its RoleId. */
export async function createInstanceRole(iam: IAMClient, spec: InstanceRoleSpec): Promise<string> {
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName: spec.name,
      Path: spec.path ?? '/',
      AssumeRolePolicyDocument: JSON.stringify(spec.trust ?? EC2_TRUST),
      Tags: Object.entries(spec.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  const profile = spec.instanceProfile === undefined ? spec.name : spec.instanceProfile;
  if (profile !== null) {
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: profile, Path: spec.path ?? '/' }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: profile, RoleName: spec.name }));
  }
  return Role!.RoleId!;
}

/** Fills a role with `count` other managed policies. */
export async function attachOtherPolicies(iam: IAMClient, roleName: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const arn = await createInstancePolicy(iam, `${roleName}-other-${i}`);
    await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
  }
}

/** IAM's default quota of managed policies per role. */
export const DEFAULT_MANAGED_POLICIES_PER_ROLE = 10;
