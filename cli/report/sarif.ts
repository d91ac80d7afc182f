/**
 * `check --sarif FILE`: SARIF 2.1.0, as GitHub code scanning and other CI tools read it. One rule
 * per check, one result per NON_COMPLIANT resource at the line of its logical ID (or Terraform
 * block), with the check's annotation as the message.
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 * https://docs.github.com/en/github-ae@latest/code-security/secure-coding/uploading-a-sarif-file-to-github
 */
import { relative, sep } from 'node:path';
import type { IacCheckId } from '../iac/cloudformation';
import { findCheck } from '../checks/registry';
import type { IacReport } from './iac-report';

/** What to do about a finding of each check, as the README's rule tables say it. */
const HELP: Readonly<Record<IacCheckId, string>> = {
  'ssm-access':
    'IAM-SSM-1 / IAM-SSM-2: ssm:SendCommand or ssm:StartSession on managed nodes the policy does not name runs ' +
    'commands or opens a shell anywhere; name the nodes, or require named values of ssm:resourceTag/<key>. ' +
    "SG-SSM-3: ssm:StartSession with a session document other than SSM-SessionManagerRunShell skips the account's " +
    "session preferences; name SSM-SessionManagerRunShell as StartSession's document resource, or allow the document " +
    'on purpose. ' +
    'SG-SSM-4: writing SSM-SessionManagerRunShell or the Default Host Management setting ' +
    'turns the session controls off; leave them to the deployment that manages them. ' +
    'A policy whose document cannot be read (an AWS managed policy session-guard ' +
    'does not know, a SAM policy template) is reported, never passed.',
  'session-document':
    'Session documents must encrypt sessions (kmsKeyId), log to an encrypted CloudWatch log group or S3 bucket, ' +
    'and keep idleSessionTimeout and maxSessionDuration within the limits, as far as their session type allows.',
  'instance-role':
    'Every role EC2 can assume that sits in an instance profile must carry the Session Manager instance ' +
    'policy: attach it (ManagedPolicyArns), or tag the role with the exemption tag if it never runs sessions.',
};

export function renderSarif(report: IacReport, version: string, cwd: string = process.cwd()): unknown {
  const failing = report.findings.filter((f) => f.compliance === 'NON_COMPLIANT');
  const ruleIds = (['ssm-access', 'session-document', 'instance-role'] as const).filter((id) =>
    report.findings.some((f) => f.checkId === id),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'session-guard',
            version,
            rules: ruleIds.map((id) => {
              const check = findCheck(id);
              return {
                id,
                name: check.logicalId,
                shortDescription: { text: check.title },
                fullDescription: { text: check.title },
                help: { text: HELP[id] },
                defaultConfiguration: { level: 'error' },
              };
            }),
          },
        },
        results: failing.map((f) => ({
          ruleId: f.checkId,
          ruleIndex: ruleIds.indexOf(f.checkId),
          level: 'error',
          message: { text: f.annotation },
          locations: [
            {
              physicalLocation: {
                // Relative to where the command ran (the repository root in CI), with forward slashes.
                artifactLocation: { uri: relative(cwd, f.file).split(sep).join('/') },
                region: { startLine: f.line },
              },
              logicalLocations: [
                { name: f.resource, kind: 'resource', fullyQualifiedName: `${f.resourceType} ${f.resource}` },
              ],
            },
          ],
        })),
      },
    ],
  };
}
