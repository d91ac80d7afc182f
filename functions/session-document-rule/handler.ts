/** PreferencesRuleFunction: the session-preferences Config rule. */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { SSMClient } from '@aws-sdk/client-ssm';
import { clientSettings } from '../shared/adapters/aws-clients';
import { ConfigServiceGateway } from '../shared/adapters/config-service';
import { SsmSessionDocumentsGateway } from '../shared/adapters/ssm-session-documents';
import { configRuleHandler } from '../shared/handler/config-rule-handler';
import { createSessionDocumentRule } from './rule';

const ssm = new SsmSessionDocumentsGateway(new SSMClient(clientSettings('SSM')));
const config = new ConfigServiceGateway(new ConfigServiceClient(clientSettings('CONFIG_SERVICE')));

export const handler = configRuleHandler(createSessionDocumentRule(ssm), config);
