/**
 * The roles Systems Manager hands to managed nodes that have no instance profile of their own.
 *
 * Sessions on such a node log and encrypt with that role's credentials, so the role needs the
 * instance policy as much as an instance profile's role does:
 * - Default Host Management Configuration (DHMC): one role per account and region, named by the
 *   regional service setting /ssm/managed-instance/default-ec2-instance-management-role, serves
 *   every EC2 instance whose instance profile cannot call ssm:UpdateInstanceInformation.
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/fleet-manager-default-host-management-configuration.html
 * - Hybrid activations: the IAM role of the activation (and, once registered, of each hybrid node)
 *   is what on-premises servers and VMs use.
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-instance-profile.html
 * Both roles are trusted by ssm.amazonaws.com; the trust check lives in trust-policy.ts.
 */
import { nameInArn } from './arn';

/** The regional service setting that names the DHMC role (empty, or a placeholder, while DHMC is off). */
export const DHMC_SETTING_ID = '/ssm/managed-instance/default-ec2-instance-management-role';

export type NodeRoleUse =
  | { readonly kind: 'dhmc'; readonly region: string }
  | {
      readonly kind: 'activation';
      readonly region: string;
      readonly activationId: string;
      /** Set when the activation has expired: it registers no more nodes. */
      readonly expired?: true;
    }
  | { readonly kind: 'hybrid-node'; readonly region: string; readonly nodeId: string };

/** One use of a role, as Systems Manager names it: a role name, a `path/name`, or a role ARN. */
export interface NamedNodeRole {
  readonly role: string;
  readonly use: NodeRoleUse;
}

/**
 * IAM role names: letters, digits and `+=,.@_-`, not told apart by case (IAM's CreateRole RoleName):
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
 */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * The role name in what Systems Manager reports: the DHMC setting holds `path/name` (for example
 * `service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole`), activations and hybrid nodes
 * hold a name, and an ARN is read the same way. Anything that cannot be a role name, such as the
 * placeholder an unset DHMC setting holds, is no role: undefined.
 */
export function roleNameOf(reference: string): string | undefined {
  const name = nameInArn(reference.trim());
  return ROLE_NAME.test(name) ? name : undefined;
}

/** The node uses of each role, looked up by role name (IAM role names are unique regardless of case). */
export class NodeRoleIndex {
  private readonly usesByName = new Map<string, NodeRoleUse[]>();

  constructor(roles: Iterable<NamedNodeRole>) {
    for (const { role, use } of roles) {
      // An expired activation registers no more nodes; the nodes it registered keep its role and
      // are hybrid-node uses of their own.
      // https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Activation.html (Expired)
      // https://docs.aws.amazon.com/systems-manager/latest/userguide/hybrid-activation-managed-nodes.html
      if (use.kind === 'activation' && use.expired) continue;
      const name = roleNameOf(role);
      if (!name) continue;
      const key = name.toLowerCase();
      this.usesByName.set(key, [...(this.usesByName.get(key) ?? []), use]);
    }
  }

  usesOf(roleName: string): readonly NodeRoleUse[] {
    return this.usesByName.get(roleName.toLowerCase()) ?? [];
  }
}

/**
 * Why a role is in scope, for an annotation: "DHMC role in eu-west-1, us-east-1; role of
 * activation 4f1c... (eu-west-1); role of 3 hybrid nodes (eu-west-1)". Short: it shares 256
 * characters with the rest of the annotation.
 */
export function describeNodeRoleUses(uses: readonly NodeRoleUse[]): string {
  const parts: string[] = [];
  const dhmcRegions = unique(uses.flatMap((u) => (u.kind === 'dhmc' ? [u.region] : [])));
  if (dhmcRegions.length > 0) parts.push(`DHMC role in ${dhmcRegions.join(', ')}`);

  const activations = uses.flatMap((u) => (u.kind === 'activation' ? [`${u.activationId} (${u.region})`] : []));
  if (activations.length > 0)
    parts.push(`role of activation${activations.length > 1 ? 's' : ''} ${unique(activations).join(', ')}`);

  const nodes = uses.flatMap((u) => (u.kind === 'hybrid-node' ? [u] : []));
  if (nodes.length === 1) parts.push(`role of hybrid node ${nodes[0]!.nodeId} (${nodes[0]!.region})`);
  if (nodes.length > 1)
    parts.push(`role of ${nodes.length} hybrid nodes (${unique(nodes.map((n) => n.region)).join(', ')})`);
  return parts.join('; ');
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
