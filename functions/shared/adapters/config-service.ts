/** How we talk to AWS Config: oversized items, evaluations, earlier results, and recorded names. */
import {
  BatchGetResourceConfigCommand,
  type ConfigServiceClient,
  type Evaluation as SdkEvaluation,
  GetResourceConfigHistoryCommand,
  paginateGetComplianceDetailsByConfigRule,
  PutEvaluationsCommand,
  type ResourceType,
} from '@aws-sdk/client-config-service';
import { clipAnnotation, type Evaluation } from '../core/compliance';
import type { ConfigurationItem, ConfigurationItemSummary } from '../config-rule/event';
import type { ConfigGateway, EvaluatedResource } from '../config-rule/run';
import { sleep as realSleep, withAwsErrors } from './aws-clients';
import { awsErrorName } from './aws-errors';
import { InputError, SessionGuardError } from '../errors';

/** PutEvaluations accepts at most this many evaluations per call. */
export const PUT_EVALUATIONS_BATCH_SIZE = 100;

/** The result token Config sends when a rule is tested; evaluations are then checked, not stored. */
export const TEST_MODE_RESULT_TOKEN = 'TESTMODE';

export class PutEvaluationsFailedError extends SessionGuardError {
  override name = 'PutEvaluationsFailedError';
}

export class ConfigurationItemNotFoundError extends InputError {
  override name = 'ConfigurationItemNotFoundError';
}

export interface ConfigServiceGatewayOptions {
  /** How many times a batch's FailedEvaluations are sent again before giving up. */
  readonly failedEvaluationRetries?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export class ConfigServiceGateway implements ConfigGateway {
  private readonly failedEvaluationRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly client: ConfigServiceClient;

  constructor(client: ConfigServiceClient, options: ConfigServiceGatewayOptions = {}) {
    this.client = withAwsErrors(client, 'config');
    this.failedEvaluationRetries = options.failedEvaluationRetries ?? 3;
    this.sleep = options.sleep ?? realSleep;
  }

  async getConfigurationItem(summary: ConfigurationItemSummary): Promise<ConfigurationItem> {
    const response = await this.client.send(
      new GetResourceConfigHistoryCommand({
        resourceType: summary.resourceType as ResourceType,
        resourceId: summary.resourceId,
        laterTime: new Date(summary.configurationItemCaptureTime),
        limit: 1,
      }),
    );
    const item = response.configurationItems?.[0];
    if (!item?.resourceType || !item.resourceId) {
      throw new ConfigurationItemNotFoundError(
        `AWS Config returned no configuration item for ${summary.resourceType} ${summary.resourceId} ` +
          `at ${summary.configurationItemCaptureTime}; check that Config records this resource type.`,
      );
    }
    return {
      resourceType: item.resourceType,
      resourceId: item.resourceId,
      resourceName: item.resourceName,
      ARN: item.arn,
      awsAccountId: item.accountId,
      awsRegion: item.awsRegion,
      configurationItemCaptureTime: new Date(
        item.configurationItemCaptureTime ?? summary.configurationItemCaptureTime,
      ).toISOString(),
      configurationItemStatus: item.configurationItemStatus ?? summary.configurationItemStatus,
      // The history API returns the configuration as JSON text; the change event carries an object.
      configuration: item.configuration ? (JSON.parse(item.configuration) as unknown) : null,
      supplementaryConfiguration: item.supplementaryConfiguration,
      tags: item.tags,
    };
  }

  async putEvaluations(evaluations: readonly Evaluation[], resultToken: string): Promise<void> {
    const testMode = resultToken === TEST_MODE_RESULT_TOKEN;
    for (let start = 0; start < evaluations.length; start += PUT_EVALUATIONS_BATCH_SIZE) {
      const batch = evaluations.slice(start, start + PUT_EVALUATIONS_BATCH_SIZE).map(toSdkEvaluation);
      await this.putBatch(batch, resultToken, testMode);
    }
  }

  /** Sends one batch, then sends again whatever Config reports as failed, a bounded number of times. */
  private async putBatch(batch: SdkEvaluation[], resultToken: string, testMode: boolean): Promise<void> {
    let pending = batch;
    for (let attempt = 0; ; attempt++) {
      const response = await this.client.send(
        new PutEvaluationsCommand({ Evaluations: pending, ResultToken: resultToken, TestMode: testMode }),
      );
      const failed = response.FailedEvaluations ?? [];
      if (failed.length === 0) return;
      if (attempt >= this.failedEvaluationRetries) {
        const ids = failed.slice(0, 5).map((e) => `${e.ComplianceResourceType} ${e.ComplianceResourceId}`);
        throw new PutEvaluationsFailedError(
          `AWS Config rejected ${failed.length} evaluation(s) after ${attempt + 1} attempts ` +
            `(${ids.join(', ')}${failed.length > 5 ? ', ...' : ''}); the rule will retry on its next run.`,
        );
      }
      pending = failed;
      await this.sleep(200 * 2 ** attempt);
    }
  }

  async listEvaluatedResources(configRuleName: string): Promise<readonly EvaluatedResource[]> {
    const resources: EvaluatedResource[] = [];
    const pages = paginateGetComplianceDetailsByConfigRule(
      { client: this.client, pageSize: 100 },
      { ConfigRuleName: configRuleName, ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'] },
    );
    for await (const page of pages) {
      for (const result of page.EvaluationResults ?? []) {
        const qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
        if (qualifier?.ResourceType && qualifier.ResourceId) {
          resources.push({ resourceType: qualifier.ResourceType, resourceId: qualifier.ResourceId });
        }
      }
    }
    return resources;
  }

  /**
   * The name Config recorded for the resource, or undefined when Config holds no item for it.
   * Config identifies a role by its RoleId, and IAM has no get-by-id, so Config's recorded item is
   * the cheap way from an ID to a name: one call instead of a paged listing of every role.
   */
  async resourceNameOf(resourceType: string, resourceId: string): Promise<string | undefined> {
    const batch = await this.client.send(
      new BatchGetResourceConfigCommand({ resourceKeys: [{ resourceType: resourceType as ResourceType, resourceId }] }),
    );
    const current = batch.baseConfigurationItems?.find((item) => item.resourceId === resourceId);
    if (current?.resourceName) return current.resourceName;

    // BatchGetResourceConfig leaves out deleted resources and keys it could not process; the
    // history still holds the last item recorded.
    try {
      const history = await this.client.send(
        new GetResourceConfigHistoryCommand({ resourceType: resourceType as ResourceType, resourceId, limit: 1 }),
      );
      return history.configurationItems?.[0]?.resourceName ?? undefined;
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotDiscoveredException') return undefined;
      throw error;
    }
  }
}

/** One evaluation as PutEvaluations takes it: the finding clipped to what Config accepts. */
export function toSdkEvaluation(evaluation: Evaluation): SdkEvaluation {
  return {
    ComplianceResourceType: evaluation.resourceType,
    ComplianceResourceId: evaluation.resourceId,
    ComplianceType: evaluation.compliance,
    Annotation: clipAnnotation(evaluation.annotation),
    OrderingTimestamp: evaluation.orderingTimestamp,
  };
}
