/**
 * The part of the IAM SDK that IamGateway calls, in a module of its own so that it can be loaded
 * with import() when IAM is first called. An import() of `@aws-sdk/client-iam` itself would keep
 * every IAM command in the bundle: a dynamically imported module's exports cannot be tree-shaken.
 */
export {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  paginateGetAccountAuthorizationDetails,
} from '@aws-sdk/client-iam';
