import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';

/** A Lambda context as the runtime passes it, with a generous remaining time. */
export function lambdaContext(functionName = 'session-guard-test', remainingMs = 300_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:111122223333:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/21/[$LATEST]abcdef0123456789',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export type ConfigRuleLambdaEvent = Record<string, unknown> & { invokingEvent: string; ruleParameters?: string };

/** A sample event from sam/events/<LogicalId>/, the same file `sam local invoke -e` takes. */
export function samEvent<T = ConfigRuleLambdaEvent>(logicalId: string, name: string): T {
  return JSON.parse(readFileSync(new URL(`../../sam/events/${logicalId}/${name}.json`, import.meta.url), 'utf8')) as T;
}

/** A Config rule event with its invoking event (parsed, changed, re-serialised), rule parameters or token replaced. */
export function withChanges(
  event: ConfigRuleLambdaEvent,
  changes: {
    invokingEvent?: (invoking: Record<string, any>) => void;
    ruleParameters?: Record<string, unknown>;
    resultToken?: string;
  },
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
