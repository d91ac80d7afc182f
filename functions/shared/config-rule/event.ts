/**
 * The event AWS Config sends to a custom Lambda rule, parsed at the edge.
 *
 * `invokingEvent` and `ruleParameters` arrive as JSON text; each is parsed here so the rest of the
 * code sees typed values or a clear error naming what was wrong.
 */
import * as z from '../core/zod';
import { describeIssues } from '../core/validation';
import { InputError } from '../errors';

export class InvalidEventError extends InputError {
  override name = 'InvalidEventError';
}

const jsonText = (what: string) =>
  z.pipe(
    z.string(),
    z.transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({ code: 'custom', message: `${what} is not valid JSON`, input: text });
        return z.NEVER;
      }
    }),
  );

/**
 * A time as Config writes it, ISO 8601 in UTC ("2016-02-17T01:36:34.043Z"). It becomes the
 * evaluation's OrderingTimestamp, so one that does not parse is refused here, by name, rather
 * than sent to PutEvaluations as an invalid date.
 * https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html
 */
const configTimestamp = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 time such as 2016-02-17T01:36:34.043Z',
});

/** Statuses after which a resource no longer exists (or is no longer recorded) for Config. */
export const GONE_STATUSES = ['ResourceDeleted', 'ResourceDeletedNotRecorded', 'ResourceNotRecorded'] as const;

export const configurationItemSchema = z.looseObject({
  resourceType: z.string(),
  resourceId: z.string(),
  resourceName: z.nullish(z.string()),
  ARN: z.nullish(z.string()),
  awsAccountId: z.nullish(z.string()),
  awsRegion: z.nullish(z.string()),
  configurationItemCaptureTime: configTimestamp,
  configurationItemStatus: z.string(),
  configuration: z.nullish(z.unknown()),
  supplementaryConfiguration: z.nullish(z.record(z.string(), z.unknown())),
  tags: z.nullish(z.record(z.string(), z.string())),
});
export type ConfigurationItem = z.infer<typeof configurationItemSchema>;

const configurationItemSummarySchema = z.looseObject({
  resourceType: z.string(),
  resourceId: z.string(),
  resourceName: z.nullish(z.string()),
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
    awsAccountId: z.optional(z.string()),
  }),
]);

export const configRuleEventSchema = z.looseObject({
  invokingEvent: z.pipe(jsonText('invokingEvent'), invokingEventSchema),
  ruleParameters: z.optional(z.pipe(jsonText('ruleParameters'), z.record(z.string(), z.unknown()))),
  resultToken: z.string().check(z.minLength(1)),
  eventLeftScope: z._default(z.optional(z.boolean()), false),
  configRuleName: z.string().check(z.minLength(1)),
  accountId: z.optional(z.string()),
  configRuleArn: z.optional(z.string()),
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
