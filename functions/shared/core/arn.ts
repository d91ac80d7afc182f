/** Reading ARNs. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html */

/**
 * The name an ARN's resource part ends with, after any path: `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`
 * gives `ViewOnlyAccess`, `arn:aws:ssm:eu-west-1:123456789012:document/TeamShell` gives `TeamShell`.
 */
export function nameInArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
