import { describe, expect, it } from 'vitest';
import { evaluateInstanceRole, type InstanceRolePolicy, type RoleFacts } from '../../functions/shared/core/instance-role';
import { EC2_TRUST, LAMBDA_TRUST, trustFor, urlEncoded } from '../support/iam-documents';

const POLICY = 'arn:aws:iam::111122223333:policy/session-guard/SessionGuardInstancePolicy';
const policy: InstanceRolePolicy = { policyArn: POLICY, alternativePolicyArns: [], exemptionTagKey: 'SessionManagerExempt' };

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
    const verdict = evaluateInstanceRole(role({ attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', POLICY] }), policy);
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
    const verdict = evaluateInstanceRole(role({ attachedPolicyArns: [alternative] }), { ...policy, alternativePolicyArns: [alternative] });
    expect(verdict.compliance).toBe('COMPLIANT');
  });

  it('works in other partitions', () => {
    const cnPolicy = 'arn:aws-cn:iam::111122223333:policy/SessionGuardInstancePolicy';
    const cnRole = role({ assumeRolePolicyDocument: urlEncoded(trustFor({ Service: 'ec2.amazonaws.com.cn' })), attachedPolicyArns: [cnPolicy] });
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
    expect(evaluateInstanceRole(role({ tags: { SessionManagerExempt: 'false' } }), policy).compliance).toBe('NON_COMPLIANT');
    expect(evaluateInstanceRole(role({ tags: { Exempt: 'true' } }), policy).compliance).toBe('NON_COMPLIANT');
    const custom = { ...policy, exemptionTagKey: 'security:break-glass' };
    expect(evaluateInstanceRole(role({ tags: { 'security:break-glass': 'true' } }), custom).compliance).toBe('NOT_APPLICABLE');
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
