/**
 * The guardrails one policy document breaks when it is a subject's only policy: the core's
 * guardrails asked about a single document, for tests that judge a policy on its own (a customer
 * managed policy, or a policy our own template deploys). Throws PolicyDocumentError when the
 * document cannot be read.
 */
import type { PolicyInForce } from '../../functions/shared/core/effective-access';
import {
  type AccountHome,
  NO_EXEMPTIONS,
  readIdentityStatements,
  SSM_GUARDRAILS,
  type SsmAccessExemptions,
  type SsmGuardrail,
} from '../../functions/shared/core/ssm-access-guardrails';

/** One guardrail a single policy document breaks on its own. */
export interface BroadGrant {
  readonly guardrail: SsmGuardrail;
  readonly statement: string;
  readonly what: string;
  readonly why?: string;
}

export function findBroadGrants(
  document: unknown,
  home: AccountHome,
  exemptions: SsmAccessExemptions = NO_EXEMPTIONS,
): BroadGrant[] {
  const policy: PolicyInForce = { name: 'policy', statements: readIdentityStatements(document) };
  return SSM_GUARDRAILS.flatMap((guardrail) => {
    const found = guardrail.find({ identity: [policy] }, home, exemptions);
    return found
      ? [
          {
            guardrail,
            statement: found.grant.statement,
            what: found.what,
            ...(found.grant.why ? { why: found.grant.why } : {}),
          },
        ]
      : [];
  });
}
