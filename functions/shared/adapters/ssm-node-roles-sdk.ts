/**
 * The part of the Account Management and Systems Manager SDKs that NodeRoleGateway calls, in a module of its own so
 * that it is loaded with import() when node roles are first read: a change to an ordinary EC2 role
 * never needs it, and the function's cold start should not pay for it (see iam-sdk.ts).
 */
export { AccountClient, paginateListRegions } from '@aws-sdk/client-account';
export {
  GetServiceSettingCommand,
  paginateDescribeActivations,
  paginateDescribeInstanceInformation,
  SSMClient,
} from '@aws-sdk/client-ssm';
