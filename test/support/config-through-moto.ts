/** The Config gateway integration tests use against moto_server. */
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { ConfigServiceGateway } from '../../functions/shared/adapters/config-service';
import type { ConfigGateway } from '../../functions/shared/config-rule/run';

/**
 * Config through moto: items and PutEvaluations over HTTP (moto accepts PutEvaluations in TestMode).
 * moto does not implement GetComplianceDetailsByConfigRule, so the account has no earlier results.
 */
export function configThroughMoto(client: ConfigServiceClient): ConfigGateway {
  const real = new ConfigServiceGateway(client);
  return {
    getConfigurationItem: (summary) => real.getConfigurationItem(summary),
    putEvaluations: (evaluations, token) => real.putEvaluations(evaluations, token),
    listEvaluatedResources: async () => [],
  };
}
