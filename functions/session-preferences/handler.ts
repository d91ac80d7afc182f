/** SessionPreferencesFunction: the custom resource that writes SSM-SessionManagerRunShell. */
import { SSMClient } from '@aws-sdk/client-ssm';
import { clientSettings } from '../shared/adapters/aws-clients';
import { sendCustomResourceAnswer } from '../shared/adapters/cloudformation-response';
import { SsmDocumentVersionsGateway } from '../shared/adapters/ssm-document-versions';
import { SESSION_PREFERENCES_DOCUMENT_NAME } from '../shared/core/session-manager';
import { customResourceHandler } from '../shared/handler/custom-resource-handler';
import { createSessionPreferencesProvider } from './preferences';

const store = new SsmDocumentVersionsGateway(new SSMClient(clientSettings('SSM')), SESSION_PREFERENCES_DOCUMENT_NAME);

export const handler = customResourceHandler(createSessionPreferencesProvider(store), {
  send: sendCustomResourceAnswer,
});
