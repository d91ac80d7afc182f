/** Builders for the documents and items AWS sends, in the encodings it uses. */

/** URL-encodes a policy document the way Config and IAM deliver it (`%7B%22Version...`). */
export const urlEncoded = (document: unknown): string => encodeURIComponent(JSON.stringify(document));

export const trustFor = (
  principal: unknown,
  action: unknown = 'sts:AssumeRole',
  extra: Record<string, unknown> = {},
) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: action, ...extra }],
});

export const EC2_TRUST = trustFor({ Service: 'ec2.amazonaws.com' });
export const LAMBDA_TRUST = trustFor({ Service: 'lambda.amazonaws.com' });
/** What DHMC and hybrid activation roles trust: Systems Manager. */
export const SSM_TRUST = trustFor({ Service: 'ssm.amazonaws.com' });
