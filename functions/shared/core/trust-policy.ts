/**
 * Can Amazon EC2 (or Systems Manager, for DHMC and hybrid roles) assume this role?
 *
 * The seed's sample searched the trust document for `ec2.amazonaws.com` with a regex, so a role
 * whose trust only mentions EC2 in a condition value was wrongly in scope. Here the document is
 * parsed and only the Principal / Action / Effect of each statement count.
 */
import {
  hasConditions,
  type PolicyDocument,
  statementAppliesToService,
  statementCoversAction,
} from './policy-document';

/** The EC2 service principal in every partition: `ec2.amazonaws.com`, and `.com.cn` in China. */
export const EC2_SERVICE_PRINCIPALS = ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] as const;

/**
 * The principal DHMC and hybrid activation roles trust, as the DHMC and hybrid-activation pages
 * write their trust policies.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/hybrid-multicloud-service-role.html
 */
export const SSM_SERVICE_PRINCIPAL = 'ssm.amazonaws.com';

const ASSUME_ROLE = 'sts:AssumeRole';

/**
 * EC2 can assume the role when some Allow statement names an EC2 service principal for
 * `sts:AssumeRole`, and no unconditional Deny takes that away. A Deny with a condition may or may
 * not apply at run time, so it does not take the role out of scope: when in doubt the role stays
 * in scope and must carry the policy.
 */
export function ec2CanAssume(trustPolicy: PolicyDocument): boolean {
  return EC2_SERVICE_PRINCIPALS.some((service) => serviceCanAssume(trustPolicy, service));
}

/** Systems Manager can assume the role, as it must for a DHMC or hybrid activation role; same reading as EC2's. */
export function ssmCanAssume(trustPolicy: PolicyDocument): boolean {
  return serviceCanAssume(trustPolicy, SSM_SERVICE_PRINCIPAL);
}

function serviceCanAssume(trustPolicy: PolicyDocument, service: string): boolean {
  const matching = trustPolicy.statements.filter(
    (s) => statementAppliesToService(s, service) && statementCoversAction(s, ASSUME_ROLE),
  );
  const allowed = matching.some((s) => s.effect === 'Allow');
  const denied = matching.some((s) => s.effect === 'Deny' && !hasConditions(s));
  return allowed && !denied;
}
