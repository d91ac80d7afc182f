/**
 * Resource names from AWS Config. Config identifies a role by its RoleId, and IAM has no get-by-id,
 * so Config's recorded item is the cheap way from an ID to a name: one call instead of a paged
 * listing of every role.
 */
import {
  BatchGetResourceConfigCommand,
  type ConfigServiceClient,
  GetResourceConfigHistoryCommand,
  type ResourceType,
} from '@aws-sdk/client-config-service';
import { awsErrorCode, callAws } from './aws-errors';

export class ConfigResourceNames {
  constructor(private readonly client: ConfigServiceClient) {}

  /** The name Config recorded for the resource, or undefined when Config holds no item for it. */
  async nameOf(resourceType: string, resourceId: string): Promise<string | undefined> {
    const batch = await callAws('config:BatchGetResourceConfig', () =>
      this.client.send(new BatchGetResourceConfigCommand({ resourceKeys: [{ resourceType: resourceType as ResourceType, resourceId }] })),
    );
    const current = batch.baseConfigurationItems?.find((item) => item.resourceId === resourceId);
    if (current?.resourceName) return current.resourceName;

    // BatchGetResourceConfig leaves out deleted resources and keys it could not process; the
    // history still holds the last item recorded.
    return callAws('config:GetResourceConfigHistory', async () => {
      try {
        const history = await this.client.send(
          new GetResourceConfigHistoryCommand({ resourceType: resourceType as ResourceType, resourceId, limit: 1 }),
        );
        return history.configurationItems?.[0]?.resourceName ?? undefined;
      } catch (error) {
        if (awsErrorCode(error) === 'ResourceNotDiscoveredException') return undefined;
        throw error;
      }
    });
  }
}
