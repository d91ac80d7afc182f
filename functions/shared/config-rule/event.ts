/**
 * The event AWS Config sends to a custom Lambda rule, parsed at the edge.
 *
 * `invokingEvent` and `ruleParameters` arrive as JSON text; each is parsed here so the rest of the
 * code sees typed values or a clear error naming what was wrong.
 */
import * as z from 'zod';
import { describeIssues } from '../core/validation';

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

const jsonText = (what: string) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: `${what} is not valid JSON` });
      return z.NEVER;
    }
  });

/**
 * A time as Config writes it, ISO 8601 in UTC ("2016-02-17T01:36:34.043Z"). It becomes the
 * evaluation's OrderingTimestamp, so one that does not parse is refused here, by name, rather
 * than sent to PutEvaluations as an invalid date.
 * https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html
 */
const configTimestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2016-02-17T01:36:34.043Z' });

/** Statuses after which a resource no longer exists (or is no longer recorded) for Config. */
export const GONE_STATUSES = ['ResourceDeleted', 'ResourceDeletedNotRecorded', 'ResourceNotRecorded'] as const;

export const configurationItemSchema = z.looseObject({
  resourceType: z.string(),
  resourceId: z.string(),
  resourceName: z.string().nullish(),
  ARN: z.string().nullish(),
  awsAccountId: z.string().nullish(),
  awsRegion: z.string().nullish(),
  configurationItemCaptureTime: configTimestamp,
  configurationItemStatus: z.string(),
  configuration: z.unknown().nullish(),
  supplementaryConfiguration: z.record(z.string(), z.unknown()).nullish(),
  tags: z.record(z.string(), z.string()).nullish(),
});
export type ConfigurationItem = z.infer<typeof configurationItemSchema>;

const configurationItemSummarySchema = z.looseObject({
  resourceType: z.string(),
  resourceId: z.string(),
  resourceName: z.string().nullish(),
  configurationItemCaptureTime: configTimestamp,
  configurationItemStatus: z.string(),
});
export type ConfigurationItemSummary = z.infer<typeof configurationItemSummarySchema>;

const invokingEventSchema = z.discriminatedUnion('messageType', [
  z.looseObject({
    messageType: z.literal('ConfigurationItemChangeNotification'),
    configurationItem: configurationItemSchema,
    notificationCreationTime: configTimestamp,
  }),
  z.looseObject({
    messageType: z.literal('OversizedConfigurationItemChangeNotification'),
    configurationItemSummary: configurationItemSummarySchema,
    notificationCreationTime: configTimestamp,
  }),
  z.looseObject({
    messageType: z.literal('ScheduledNotification'),
    notificationCreationTime: configTimestamp,
    awsAccountId: z.string().optional(),
  }),
]);

export const configRuleEventSchema = z.looseObject({
  invokingEvent: jsonText('invokingEvent').pipe(invokingEventSchema),
  ruleParameters: jsonText('ruleParameters').pipe(z.record(z.string(), z.unknown())).optional(),
  resultToken: z.string().min(1),
  eventLeftScope: z.boolean().optional().default(false),
  configRuleName: z.string().min(1),
  accountId: z.string().optional(),
  configRuleArn: z.string().optional(),
});
export type ConfigRuleEvent = z.infer<typeof configRuleEventSchema>;

/** Parses a raw Lambda event into a `ConfigRuleEvent`, or throws an error naming each problem. */
export function parseConfigRuleEvent(raw: unknown): ConfigRuleEvent {
  const result = configRuleEventSchema.safeParse(raw);
  if (!result.success) {
    const problems = describeIssues(result.error, '(event)');
    throw new InvalidEventError(`Not an AWS Config rule event: ${problems}`);
  }
  return result.data;
}
