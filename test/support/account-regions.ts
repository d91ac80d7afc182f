/**
 * The Account Management API's ListRegions for handler tests: an account's regions with their
 * opt-in status, answered as the API does, only those whose status RegionOptStatusContains names.
 * https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html
 */
import type { ListRegionsCommandInput, ListRegionsCommandOutput, Region } from '@aws-sdk/client-account';

/** Two regions enabled by default, and opt-in regions disabled and still being enabled. */
export const ACCOUNT_REGIONS: Region[] = [
  { RegionName: 'af-south-1', RegionOptStatus: 'DISABLED' },
  { RegionName: 'ap-east-1', RegionOptStatus: 'ENABLING' },
  { RegionName: 'eu-west-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
  { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
];

export function listRegionsOf(
  regions: Region[],
): (input: ListRegionsCommandInput) => Promise<Partial<ListRegionsCommandOutput>> {
  return async ({ RegionOptStatusContains: statuses = [] }) => ({
    Regions: regions.filter((region) => statuses.length === 0 || statuses.includes(region.RegionOptStatus!)),
  });
}
