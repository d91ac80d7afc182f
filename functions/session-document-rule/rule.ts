/**
 * The session-preferences rule: every Session document the account owns encrypts sessions and
 * logs, logs somewhere, and keeps sessions short, as far as its session type allows (port
 * forwarding is neither logged nor encrypted); and the account has SSM-SessionManagerRunShell at
 * all. The decision lives in core/session-document-check; this file says where the inputs come from.
 */
import * as z from '../shared/core/zod';
import {
  DEFAULT_SESSION_LIMITS,
  evaluateAccountPreferences,
  evaluateSessionDocument,
  notASessionDocument,
  type SessionLimits,
  type YamlParser,
} from '../shared/core/session-document-check';
import { IDLE_SESSION_TIMEOUT_MINUTES, MAX_SESSION_DURATION_MINUTES } from '../shared/core/session-preferences';
import { SESSION_PREFERENCES_DOCUMENT_NAME } from '../shared/core/session-manager';
import { notApplicable, type Verdict } from '../shared/core/compliance';
import { wholeNumberWithin } from '../shared/core/validation';
import { parseRuleParameters } from '../shared/config-rule/parameters';
import type { ConfigRule, ResourceVerdict } from '../shared/config-rule/rule';
import {
  ACCOUNT_RESOURCE_TYPE,
  SSM_DOCUMENT_RESOURCE_TYPE,
  ssmDocumentFromItem,
} from '../shared/resources/ssm-document';

const SESSION_DOCUMENT_TYPE = 'Session';

export const sessionDocumentParametersSchema = z.pipe(
  z.object({
    // A limit the rule is given must itself be a value Session Manager accepts.
    MaxIdleSessionTimeoutMinutes: z.optional(wholeNumberWithin(IDLE_SESSION_TIMEOUT_MINUTES)),
    MaxSessionDurationMinutes: z.optional(wholeNumberWithin(MAX_SESSION_DURATION_MINUTES)),
  }),
  z.transform(
    (p): SessionLimits => ({
      maxIdleSessionTimeoutMinutes:
        p.MaxIdleSessionTimeoutMinutes ?? DEFAULT_SESSION_LIMITS.maxIdleSessionTimeoutMinutes,
      maxSessionDurationMinutes: p.MaxSessionDurationMinutes ?? DEFAULT_SESSION_LIMITS.maxSessionDurationMinutes,
    }),
  ),
);

/** One SSM document as the rule reads it: the default version. */
export interface FetchedDocument {
  readonly name: string;
  /** JSON or YAML text of the default version. */
  readonly content: string;
  readonly documentType: string;
}

export interface SessionDocumentRuleSources {
  /** Names of the Session documents the account owns (ListDocuments in production). */
  listOwnSessionDocumentNames(): Promise<readonly string[]>;
  /** The default version of a document; undefined when it does not exist (GetDocument). */
  getDocument(name: string): Promise<FetchedDocument | undefined>;
  /**
   * A YAML parser for content written in YAML, undefined for JSON: the parser's code is loaded
   * only when a document needs it (most are JSON).
   */
  yamlParserFor(content: string): Promise<YamlParser | undefined>;
}

export function createSessionDocumentRule(sources: SessionDocumentRuleSources): ConfigRule<SessionLimits> {
  const verdictFor = async (document: FetchedDocument, limits: SessionLimits): Promise<Verdict> =>
    document.documentType === SESSION_DOCUMENT_TYPE
      ? evaluateSessionDocument(document, limits, await sources.yamlParserFor(document.content))
      : notASessionDocument(document.name, document.documentType);

  return {
    name: 'session-guard session-preferences rule',
    resourceTypes: [SSM_DOCUMENT_RESOURCE_TYPE],
    parseParameters: (raw) => parseRuleParameters(sessionDocumentParametersSchema, raw),

    async evaluateItem(item, limits) {
      const reference = ssmDocumentFromItem(item);
      // Most documents are not Session documents; skip the read when the item already says so.
      if (reference.documentType && reference.documentType !== SESSION_DOCUMENT_TYPE) {
        return notASessionDocument(reference.name, reference.documentType);
      }
      const document = await sources.getDocument(reference.name);
      if (!document) return notApplicable(`SSM document ${reference.name} no longer exists.`);
      return verdictFor(document, limits);
    },

    async sweep(limits, { accountId }) {
      const names = new Set(await sources.listOwnSessionDocumentNames());
      // Always look for the preferences document itself, listed or not: its absence is a finding.
      names.add(SESSION_PREFERENCES_DOCUMENT_NAME);
      const verdicts: ResourceVerdict[] = [];
      let preferencesDocumentExists = false;
      for (const name of names) {
        const document = await sources.getDocument(name);
        if (!document) continue;
        if (name === SESSION_PREFERENCES_DOCUMENT_NAME) preferencesDocumentExists = true;
        verdicts.push({
          resourceType: SSM_DOCUMENT_RESOURCE_TYPE,
          resourceId: document.name,
          ...(await verdictFor(document, limits)),
        });
      }
      // Reported every sweep, so a COMPLIANT result replaces the NON_COMPLIANT one once the document appears.
      verdicts.push({
        resourceType: ACCOUNT_RESOURCE_TYPE,
        resourceId: accountId,
        ...evaluateAccountPreferences(preferencesDocumentExists),
      });
      return verdicts;
    },
  };
}
