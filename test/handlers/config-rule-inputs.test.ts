/**
 * What every Config rule reads before it decides: the rule's InputParameters and the event.
 * Config hands both over as text (a list parameter as "a,b" or a JSON array written as text, the
 * invoking event as a JSON string), so each reading is checked as Config writes it.
 * https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html
 */
import { describe, expect, it } from 'vitest';
import { InvalidEventError, parseConfigRuleEvent } from '../../functions/shared/config-rule/event';
import {
  InvalidRuleParameterError,
  listOf,
  parseRuleParameters,
  regionName,
} from '../../functions/shared/config-rule/parameters';
import * as z from '../../functions/shared/core/zod';

const schema = z.object({ Regions: z.optional(listOf(regionName)) });

describe('a list rule parameter', () => {
  it.each([
    ['comma-separated text', 'eu-west-1, us-east-1', ['eu-west-1', 'us-east-1']],
    ['a JSON array written as text', '["eu-west-1","us-east-1"]', ['eu-west-1', 'us-east-1']],
    ['a JSON array', ['eu-west-1', 'us-east-1'], ['eu-west-1', 'us-east-1']],
    ['empty text', '', []],
    ['items left empty by stray commas', 'eu-west-1,,', ['eu-west-1']],
  ])('reads %s', (_, raw, expected) => {
    expect(parseRuleParameters(schema, { Regions: raw }).Regions).toEqual(expected);
  });

  it('reads text that only starts like a JSON array as comma-separated, and names the item that is wrong', () => {
    const reading = () => parseRuleParameters(schema, { Regions: '[eu-west-1, us-east-1' });
    expect(reading).toThrow(InvalidRuleParameterError);
    expect(reading).toThrow(/rule parameter Regions\.0: must be an AWS Region name/);
  });

  it('names the item of a JSON array that is wrong', () => {
    try {
      parseRuleParameters(schema, { Regions: '["eu-west-1","Ireland"]' });
      expect.unreachable('an invalid region must be rejected');
    } catch (error) {
      expect((error as InvalidRuleParameterError).problems).toEqual([
        { where: 'Regions.1', problem: 'must be an AWS Region name such as eu-west-1' },
      ]);
    }
  });
});

describe('the invoking event', () => {
  const event = (invokingEvent: string) => ({
    invokingEvent,
    ruleParameters: '{}',
    resultToken: 'token',
    configRuleName: 'rule',
  });

  it('is an error naming the field when it is not JSON, never an empty event', () => {
    expect(() => parseConfigRuleEvent(event('{"messageType":'))).toThrow(InvalidEventError);
    expect(() => parseConfigRuleEvent(event('{"messageType":'))).toThrow(/invokingEvent is not valid JSON/);
  });
});
