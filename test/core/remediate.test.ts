import { describe, expect, it } from 'vitest';
import {
  InstanceRoleRemediation,
  ManagedPolicyQuotaError,
  type RemediationSources,
  RoleNotFoundError,
  TrustPolicyUnreadableError,
} from '../../functions/attach-policy/remediate';
import type { RoleFacts } from '../../functions/shared/core/instance-role';
import type { NamedNodeRole } from '../../functions/shared/core/session-node-roles';
import { EC2_TRUST, LAMBDA_TRUST, SSM_TRUST, urlEncoded } from '../support/iam-documents';

const POLICY = 'arn:aws:iam::123456789012:policy/session-guard-instance';
const ROLE_ID = 'AROAEXAMPLEWEBROLE001';

const webRole = (overrides: Partial<RoleFacts> = {}): RoleFacts => ({
  roleId: ROLE_ID,
  roleName: 'web',
  path: '/app/',
  assumeRolePolicyDocument: urlEncoded(EC2_TRUST),
  instanceProfileNames: ['web-profile'],
  attachedPolicyArns: [],
  tags: {},
  ...overrides,
});

/** In-memory IAM and Config: records attaches, and can hide an attach for a few reads (eventual consistency). */
function fakeSources(
  role: RoleFacts | undefined,
  { configKnows = true, staleReads = 0, nodeRoles = [] as NamedNodeRole[] } = {},
) {
  const attached = new Set(role?.attachedPolicyArns ?? []);
  let reads = 0;
  const calls: string[] = [];
  const sources: RemediationSources = {
    knownRoleName: async (id) => {
      calls.push('config');
      return configKnows && role?.roleId === id ? role.roleName : undefined;
    },
    findRoleName: async (id) => {
      calls.push('listRoles');
      return role?.roleId === id ? role.roleName : undefined;
    },
    readRoleFacts: async (name) => {
      if (!role || role.roleName !== name) throw new RoleNotFoundError(`Role ${name} no longer exists`);
      return { ...role, attachedPolicyArns: [...attached] };
    },
    attachPolicy: async (_name, arn) => {
      calls.push('attach');
      attached.add(arn);
      reads = 0;
    },
    listAttachedPolicyArns: async () => (reads++ < staleReads ? (role?.attachedPolicyArns ?? []) : [...attached]),
    listNodeRoles: async (regions) => {
      calls.push(`nodeRoles ${regions.join(',')}`);
      return nodeRoles;
    },
  };
  return { sources, attached, calls };
}

const noSleep = async () => {};

