/**
 * A live account, read-only, through the same adapters the Lambdas use: roles, users, groups and
 * customer managed policies in GetAccountAuthorizationDetails pages (IamGateway), never a call per
 * role; the account's own Session documents through SsmSessionDocumentsGateway; the DHMC, activation and
 * hybrid-node roles of every region through NodeRoleGateway.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientSettings, type EndpointService, withAwsErrors } from '../../functions/shared/adapters/aws-clients';
import { awsErrorName } from '../../functions/shared/adapters/aws-errors';
import { ConfigServiceGateway } from '../../functions/shared/adapters/config-service';
import { IamGateway } from '../../functions/shared/adapters/iam';
import { type NodeRoleGateway, nodeRoleGateway } from '../../functions/shared/adapters/ssm-node-roles';
import { SsmSessionDocumentsGateway } from '../../functions/shared/adapters/ssm-session-documents';
import type { CliIo, Progress } from '../io';
import { type AccountSource, deploymentFromStack, once } from './account-source';
import { assertProfileExists } from './aws-profiles';

export interface LiveAccountOptions {
  readonly profile?: string;
  readonly region?: string;
  readonly endpointUrl?: string;
  /** The session-guard stack whose outputs supply defaults (e.g. the instance policy ARN). */
  readonly stackName: string;
}

/**
 * SDK client settings for the account the user named: the shared settings (retries,
 * AWS_ENDPOINT_URL) with --endpoint-url, --region and --profile on top. Remediation builds its IAM
 * client from the same settings, so it changes exactly the account that was scanned.
 */
export function liveClientSettings(options: LiveAccountOptions, env: NodeJS.ProcessEnv) {
  return (service: EndpointService) => ({
    ...clientSettings(service, env),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  });
}

/** DHMC, activation and hybrid-node roles of the account the user named, region by region. */
export function liveNodeRoleGateway(options: LiveAccountOptions, env: NodeJS.ProcessEnv): NodeRoleGateway {
  return nodeRoleGateway(liveClientSettings(options, env));
}

export function liveAccount(
  options: LiveAccountOptions,
  io: Pick<CliIo, 'env' | 'stderr'>,
  progress: Progress,
): AccountSource {
  if (options.profile) assertProfileExists(options.profile, io.env);
  const settings = liveClientSettings(options, io.env);
  const iamClient = new IAMClient(settings('IAM'));
  const reading = showAuthorizationDetailsRead(iamClient, progress);
  const iam = new IamGateway(iamClient);
  const nodeRoles = liveNodeRoleGateway(options, io.env);
  const ssm = new SsmSessionDocumentsGateway(new SSMClient(settings('SSM')));
  const sts = withAwsErrors(new STSClient(settings('STS')), 'sts');
  const cloudFormation = withAwsErrors(new CloudFormationClient(settings('CLOUDFORMATION')), 'cloudformation');
  const config = new ConfigServiceGateway(new ConfigServiceClient(settings('CONFIG_SERVICE')));

  const where = [options.profile && `profile ${options.profile}`, options.region, options.endpointUrl]
    .filter(Boolean)
    .join(', ');
  return {
    kind: 'live',
    description: `live account${where ? ` (${where})` : ''}`,
    accountId: once(async () => (await sts.send(new GetCallerIdentityCommand({}))).Account ?? 'unknown'),
    listRoles: once(() => reading('IAM roles', () => iam.listRoles())),
    listNodeRoles: (regions) => nodeRoles.listNodeRoles(regions),
    listPolicySubjects: once(() => reading('IAM policies, roles, users and groups', () => iam.listPolicySubjects())),
    getPolicySummary: (policyArn) => iam.getPolicySummary(policyArn),
    getManagedPolicyDocument: (policyArn) => iam.getManagedPolicyDocument(policyArn),
    listGroupPolicies: once(() => iam.listGroupPolicies()),
    listOwnSessionDocumentNames: once(() => ssm.listOwnSessionDocumentNames()),
    getDocument: (name) => ssm.getDocument(name),
    yamlParserFor: (content) => ssm.yamlParserFor(content),
    deployment: once(async () => {
      try {
        const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: options.stackName }));
        return Stacks?.[0] ? deploymentFromStack(Stacks[0]) : undefined;
      } catch (error) {
        // CloudFormation answers a missing stack with a ValidationError; there is simply no default.
        if (awsErrorName(error) === 'ValidationError' && /does not exist/.test((error as Error).message))
          return undefined;
        throw error;
      }
    }),
    config: {
      getConfigurationItem: (summary) => config.getConfigurationItem(summary),
      async listEvaluatedResources(configRuleName) {
        try {
          return await config.listEvaluatedResources(configRuleName);
        } catch (error) {
          // A saved event may name a rule this account does not have: it has reported nothing here.
          if (awsErrorName(error) === 'NoSuchConfigRuleException') {
            io.stderr.write(
              `Note: no Config rule ${configRuleName} in this account, so no earlier results to retire.\n`,
            );
            return [];
          }
          throw error;
        }
      },
    },
  };
}

/**
 * Shows how many entries have been read so far, page by page, while a large account is swept.
 * Returns the wrapper that labels one read: `reading('IAM roles', () => iam.listRoles())`.
 */
function showAuthorizationDetailsRead(client: IAMClient, progress: Progress) {
  let label = '';
  let entries = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'GetAccountAuthorizationDetailsCommand') {
        const page = result.output as Record<
          'RoleDetailList' | 'UserDetailList' | 'GroupDetailList' | 'Policies',
          unknown[] | undefined
        >;
        entries += [page.RoleDetailList, page.UserDetailList, page.GroupDetailList, page.Policies].reduce(
          (sum, list) => sum + (list?.length ?? 0),
          0,
        );
        progress.update(`Reading ${label} (GetAccountAuthorizationDetails): ${entries} so far…`);
      }
      return result;
    },
    { step: 'initialize', name: 'sessionGuardCountAuthorizationDetails' },
  );
  return async <T>(what: string, read: () => Promise<T>): Promise<T> => {
    label = what;
    entries = 0;
    progress.update(`Reading ${what} (GetAccountAuthorizationDetails)…`);
    try {
      return await read();
    } finally {
      progress.done();
    }
  };
}
