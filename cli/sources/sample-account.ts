/** The bundled sample account: realistic IAM data in the shapes AWS returns, read from disk. */
import { readFileSync } from 'node:fs';
import type { RoleDetail } from '@aws-sdk/client-iam';
import { roleFactsFromDetail } from '../../functions/shared/adapters/iam';
import type { RoleFacts } from '../../functions/shared/core/instance-role';

const SAMPLE_ACCOUNT_PATH = new URL('../sample-account/account.json', import.meta.url);

export interface SampleAccount {
  readonly accountId: string;
  readonly region: string;
  /** The instance policy a session-guard stack in this account would have created. */
  readonly instancePolicyArn: string;
  listRoles(): Promise<RoleFacts[]>;
}

export function loadSampleAccount(): SampleAccount {
  const raw = JSON.parse(readFileSync(SAMPLE_ACCOUNT_PATH, 'utf8')) as {
    accountId: string;
    region: string;
    instancePolicyArn: string;
    RoleDetailList: RoleDetail[];
  };
  return {
    accountId: raw.accountId,
    region: raw.region,
    instancePolicyArn: raw.instancePolicyArn,
    listRoles: async () => raw.RoleDetailList.map(roleFactsFromDetail),
  };
}
