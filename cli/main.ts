#!/usr/bin/env node
/**
 * session-guard on the command line. `scan` runs the instance-role rule over the bundled sample
 * account and prints each role's verdict and annotation; no AWS credentials are needed.
 */
import { createRolePolicyRule } from '../functions/role-policy-rule/rule';
import { DEFAULT_EXEMPTION_TAG_KEY } from '../functions/shared/core/instance-role';
import { renderTable } from './report/table';
import { loadSampleAccount } from './sources/sample-account';

const USAGE = `Usage: session-guard scan

  scan    Evaluate every IAM role of the bundled sample account against the instance-role rule.`;

async function scan(): Promise<void> {
  const account = loadSampleAccount();
  const rule = createRolePolicyRule({ listRoles: () => account.listRoles() });
  const roles = new Map((await account.listRoles()).map((r) => [r.roleId, r]));
  const verdicts = await rule.sweep!({
    policyArn: account.instancePolicyArn,
    alternativePolicyArns: [],
    exemptionTagKey: DEFAULT_EXEMPTION_TAG_KEY,
  }, { accountId: account.accountId });
  console.log(`Instance-role rule: account ${account.accountId} (bundled sample), required policy ${account.instancePolicyArn}\n`);
  console.log(
    renderTable(
      ['ROLE', 'ROLE ID', 'VERDICT', 'ANNOTATION'],
      verdicts.map((v) => [roles.get(v.resourceId)?.roleName ?? '', v.resourceId, v.compliance, v.annotation]),
    ),
  );
  const count = (c: string) => verdicts.filter((v) => v.compliance === c).length;
  console.log(`\n${verdicts.length} roles: ${count('COMPLIANT')} compliant, ${count('NON_COMPLIANT')} non-compliant, ${count('NOT_APPLICABLE')} not applicable`);
}

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === 'scan') {
    await scan();
    return 0;
  }
  console.error(command === undefined || command === '--help' ? USAGE : `Unknown command: ${command}\n\n${USAGE}`);
  return command === '--help' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`session-guard: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
