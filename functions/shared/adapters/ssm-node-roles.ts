/**
 * How we find the roles Systems Manager hands to nodes without an instance profile, region by
 * region: the DHMC service setting, hybrid activations, and registered hybrid nodes. All three are
 * regional, and IAM (so the instance-role rule) is global, so the rule reads every region it is
 * told to, or every region enabled for the account.
 */
import type { AccountClient, RegionOptStatus } from '@aws-sdk/client-account';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { DHMC_SETTING_ID, type NamedNodeRole } from '../core/session-node-roles';
import { type ClientSource, clientOnFirstUse, type EndpointService, withAwsErrors } from './aws-clients';
import { AwsAccessDeniedError, awsErrorName, withHint } from './aws-errors';

/** The largest page DescribeActivations and DescribeInstanceInformation return. */
const SSM_DESCRIBE_PAGE_SIZE = 50;

/**
 * The opt-in statuses of regions the account can call: those enabled by default and the opt-in
 * regions someone enabled. A region still ENABLING, or DISABLING or DISABLED, is skipped: its
 * endpoints refuse the account's credentials, and it holds no nodes.
 * https://docs.aws.amazon.com/accounts/latest/reference/API_Region.html
 * https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
 */
const USABLE_REGION_STATUSES: RegionOptStatus[] = ['ENABLED', 'ENABLED_BY_DEFAULT'];

/** The largest page ListRegions returns. */
const LIST_REGIONS_PAGE_SIZE = 50;

type NodeRoleSdk = typeof import('./ssm-node-roles-sdk');
const loadSdk = (): Promise<NodeRoleSdk> => import('./ssm-node-roles-sdk');

export class NodeRoleGateway {
  /**
   * @param account lists the regions enabled for the account.
   * @param ssmIn a Systems Manager client for one region.
   */
  private readonly account: () => Promise<AccountClient>;

  constructor(
    account: ClientSource<AccountClient>,
    private readonly ssmIn: (region: string) => SSMClient | Promise<SSMClient>,
  ) {
    this.account = clientOnFirstUse(account, 'account');
  }

  /**
   * Every DHMC, activation and hybrid-node role of the given regions, or of every region enabled
   * for the account when none are given, read in parallel.
   */
  async listNodeRoles(regions: readonly string[]): Promise<NamedNodeRole[]> {
    const read = regions.length > 0 ? regions : await this.enabledRegions();
    const perRegion = await Promise.all(read.map((region) => this.nodeRolesIn(region)));
    return perRegion.flat();
  }

  /**
   * The regions enabled for the account, from the Account Management API's ListRegions (its own
   * account: no AccountId). The status is checked again here, not only asked of the filter: a region
   * that is not usable must never be read.
   * https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html
   */
  private async enabledRegions(): Promise<string[]> {
    const [sdk, account] = await Promise.all([loadSdk(), this.account()]);
    try {
      const regions: string[] = [];
      const pages = sdk.paginateListRegions(
        { client: account, pageSize: LIST_REGIONS_PAGE_SIZE },
        { RegionOptStatusContains: USABLE_REGION_STATUSES },
      );
      for await (const page of pages) {
        for (const region of page.Regions ?? []) {
          if (region.RegionName && region.RegionOptStatus && USABLE_REGION_STATUSES.includes(region.RegionOptStatus))
            regions.push(region.RegionName);
        }
      }
      return regions.sort();
    } catch (error) {
      if (!(error instanceof AwsAccessDeniedError)) throw error;
      throw withHint(error, "Or list the regions the account uses in the rule's NodeRoleRegions parameter.");
    }
  }

  private async nodeRolesIn(region: string): Promise<NamedNodeRole[]> {
    const [sdk, client] = await Promise.all([loadSdk(), this.ssmIn(region)]);
    const ssm = withAwsErrors(client, 'ssm', region);
    try {
      const found = await Promise.all([
        dhmcRole(sdk, ssm, region),
        activationRoles(sdk, ssm, region),
        hybridNodeRoles(sdk, ssm, region),
      ]);
      return found.flat();
    } catch (error) {
      if (!(error instanceof AwsAccessDeniedError)) throw error;
      // Organizations often deny whole regions with a service control policy.
      throw withHint(
        error,
        `If a service control policy keeps this account out of ${region}, list the regions it uses in the rule's ` +
          `NodeRoleRegions parameter.`,
      );
    }
  }
}

/**
 * A gateway over SDK clients built from `settings` (endpoint, retries, credentials): one Account
 * Management client for the region list, and one Systems Manager client per region read, each made, and its code
 * loaded, when first needed.
 */
export function nodeRoleGateway(settings: (service: EndpointService) => object): NodeRoleGateway {
  const ssmClients = new Map<string, Promise<SSMClient>>();
  const ssmIn = (region: string): Promise<SSMClient> => {
    let client = ssmClients.get(region);
    if (!client)
      ssmClients.set(region, (client = loadSdk().then((sdk) => new sdk.SSMClient({ ...settings('SSM'), region }))));
    return client;
  };
  return new NodeRoleGateway(() => loadSdk().then((sdk) => new sdk.AccountClient(settings('ACCOUNT'))), ssmIn);
}

/**
 * The DHMC role of the region. GetServiceSetting answers a setting nobody changed with its default
 * value, which names no role; ServiceSettingNotFound means the same.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetServiceSetting.html
 */
async function dhmcRole(sdk: NodeRoleSdk, ssm: SSMClient, region: string): Promise<NamedNodeRole[]> {
  const value = await ssm.send(new sdk.GetServiceSettingCommand({ SettingId: DHMC_SETTING_ID })).then(
    (response) => response.ServiceSetting?.SettingValue,
    (error: unknown) => {
      if (awsErrorName(error) === 'ServiceSettingNotFound') return undefined;
      throw error;
    },
  );
  return value ? [{ role: value, use: { kind: 'dhmc', region } }] : [];
}

/** The roles of the region's activations, an expired one marked so (NodeRoleIndex leaves it out). */
async function activationRoles(sdk: NodeRoleSdk, ssm: SSMClient, region: string): Promise<NamedNodeRole[]> {
  const roles: NamedNodeRole[] = [];
  for await (const page of sdk.paginateDescribeActivations({ client: ssm, pageSize: SSM_DESCRIBE_PAGE_SIZE }, {})) {
    for (const activation of page.ActivationList ?? []) {
      if (!activation.IamRole || !activation.ActivationId) continue;
      roles.push({
        role: activation.IamRole,
        use: {
          kind: 'activation',
          region,
          activationId: activation.ActivationId,
          ...(activation.Expired ? { expired: true } : {}),
        },
      });
    }
  }
  return roles;
}

/**
 * The roles of registered hybrid nodes (`mi-...`); EC2 instances are covered by their profile or DHMC.
 * ResourceType ManagedInstance selects the hybrid nodes (EC2Instance the others):
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_InstanceInformationStringFilter.html
 */
async function hybridNodeRoles(sdk: NodeRoleSdk, ssm: SSMClient, region: string): Promise<NamedNodeRole[]> {
  const roles: NamedNodeRole[] = [];
  const pages = sdk.paginateDescribeInstanceInformation(
    { client: ssm, pageSize: SSM_DESCRIBE_PAGE_SIZE },
    { Filters: [{ Key: 'ResourceType', Values: ['ManagedInstance'] }] },
  );
  for await (const page of pages) {
    for (const node of page.InstanceInformationList ?? []) {
      if (!node.IamRole || !node.InstanceId) continue;
      roles.push({ role: node.IamRole, use: { kind: 'hybrid-node', region, nodeId: node.InstanceId } });
    }
  }
  return roles;
}
