/**
 * The bundled sample account's file and its shape: the shapes AWS returns, one per API. Kept apart
 * from sample-account.ts, which answers SDK clients from it, so that `check` can read the AWS
 * managed policies without loading the SDK at start-up (type imports are erased).
 */
import { readFileSync } from 'node:fs';
import type { Region } from '@aws-sdk/client-account';
import type { Stack } from '@aws-sdk/client-cloudformation';
import type { GroupDetail, ManagedPolicyDetail, RoleDetail, Tag, UserDetail } from '@aws-sdk/client-iam';
import type { Activation, GetDocumentResult, GetServiceSettingResult, InstanceInformation } from '@aws-sdk/client-ssm';

export const SAMPLE_ACCOUNT_PATH = new URL('../sample-account/account.json', import.meta.url);

export interface SampleAccountFile {
  accountId: string;
  region: string;
  Stack: Stack;
  RoleDetailList: RoleDetail[];
  UserDetailList: UserDetail[];
  GroupDetailList: GroupDetail[];
  /** Customer managed policies (GetAccountAuthorizationDetails `Policies`, filter LocalManagedPolicy). */
  Policies: ManagedPolicyDetail[];
  /** The AWS managed policies the account uses (GetAccountAuthorizationDetails `Policies`, filter AWSManagedPolicy). */
  AWSManagedPolicies: ManagedPolicyDetail[];
  /** GetPolicy's Tags by policy ARN: GetAccountAuthorizationDetails leaves policy tags out. */
  PolicyTags: Record<string, Tag[]>;
  /** The account's own documents, each as GetDocument returns its default version. */
  Documents: GetDocumentResult[];
  /** The account's regions and their opt-in status, as ListRegions lists them (a disabled one included). */
  Regions: Region[];
  /** Per region: the DHMC service setting, activations and hybrid nodes, as Systems Manager returns them. */
  SystemsManager: Record<string, RegionalSystemsManager>;
}

interface RegionalSystemsManager {
  GetServiceSetting: GetServiceSettingResult;
  ActivationList: Activation[];
  InstanceInformationList: InstanceInformation[];
}

export function readSampleAccountFile(path: URL | string = SAMPLE_ACCOUNT_PATH): SampleAccountFile {
  return JSON.parse(readFileSync(path, 'utf8')) as SampleAccountFile;
}
