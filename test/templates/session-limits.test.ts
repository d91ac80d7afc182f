/**
 * The template's minute parameters are read by Session Manager (the preferences it writes) and by
 * the session-preferences rule (the limits it judges by): CloudFormation must refuse at deploy time
 * exactly what Session Manager refuses, no more and no less.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  IDLE_SESSION_TIMEOUT_MINUTES,
  MAX_SESSION_DURATION_MINUTES,
} from '../../functions/shared/core/session-preferences';
import { readTemplate } from '../../scripts/template';

const { Parameters = {} } = readTemplate(join(import.meta.dirname, '../../template.yaml'));
const declaredRange = (name: string) => ({ min: Parameters[name]?.MinValue, max: Parameters[name]?.MaxValue });

describe("template.yaml's session-duration parameters", () => {
  it.each(['IdleSessionTimeoutMinutes', 'PreferencesRuleMaxIdleSessionTimeoutMinutes'])(
    '%s allows the idleSessionTimeout Session Manager accepts',
    (name) => {
      expect(declaredRange(name)).toEqual(IDLE_SESSION_TIMEOUT_MINUTES);
    },
  );

  it.each(['MaxSessionDurationMinutes', 'PreferencesRuleMaxSessionDurationMinutes'])(
    '%s allows the maxSessionDuration Session Manager accepts',
    (name) => {
      expect(declaredRange(name)).toEqual(MAX_SESSION_DURATION_MINUTES);
    },
  );
});
