import { describe, expect, it } from 'vitest';
import { nameInArn } from '../../functions/shared/core/arn';

describe('nameInArn', () => {
  it.each([
    ['arn:aws:iam::aws:policy/AdministratorAccess', 'AdministratorAccess'],
    ['arn:aws-cn:iam::123456789012:policy/team/ops/SessionOperators', 'SessionOperators'],
    ['arn:aws:ssm:eu-west-1:123456789012:document/TeamShell', 'TeamShell'],
    [
      'service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole',
      'AWSSystemsManagerDefaultEC2InstanceManagementRole',
    ],
    ['app-server', 'app-server'],
  ])('reads %s as %s', (arn, name) => {
    expect(nameInArn(arn)).toBe(name);
  });
});
