import { describe, expect, it } from 'vitest';
import {
  evaluateInstanceRole,
  type InstanceRolePolicy,
  mayServeManagedNodes,
  type RoleFacts,
} from '../../functions/shared/core/instance-role';
import type { NodeRoleUse } from '../../functions/shared/core/session-node-roles';
import { EC2_TRUST, LAMBDA_TRUST, SSM_TRUST, trustFor, urlEncoded } from '../support/iam-documents';

const POLICY = 'arn:aws:iam::111122223333:policy/session-guard/SessionGuardInstancePolicy';
const policy: InstanceRolePolicy = {
  policyArn: POLICY,
  alternativePolicyArns: [],
  exemptionTagKey: 'SessionManagerExempt',
};

const role = (overrides: Partial<RoleFacts> = {}): RoleFacts => ({
  roleId: 'AROAEXAMPLEWEBSERVER1',
  roleName: 'web-server',
  path: '/',
  assumeRolePolicyDocument: urlEncoded(EC2_TRUST),
  instanceProfileNames: ['web-server-profile'],
  attachedPolicyArns: [],
  tags: {},
  ...overrides,
});

describe('evaluateInstanceRole', () => {
  it('is COMPLIANT when an EC2 role in an instance profile carries the policy', () => {
    const verdict = evaluateInstanceRole(
      role({ attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', POLICY] }),
      policy,
    );
    expect(verdict.compliance).toBe('COMPLIANT');
  });

  it('is NON_COMPLIANT without the policy, naming the role, the profile and the policy to attach', () => {
    const verdict = evaluateInstanceRole(role(), policy);
    expect(verdict.compliance).toBe('NON_COMPLIANT');
    expect(verdict.annotation).toContain('web-server');
    expect(verdict.annotation).toContain('web-server-profile');
    expect(verdict.annotation).toContain(`attach ${POLICY}`);
  });

  it('matches by ARN: a same-named policy at another path or in another account does not count', () => {
    for (const lookalike of [
      'arn:aws:iam::999988887777:policy/session-guard/SessionGuardInstancePolicy',
      'arn:aws:iam::111122223333:policy/SessionGuardInstancePolicy',
      'arn:aws:iam::111122223333:policy/other/SessionGuardInstancePolicy',
    ]) {
      expect(evaluateInstanceRole(role({ attachedPolicyArns: [lookalike] }), policy).compliance).toBe('NON_COMPLIANT');
    }
  });

  it('accepts an alternative policy ARN', () => {
    const alternative = 'arn:aws:iam::111122223333:policy/org/OrgSessionManagerPolicy';
    const verdict = evaluateInstanceRole(role({ attachedPolicyArns: [alternative] }), {
      ...policy,
      alternativePolicyArns: [alternative],
    });
    expect(verdict.compliance).toBe('COMPLIANT');
  });

  it('works in other partitions', () => {
    const cnPolicy = 'arn:aws-cn:iam::111122223333:policy/SessionGuardInstancePolicy';
    const cnRole = role({
      assumeRolePolicyDocument: urlEncoded(trustFor({ Service: 'ec2.amazonaws.com.cn' })),
      attachedPolicyArns: [cnPolicy],
    });
    expect(evaluateInstanceRole(cnRole, { ...policy, policyArn: cnPolicy }).compliance).toBe('COMPLIANT');
  });

  it.each([
    ['a service-linked role', role({ path: '/aws-service-role/autoscaling.amazonaws.com/' }), 'service-linked'],
    ['an exempt role', role({ tags: { SessionManagerExempt: 'True' } }), 'exempt'],
    ['a role in no instance profile', role({ instanceProfileNames: [] }), 'no instance profile'],
    ['a Lambda role', role({ assumeRolePolicyDocument: urlEncoded(LAMBDA_TRUST) }), 'cannot be assumed by EC2'],
  ])('is NOT_APPLICABLE for %s', (_, facts, reason) => {
    const verdict = evaluateInstanceRole(facts, policy);
    expect(verdict.compliance).toBe('NOT_APPLICABLE');
    expect(verdict.annotation).toContain(reason);
  });

  it('does not exempt a role whose exemption tag is not "true", nor one tagged with another key', () => {
    expect(evaluateInstanceRole(role({ tags: { SessionManagerExempt: 'false' } }), policy).compliance).toBe(
      'NON_COMPLIANT',
    );
    expect(evaluateInstanceRole(role({ tags: { Exempt: 'true' } }), policy).compliance).toBe('NON_COMPLIANT');
    const custom = { ...policy, exemptionTagKey: 'security:break-glass' };
    expect(evaluateInstanceRole(role({ tags: { 'security:break-glass': 'true' } }), custom).compliance).toBe(
      'NOT_APPLICABLE',
    );
  });

  it('keeps a role with an unreadable trust policy in scope: NON_COMPLIANT, never COMPLIANT on doubt', () => {
    const verdict = evaluateInstanceRole(role({ assumeRolePolicyDocument: '%7Bbroken' }), policy);
    expect(verdict.compliance).toBe('NON_COMPLIANT');
    expect(verdict.annotation).toContain('could not be read');
  });

  it('keeps a long finding whole, the policy to attach before the profile list (Config gets it clipped when it is sent)', () => {
    const many = Array.from({ length: 12 }, (_, i) => `a-very-long-instance-profile-name-number-${i}`);
    const verdict = evaluateInstanceRole(role({ roleName: 'r'.repeat(64), instanceProfileNames: many }), policy);
    expect(verdict.annotation.length).toBeGreaterThan(256);
    expect(verdict.annotation.indexOf(POLICY)).toBeLessThan(verdict.annotation.indexOf(many[0] ?? ''));
    expect(verdict.annotation).toContain(many[11]);
    expect(verdict.annotation).not.toContain('…');
  });
});

describe('roles Systems Manager hands to nodes without an instance profile', () => {
  const dhmcRole = role({
    roleId: 'AROAEXAMPLEDHMCROLE01',
    roleName: 'AWSSystemsManagerDefaultEC2InstanceManagementRole',
    path: '/service-role/',
    assumeRolePolicyDocument: urlEncoded(SSM_TRUST),
    instanceProfileNames: [],
    attachedPolicyArns: ['arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy'],
  });
  const dhmc = (region: string): NodeRoleUse => ({ kind: 'dhmc', region });

  it('puts the DHMC role of a region in scope, saying so: NON_COMPLIANT without the policy, COMPLIANT with it', () => {
    const without = evaluateInstanceRole(dhmcRole, policy, [dhmc('eu-west-1')]);
    expect(without.compliance).toBe('NON_COMPLIANT');
    expect(without.annotation).toContain('DHMC role in eu-west-1');
    expect(without.annotation).toContain(`attach ${POLICY}`);
    const withPolicy = evaluateInstanceRole(
      { ...dhmcRole, attachedPolicyArns: [...dhmcRole.attachedPolicyArns, POLICY] },
      policy,
      [dhmc('eu-west-1')],
    );
    expect(withPolicy.compliance).toBe('COMPLIANT');
    expect(withPolicy.annotation).toContain('DHMC role in eu-west-1');
  });

  it('keeps the instance profile and the node use side by side when a role is both', () => {
    const both = role({
      assumeRolePolicyDocument: urlEncoded(trustFor({ Service: ['ec2.amazonaws.com', 'ssm.amazonaws.com'] })),
    });
    const verdict = evaluateInstanceRole(both, policy, [
      { kind: 'activation', region: 'us-east-1', activationId: 'act-1' },
    ]);
    expect(verdict.annotation).toContain('Instance profile web-server-profile; role of activation act-1 (us-east-1).');
  });

  it('is NOT_APPLICABLE for a named DHMC role that Systems Manager cannot assume, saying why', () => {
    const verdict = evaluateInstanceRole({ ...dhmcRole, assumeRolePolicyDocument: urlEncoded(EC2_TRUST) }, policy, [
      dhmc('eu-west-1'),
    ]);
    expect(verdict.compliance).toBe('NOT_APPLICABLE');
    expect(verdict.annotation).toContain('named as DHMC role in eu-west-1, but Systems Manager cannot use it');
  });

  it('leaves an SSM-trusted role that no node uses out of scope (an Automation role, say)', () => {
    expect(evaluateInstanceRole(dhmcRole, policy, []).compliance).toBe('NOT_APPLICABLE');
  });

  it('honours exemption and service-linked paths for node roles too', () => {
    expect(
      evaluateInstanceRole({ ...dhmcRole, tags: { SessionManagerExempt: 'true' } }, policy, [dhmc('eu-west-1')])
        .compliance,
    ).toBe('NOT_APPLICABLE');
    expect(
      evaluateInstanceRole({ ...dhmcRole, path: '/aws-service-role/ssm.amazonaws.com/' }, policy, [dhmc('eu-west-1')])
        .compliance,
    ).toBe('NOT_APPLICABLE');
  });

  it('looks node uses up only for roles Systems Manager may assume, or whose trust policy it cannot read', () => {
    expect(mayServeManagedNodes(dhmcRole, policy)).toBe(true);
    expect(mayServeManagedNodes(role(), policy)).toBe(false);
    expect(mayServeManagedNodes(role({ assumeRolePolicyDocument: '%7Bbroken' }), policy)).toBe(true);
    expect(mayServeManagedNodes({ ...dhmcRole, tags: { SessionManagerExempt: 'true' } }, policy)).toBe(false);
  });
});

describe('roles without core Systems Manager access of their own', () => {
  const ssmRole = role({
    assumeRolePolicyDocument: urlEncoded(SSM_TRUST),
    instanceProfileNames: [],
    inlinePolicyDocuments: [],
  });
  const activation: NodeRoleUse = { kind: 'activation', region: 'eu-west-1', activationId: 'act-1' };

  it('says, once the policy is on, that a hybrid or DHMC role still cannot register its nodes, and what to attach', () => {
    const hybrid = evaluateInstanceRole({ ...ssmRole, attachedPolicyArns: [POLICY] }, policy, [activation]);
    expect(hybrid.compliance).toBe('COMPLIANT');
    expect(hybrid.annotation).toContain(
      'Lacks ssm:UpdateInstanceInformation: nodes need AmazonSSMManagedInstanceCore to register.',
    );
  });

  it('fits the whole story in 256 characters for the default DHMC role and a stack-named policy', () => {
    const stackPolicy = 'arn:aws:iam::111122223333:policy/session-guard-SessionManagerInstancePolicy-1A2B3C4D5E6F';
    const dhmcRole = {
      ...ssmRole,
      roleName: 'AWSSystemsManagerDefaultEC2InstanceManagementRole',
      path: '/service-role/',
    };
    const uses: NodeRoleUse[] = [{ kind: 'dhmc', region: 'eu-west-1' }];
    const before = evaluateInstanceRole(dhmcRole, { ...policy, policyArn: stackPolicy }, uses);
    expect(before.compliance).toBe('NON_COMPLIANT');
    expect(before.annotation).toBe(
      `Role AWSSystemsManagerDefaultEC2InstanceManagementRole lacks the Session Manager policy: attach ${stackPolicy}. DHMC role in eu-west-1. It lacks ssm:UpdateInstanceInformation too.`,
    );
    const after = evaluateInstanceRole(
      { ...dhmcRole, attachedPolicyArns: [stackPolicy] },
      { ...policy, policyArn: stackPolicy },
      uses,
    );
    expect(after.annotation).toBe(
      'Role AWSSystemsManagerDefaultEC2InstanceManagementRole (DHMC role in eu-west-1) has session-guard-SessionManagerInstancePolicy-1A2B3C4D5E6F attached. Lacks ssm:UpdateInstanceInformation: nodes need AmazonSSMManagedEC2InstanceDefaultPolicy to register.',
    );
  });

  it('claims nothing when another policy may grant it, or when an inline policy does', () => {
    const core = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
    expect(
      evaluateInstanceRole({ ...ssmRole, attachedPolicyArns: [core] }, policy, [activation]).annotation,
    ).not.toContain('UpdateInstanceInformation');
    const inline = urlEncoded({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ssm:Update*', Resource: '*' }],
    });
    expect(
      evaluateInstanceRole({ ...ssmRole, inlinePolicyDocuments: [inline] }, policy, [activation]).annotation,
    ).not.toContain('UpdateInstanceInformation');
    // A source that did not list inline policies (live IAM during remediation) knows too little.
    expect(evaluateInstanceRole(role(), policy).annotation).not.toContain('UpdateInstanceInformation');
  });
});
