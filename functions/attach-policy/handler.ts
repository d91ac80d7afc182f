/**
 * AttachPolicyFunction: the remediation behind AWS Config's "Remediate" button. The SSM Automation
 * document in automation-docs/ invokes it with the RoleId Config passes and the policy to attach;
 * a thrown error fails the document's step, so a failed remediation is never reported as done.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { IAMClient } from '@aws-sdk/client-iam';
import middy from '@middy/core';
import * as z from '../shared/core/zod';
import { boundedClientSettings, sleep as timerSleep } from '../shared/adapters/aws-clients';
import { ConfigServiceGateway } from '../shared/adapters/config-service';
import { IamRoleRemediationGateway } from '../shared/adapters/iam-role-remediation';
import { type NodeRoleGateway, nodeRoleGateway } from '../shared/adapters/ssm-node-roles';
import { listOf, policyArn, regionName } from '../shared/config-rule/parameters';
import { DEFAULT_EXEMPTION_TAG_KEY } from '../shared/core/instance-role';
import {
  createTelemetry,
  recordRemediation,
  type Telemetry,
  telemetryMiddleware,
} from '../shared/handler/observability';
import { IAM_ROLE_RESOURCE_TYPE } from '../shared/resources/iam-role';
import { InstanceRoleRemediation, type RemediationOutcome, type RemediationRequest } from './remediate';
import { describeIssues } from '../shared/core/validation';
import { InputError } from '../shared/errors';

export class InvalidRemediationEventError extends InputError {
  override name = 'InvalidRemediationEventError';
}

export class InvalidFunctionSettingError extends InputError {
  override name = 'InvalidFunctionSettingError';
}

const attachPolicyEventSchema = z.object({
  RoleId: z
    .string()
    .check(
      z.trim(),
      z.regex(
        /^AROA[A-Z0-9]+$/,
        'must be an IAM role ID such as AROAEXAMPLEID12345678 (AWS Config passes RESOURCE_ID), not a role name or ARN',
      ),
    ),
  PolicyArn: policyArn,
});

export function parseAttachPolicyEvent(raw: unknown): RemediationRequest {
  const result = attachPolicyEventSchema.safeParse(raw);
  if (!result.success) {
    const problems = describeIssues(result.error, '(event)');
    throw new InvalidRemediationEventError(`Not a remediation request {RoleId, PolicyArn}: ${problems}`);
  }
  return { roleId: result.data.RoleId, policyArn: result.data.PolicyArn };
}

export interface AttachPolicyDependencies {
  readonly iam: IAMClient;
  readonly config: ConfigServiceClient;
  /** The template's ExemptionTagKey, the same tag the rule honours. */
  readonly exemptionTagKey: string;
  /** Where DHMC, activation and hybrid-node roles are looked up (GetServiceSetting, DescribeActivations, ...). */
  readonly nodeRoles: Pick<NodeRoleGateway, 'listNodeRoles'>;
  /** The rule's NodeRoleRegions; empty: every region enabled for the account. */
  readonly nodeRoleRegions?: readonly string[];
  readonly telemetry?: Telemetry;
  readonly sleep?: (ms: number) => Promise<void>;
}

export function attachPolicyHandler({
  iam,
  config,
  exemptionTagKey,
  nodeRoles,
  nodeRoleRegions = [],
  telemetry = createTelemetry(),
  sleep = timerSleep,
}: AttachPolicyDependencies) {
  const { logger, metrics } = telemetry;
  const roles = new IamRoleRemediationGateway(iam);
  const configService = new ConfigServiceGateway(config);
  const remediation = new InstanceRoleRemediation(
    {
      knownRoleName: (roleId) => configService.resourceNameOf(IAM_ROLE_RESOURCE_TYPE, roleId),
      findRoleName: (roleId) => roles.findRoleNameById(roleId),
      readRoleFacts: (roleName) => roles.readRoleFacts(roleName),
      attachPolicy: (roleName, arn) => roles.attachPolicy(roleName, arn),
      listAttachedPolicyArns: (roleName) => roles.listAttachedPolicyArns(roleName),
      listNodeRoles: (regions) => nodeRoles.listNodeRoles(regions),
    },
    { exemptionTagKey, nodeRoleRegions, sleep },
  );

  return middy()
    .use(telemetryMiddleware(telemetry))
    .handler(async (rawEvent: unknown): Promise<RemediationOutcome> => {
      try {
        const request = parseAttachPolicyEvent(rawEvent);
        logger.appendKeys({ roleId: request.roleId, policyArn: request.policyArn });
        const outcome = await remediation.remediate(request);
        recordRemediation(metrics, outcome.action);
        logger.info('remediation finished', { ...outcome });
        return outcome;
      } catch (error) {
        // Counted for the RemediationFailed alarm, then thrown again so the document's step fails.
        recordRemediation(metrics, 'failed');
        logger.error('remediation failed', error as Error);
        throw error;
      }
    });
}

/** NODE_ROLE_REGIONS: the template passes the rule's NodeRoleRegions, comma-separated (empty: every enabled region). */
export function parseNodeRoleRegions(value: string | undefined): string[] {
  const result = listOf(regionName).safeParse(value ?? '');
  if (!result.success)
    throw new InvalidFunctionSettingError(
      `Environment variable NODE_ROLE_REGIONS ${describeIssues(result.error, '')}; set the ` +
        `stack's NodeRoleRegions parameter to comma-separated region names, or leave it empty.`,
    );
  return result.data;
}

export const handler = attachPolicyHandler({
  iam: new IAMClient(boundedClientSettings('IAM')),
  config: new ConfigServiceClient(boundedClientSettings('CONFIG_SERVICE')),
  exemptionTagKey: process.env.EXEMPTION_TAG_KEY?.trim() || DEFAULT_EXEMPTION_TAG_KEY,
  // The same bounded retries as IAM: re-checking eligibility must fit the remediation budget too.
  nodeRoles: nodeRoleGateway((service) => boundedClientSettings(service)),
  nodeRoleRegions: parseNodeRoleRegions(process.env.NODE_ROLE_REGIONS),
});
