/**
 * The instance policy's ARN is what people put in launch templates, pipelines and IAM conditions,
 * so the name template.yaml deploys and the one the docs, the sample account and the remediation
 * IAM example show must be the same.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTemplate } from '../../scripts/template';

const root = join(import.meta.dirname, '../..');
const template = readTemplate(join(root, 'template.yaml'));
const policy = template.Resources.SessionManagerInstancePolicy!;
const sample = JSON.parse(readFileSync(join(root, 'cli/sample-account/account.json'), 'utf8')) as {
  accountId: string;
  Stack: { Outputs: { OutputKey: string; OutputValue: string }[] };
  Policies: { PolicyName: string; Arn: string; Path: string }[];
};

/** The ARN CloudFormation gives the policy for the default DeploymentName in the sample account. */
function deployedArn(): { name: string; path: string; arn: string } {
  const deploymentName = String(template.Parameters?.DeploymentName?.Default);
  const name = (policy.Properties?.ManagedPolicyName as { 'Fn::Sub': string })['Fn::Sub'].replace(
    '${DeploymentName}',
    deploymentName,
  );
  const path = String(policy.Properties?.Path);
  return { name, path, arn: `arn:aws:iam::${sample.accountId}:policy${path}${name}` };
}

describe('the instance policy name', () => {
  it('is fixed by DeploymentName, under the session-guard path', () => {
    expect(policy.Properties?.ManagedPolicyName).toEqual({ 'Fn::Sub': '${DeploymentName}-instance-policy' });
    expect(deployedArn().arn).toBe('arn:aws:iam::111122223333:policy/session-guard/session-guard-instance-policy');
  });

  it('fits IAM: a policy name of at most 128 characters, even for the longest DeploymentName', () => {
    // DeploymentName's AllowedPattern allows 20 characters.
    expect(`${'x'.repeat(20)}-instance-policy`.length).toBeLessThanOrEqual(128);
    expect(String(template.Parameters?.DeploymentName?.AllowedPattern)).toBe('^[a-z][a-z0-9-]{0,19}$');
  });

  it('is the one the sample account carries and the stack output names', () => {
    const { name, path, arn } = deployedArn();
    expect(sample.Stack.Outputs.find((o) => o.OutputKey === 'SessionManagerInstancePolicyArn')?.OutputValue).toBe(arn);
    expect(sample.Policies.filter((p) => p.Arn === arn)).toEqual([
      expect.objectContaining({ PolicyName: name, Path: path }),
    ]);
  });

  it('is the one the README and the remediation IAM example in docs/cli.md show', () => {
    const { arn } = deployedArn();
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(arn);
    expect(readFileSync(join(root, 'docs/cli.md'), 'utf8')).toContain(`"iam:PolicyARN": "${arn}"`);
  });
});
