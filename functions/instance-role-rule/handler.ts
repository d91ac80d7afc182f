/** RolePolicyRuleFunction: the instance-role Config rule. */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { clientSettings } from '../shared/adapters/aws-clients';
import { ConfigServiceGateway } from '../shared/adapters/config-service';
import { IamGateway, iamClientOnFirstUse } from '../shared/adapters/iam';
import { nodeRoleGateway } from '../shared/adapters/ssm-node-roles';
import { configRuleHandler } from '../shared/handler/config-rule-handler';
import { createInstanceRoleRule } from './rule';

const iam = new IamGateway(iamClientOnFirstUse(clientSettings('IAM')));
const nodeRoles = nodeRoleGateway(clientSettings);
const config = new ConfigServiceGateway(new ConfigServiceClient(clientSettings('CONFIG_SERVICE')));

export const handler = configRuleHandler(
  createInstanceRoleRule({
    listRoles: () => iam.listRoles(),
    listNodeRoles: (regions) => nodeRoles.listNodeRoles(regions),
  }),
  config,
);
