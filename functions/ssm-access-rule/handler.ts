/** SsmAccessRuleFunction: the SSM access guardrail Config rule (IAM-SSM-1, IAM-SSM-2, SG-SSM-3, SG-SSM-4). */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { clientSettings } from '../shared/adapters/aws-clients';
import { ConfigServiceGateway } from '../shared/adapters/config-service';
import { IamGateway, iamClientOnFirstUse } from '../shared/adapters/iam';
import { configRuleHandler } from '../shared/handler/config-rule-handler';
import { createSsmAccessRule } from './rule';

const iam = new IamGateway(iamClientOnFirstUse(clientSettings('IAM')));
const config = new ConfigServiceGateway(new ConfigServiceClient(clientSettings('CONFIG_SERVICE')));

export const handler = configRuleHandler(createSsmAccessRule(iam), config);
