/** RolePolicyRuleFunction: the instance-role Config rule. */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { clientSettings } from '../shared/adapters/aws-clients';
import { ConfigServiceGateway } from '../shared/adapters/config-service';
import { IamGateway, iamClientOnFirstUse } from '../shared/adapters/iam';
import { configRuleHandler } from '../shared/handler/config-rule-handler';
import { createRolePolicyRule } from './rule';

const iam = new IamGateway(iamClientOnFirstUse(clientSettings('IAM')));
const config = new ConfigServiceGateway(new ConfigServiceClient(clientSettings('CONFIG_SERVICE')));

export const handler = configRuleHandler(createRolePolicyRule({ listRoles: () => iam.listRoles() }), config);
