/** The session-preferences rule (functions/session-document-rule) as a CLI check. */
import { createSessionDocumentRule } from '../../functions/session-document-rule/rule';
import { DEFAULT_SESSION_LIMITS } from '../../functions/shared/core/session-document-check';
import { SESSION_PREFERENCES_DOCUMENT_NAME } from '../../functions/shared/core/session-manager';
import { SSM_DOCUMENT_RESOURCE_TYPE } from '../../functions/shared/resources/ssm-document';
import type { Check } from './check';

export const sessionDocumentCheck: Check = {
  id: 'session-document',
  logicalId: 'PreferencesRule',
  title:
    'Session documents encrypt and log sessions as far as their session ' +
    'type allows, and keep them short; SSM-SessionManagerRunShell exists',
  resourceTypes: [SSM_DOCUMENT_RESOURCE_TYPE],
  // Names and stack sources as in template.yaml (PreferencesRule InputParameters).
  parameters: [
    {
      name: 'MaxIdleSessionTimeoutMinutes',
      flag: '--max-idle-session-timeout-minutes <minutes>',
      description:
        `largest idleSessionTimeout a Session document may set (default: the stack's ` +
        `PreferencesRuleMaxIdleSessionTimeoutMinutes parameter, else ` +
        `${DEFAULT_SESSION_LIMITS.maxIdleSessionTimeoutMinutes})`,
      fromStack: { parameter: 'PreferencesRuleMaxIdleSessionTimeoutMinutes' },
    },
    {
      name: 'MaxSessionDurationMinutes',
      flag: '--max-session-duration-minutes <minutes>',
      description:
        `largest maxSessionDuration a Session document may set (default: the stack's ` +
        `PreferencesRuleMaxSessionDurationMinutes parameter, else ` +
        `${DEFAULT_SESSION_LIMITS.maxSessionDurationMinutes})`,
      fromStack: { parameter: 'PreferencesRuleMaxSessionDurationMinutes' },
    },
  ],
  rule: (source) => createSessionDocumentRule(source),
  // Config identifies a document by its name, so only the account's row needs a readable name.
  resourceNames: async (source) => {
    const names = new Map<string, string>([[await source.accountId(), 'AWS account']]);
    for (const name of [...(await source.listOwnSessionDocumentNames()), SESSION_PREFERENCES_DOCUMENT_NAME])
      names.set(name, name);
    return names;
  },
};