describe('InstanceRoleRemediation', () => {
  it('attaches the policy to an eligible role and reports what it verified', async () => {
    const { sources, attached, calls } = fakeSources(webRole());
    const outcome = await new InstanceRoleRemediation(sources, {
      exemptionTagKey: 'SessionManagerExempt',
      sleep: noSleep,
    }).remediate({ roleId: ROLE_ID, policyArn: POLICY });
    expect(outcome).toEqual({ roleName: 'web', action: 'attached', policyArn: POLICY });
    expect(attached.has(POLICY)).toBe(true);
    expect(calls).not.toContain('listRoles');
    // EC2 alone can assume it: no region is read for node roles.
    expect(calls.filter((c) => c.startsWith('nodeRoles'))).toEqual([]);
  });

  it('attaches the policy to the DHMC role of a region, reading the regions the rule reads', async () => {
    const dhmcRole = webRole({
      roleName: 'dhmc',
      path: '/service-role/',
      assumeRolePolicyDocument: urlEncoded(SSM_TRUST),
      instanceProfileNames: [],
    });
    const { sources, attached, calls } = fakeSources(dhmcRole, {
      nodeRoles: [{ role: 'service-role/dhmc', use: { kind: 'dhmc', region: 'eu-west-1' } }],
    });
    const remediation = new InstanceRoleRemediation(sources, {
      exemptionTagKey: 'SessionManagerExempt',
      nodeRoleRegions: ['eu-west-1', 'us-east-1'],
      sleep: noSleep,
    });
    expect((await remediation.remediate({ roleId: ROLE_ID, policyArn: POLICY })).action).toBe('attached');
    expect(attached.has(POLICY)).toBe(true);
    expect(calls).toContain('nodeRoles eu-west-1,us-east-1');
  });

  it('skips an SSM-trusted role that no DHMC setting, activation or hybrid node names any more', async () => {
    const orphan = webRole({ assumeRolePolicyDocument: urlEncoded(SSM_TRUST), instanceProfileNames: [] });
    const { sources, calls } = fakeSources(orphan, {
      nodeRoles: [{ role: 'someone-else', use: { kind: 'dhmc', region: 'eu-west-1' } }],
    });
    const outcome = await new InstanceRoleRemediation(sources, {
      exemptionTagKey: 'SessionManagerExempt',
      sleep: noSleep,
    }).remediate({ roleId: ROLE_ID, policyArn: POLICY });
    expect(outcome).toMatchObject({
      action: 'skipped-not-eligible',
      reason: expect.stringContaining('no DHMC, activation or hybrid-node role'),
    });
    expect(calls).not.toContain('attach');
  });

  it('reports already-attached without attaching again', async () => {
    const { sources, calls } = fakeSources(webRole({ attachedPolicyArns: [POLICY] }));
    const outcome = await new InstanceRoleRemediation(sources, {
      exemptionTagKey: 'SessionManagerExempt',
      sleep: noSleep,
    }).remediate({ roleId: ROLE_ID, policyArn: POLICY });
    expect(outcome.action).toBe('already-attached');
    expect(calls).not.toContain('attach');
  });

  it('falls back to listing IAM roles when Config holds no item', async () => {
    const { sources, calls } = fakeSources(webRole(), { configKnows: false });
    const outcome = await new InstanceRoleRemediation(sources, {
      exemptionTagKey: 'SessionManagerExempt',
      sleep: noSleep,
    }).remediate({ roleId: ROLE_ID, policyArn: POLICY });
    expect(outcome.action).toBe('attached');
    expect(calls.slice(0, 2)).toEqual(['config', 'listRoles']);
  });

  it.each([
    ['exempt by the configured tag', webRole({ tags: { KeepOut: 'True' } }), 'exempt by its tag KeepOut=true'],
    ['in no instance profile', webRole({ instanceProfileNames: [] }), 'in no instance profile'],
    [
      'not assumable by EC2',
      webRole({ assumeRolePolicyDocument: urlEncoded(LAMBDA_TRUST) }),
      'cannot be assumed by EC2',
    ],
    ['service-linked', webRole({ path: '/aws-service-role/ec2.amazonaws.com/' }), 'service-linked'],
  ])('skips a role %s, changing nothing', async (_, role, reason) => {
    const { sources, calls } = fakeSources(role);
    const outcome = await new InstanceRoleRemediation(sources, {
      exemptionTagKey: 'KeepOut',
      sleep: noSleep,
    }).remediate({ roleId: ROLE_ID, policyArn: POLICY });
    expect(outcome).toMatchObject({ roleName: 'web', action: 'skipped-not-eligible', policyArn: POLICY });
    expect(outcome.reason).toContain(reason);
    expect(calls).not.toContain('attach');
  });

  it('fails, changing nothing, when the trust policy cannot be read', async () => {
    const { sources, calls } = fakeSources(webRole({ assumeRolePolicyDocument: '%7Bnot-json' }));
    await expect(
      new InstanceRoleRemediation(sources, { exemptionTagKey: 'SessionManagerExempt', sleep: noSleep }).remediate({
        roleId: ROLE_ID,
        policyArn: POLICY,
      }),
    ).rejects.toThrow(TrustPolicyUnreadableError);
    expect(calls).not.toContain('attach');
  });

  it('fails with RoleNotFoundError when no source knows the ID', async () => {
    const { sources } = fakeSources(undefined);
    await expect(
      new InstanceRoleRemediation(sources, { exemptionTagKey: 'SessionManagerExempt', sleep: noSleep }).remediate({
        roleId: ROLE_ID,
        policyArn: POLICY,
      }),
    ).rejects.toThrow(/No IAM role has ID AROAEXAMPLEWEBROLE001/);
  });

  it('refuses a name that now belongs to another role (deleted and re-created under the same name)', async () => {
    const { sources, calls } = fakeSources(webRole({ roleId: 'AROAEXAMPLENEWROLE002' }));
    sources.knownRoleName = async () => 'web';
    await expect(
      new InstanceRoleRemediation(sources, { exemptionTagKey: 'SessionManagerExempt', sleep: noSleep }).remediate({
        roleId: ROLE_ID,
        policyArn: POLICY,
      }),
    ).rejects.toThrow(/name web now belongs to another role \(AROAEXAMPLENEWROLE002\)/);
    expect(calls).not.toContain('attach');
  });

  it('reads again, with growing pauses, until IAM shows the attachment', async () => {
    const { sources } = fakeSources(webRole(), { staleReads: 2 });
    const pauses: number[] = [];
    const remediation = new InstanceRoleRemediation(sources, {
      exemptionTagKey: 'SessionManagerExempt',
      verifyFirstDelayMs: 100,
      sleep: async (ms) => void pauses.push(ms),
    });
    expect((await remediation.remediate({ roleId: ROLE_ID, policyArn: POLICY })).action).toBe('attached');
    expect(pauses).toEqual([100, 200]);
  });

  it('fails with AttachNotVerifiedError when the attachment never shows', async () => {
    const { sources } = fakeSources(webRole(), { staleReads: 99 });
    const remediation = new InstanceRoleRemediation(sources, {
      exemptionTagKey: 'SessionManagerExempt',
      verifyAttempts: 3,
      sleep: noSleep,
    });
    await expect(remediation.remediate({ roleId: ROLE_ID, policyArn: POLICY })).rejects.toThrow(
      /still did not show it after 3 reads/,
    );
  });

  it('treats a full quota as already-attached when a concurrent run attached the policy meanwhile', async () => {
    const { sources, attached } = fakeSources(webRole());
    sources.attachPolicy = async () => {
      attached.add(POLICY); // the other execution won the last slot
      throw new ManagedPolicyQuotaError('full');
    };
    const outcome = await new InstanceRoleRemediation(sources, {
      exemptionTagKey: 'SessionManagerExempt',
      sleep: noSleep,
    }).remediate({ roleId: ROLE_ID, policyArn: POLICY });
    expect(outcome.action).toBe('already-attached');
  });

  it('passes a full quota on when the policy is not attached', async () => {
    const { sources } = fakeSources(webRole());
    sources.attachPolicy = async () => {
      throw new ManagedPolicyQuotaError('full');
    };
    await expect(
      new InstanceRoleRemediation(sources, { exemptionTagKey: 'SessionManagerExempt', sleep: noSleep }).remediate({
        roleId: ROLE_ID,
        policyArn: POLICY,
      }),
    ).rejects.toThrow(ManagedPolicyQuotaError);
  });
});
