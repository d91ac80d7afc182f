import { describe, expect, it } from 'vitest';
import { describeNodeRoleUses, NodeRoleIndex, roleNameOf } from '../../functions/shared/core/session-node-roles';

describe('roleNameOf', () => {
  it.each([
    ['a name, as activations hold it', 'SSMServiceRole', 'SSMServiceRole'],
    [
      'a path and name, as the DHMC setting holds it',
      'service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole',
      'AWSSystemsManagerDefaultEC2InstanceManagementRole',
    ],
    ['an ARN', 'arn:aws-cn:iam::111122223333:role/ops/HybridNodes', 'HybridNodes'],
  ])('reads %s', (_, reference, name) => {
    expect(roleNameOf(reference)).toBe(name);
  });

  it('reads no role from a value that cannot be a role name, such as an unset setting', () => {
    expect(roleNameOf('$None')).toBeUndefined();
    expect(roleNameOf('')).toBeUndefined();
    expect(roleNameOf('service-role/')).toBeUndefined();
  });
});

describe('NodeRoleIndex', () => {
  it('gathers every use of a role, whatever case or path Systems Manager wrote it with', () => {
    const index = new NodeRoleIndex([
      { role: 'service-role/DhmcRole', use: { kind: 'dhmc', region: 'eu-west-1' } },
      { role: 'dhmcrole', use: { kind: 'dhmc', region: 'us-east-1' } },
      { role: '$None', use: { kind: 'dhmc', region: 'ap-south-1' } },
      { role: 'Hybrid', use: { kind: 'activation', region: 'eu-west-1', activationId: 'a-1' } },
    ]);
    expect(index.usesOf('DhmcRole')).toEqual([
      { kind: 'dhmc', region: 'eu-west-1' },
      { kind: 'dhmc', region: 'us-east-1' },
    ]);
    expect(index.usesOf('Hybrid')).toHaveLength(1);
    expect(index.usesOf('Other')).toEqual([]);
  });

  it('leaves out expired activations: they register no more nodes', () => {
    const index = new NodeRoleIndex([
      { role: 'Pilot', use: { kind: 'activation', region: 'eu-west-1', activationId: 'a-1', expired: true } },
      { role: 'Hybrid', use: { kind: 'activation', region: 'eu-west-1', activationId: 'a-2', expired: true } },
      { role: 'Hybrid', use: { kind: 'hybrid-node', region: 'eu-west-1', nodeId: 'mi-0123456789abcdef0' } },
    ]);
    expect(index.usesOf('Pilot')).toEqual([]);
    expect(index.usesOf('Hybrid')).toEqual([
      { kind: 'hybrid-node', region: 'eu-west-1', nodeId: 'mi-0123456789abcdef0' },
    ]);
  });
});

describe('describeNodeRoleUses', () => {
  it('names every region, activation and hybrid node a role serves, each once', () => {
    expect(
      describeNodeRoleUses([
        { kind: 'dhmc', region: 'us-east-1' },
        { kind: 'dhmc', region: 'eu-west-1' },
        { kind: 'activation', region: 'eu-west-1', activationId: 'e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE' },
        { kind: 'hybrid-node', region: 'eu-west-1', nodeId: 'mi-0123456789abcdef0' },
        { kind: 'hybrid-node', region: 'us-east-1', nodeId: 'mi-0fedcba9876543210' },
      ]),
    ).toBe(
      'DHMC role in eu-west-1, us-east-1; role of activation e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE (eu-west-1); role of 2 hybrid nodes (eu-west-1, us-east-1)',
    );
  });

  it('names a single hybrid node', () => {
    expect(describeNodeRoleUses([{ kind: 'hybrid-node', region: 'eu-west-1', nodeId: 'mi-0123456789abcdef0' }])).toBe(
      'role of hybrid node mi-0123456789abcdef0 (eu-west-1)',
    );
  });
});
