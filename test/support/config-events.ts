/** Config rule events as AWS sends them, read from the sample events `sam local invoke` uses. */
import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';

export type ConfigRuleLambdaEvent = Record<string, unknown> & { invokingEvent: string; ruleParameters?: string };

/** A sample event from sam/events/<LogicalId>/<name>.json. */
export function samEvent(logicalId: string, name: string): ConfigRuleLambdaEvent {
  return JSON.parse(readFileSync(new URL(`../../sam/events/${logicalId}/${name}.json`, import.meta.url), 'utf8')) as ConfigRuleLambdaEvent;
}

/** The event with its invoking event (parsed, changed, re-serialised) and rule parameters replaced. */
export function withChanges(
  event: ConfigRuleLambdaEvent,
  changes: { invokingEvent?: (invoking: Record<string, any>) => void; ruleParameters?: Record<string, string>; resultToken?: string },
): ConfigRuleLambdaEvent {
  const invoking = JSON.parse(event.invokingEvent) as Record<string, any>;
  changes.invokingEvent?.(invoking);
  return {
    ...event,
    invokingEvent: JSON.stringify(invoking),
    ...(changes.ruleParameters ? { ruleParameters: JSON.stringify(changes.ruleParameters) } : {}),
    ...(changes.resultToken ? { resultToken: changes.resultToken } : {}),
  };
}

export const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2026/11/20/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
