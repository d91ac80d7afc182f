/**
 * The Lambda entry every custom resource shares: a middy chain that runs the provider through
 * the answer-once plumbing and logs the answer it sent.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import {
  type CustomResourceAnswer,
  type CustomResourceProvider,
  runCustomResource,
  type SendAnswer,
} from '../custom-resource/run';

export interface CustomResourceHandlerOptions {
  readonly send: SendAnswer;
  readonly marginMs?: number;
  readonly logger?: Logger;
}

export function customResourceHandler(provider: CustomResourceProvider, options: CustomResourceHandlerOptions) {
  const logger = options.logger ?? new Logger();
  return middy()
    .use(injectLambdaContext(logger))
    .handler(async (rawEvent: unknown, context: Context): Promise<CustomResourceAnswer> => {
      const answer = await runCustomResource(rawEvent, provider, {
        send: options.send,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
        logStreamName: context.logStreamName,
        ...(options.marginMs === undefined ? {} : { marginMs: options.marginMs }),
      });
      const requestType = (rawEvent as { RequestType?: unknown }).RequestType;
      const details = {
        requestType,
        status: answer.Status,
        physicalResourceId: answer.PhysicalResourceId,
        reason: answer.Reason,
        data: answer.Data,
      };
      if (answer.Status === 'FAILED') logger.error('custom resource answered FAILED', details);
      // A SUCCESS with a reason did less than asked (for example left someone else's settings alone).
      else if (answer.Reason) logger.warn(`custom resource answered SUCCESS: ${answer.Reason}`, details);
      else logger.info('custom resource answered', details);
      return answer;
    });
}
