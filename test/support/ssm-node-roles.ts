/**
 * moto 5.2 implements neither GetServiceSetting, DescribeActivations nor DescribeInstanceInformation,
 * nor the Account Management API's ListRegions. This loopback stand-in answers those four in the
 * shapes the API references document, from what each test sets per region (the region is read from
 * the request's SigV4 credential scope, as AWS's regional endpoints imply it), and forwards every
 * other request, of any service, to moto_server unchanged. Point AWS_ENDPOINT_URL (or
 * --endpoint-url) at it.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetServiceSetting.html
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeActivations.html
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstanceInformation.html
 * https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { forwardRequest, type LoopbackServer, readBody, startLoopbackServer } from './http';
import type { Moto } from './moto';

const DHMC_SETTING_ID = '/ssm/managed-instance/default-ec2-instance-management-role';
const ACCOUNT_ID = '123456789012';

/**
 * The regions of a typical account: the 17 enabled by default (launched before March 20, 2019),
 * and opt-in regions enabled, disabled and still being enabled.
 * https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
 */
export const STAND_IN_REGIONS: ReadonlyMap<string, string> = new Map([
  ...[
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-southeast-1',
    'ap-southeast-2',
    'ca-central-1',
    'eu-central-1',
    'eu-north-1',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'sa-east-1',
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
  ].map((region) => [region, 'ENABLED_BY_DEFAULT'] as const),
  ['ap-east-1', 'ENABLED'],
  ['af-south-1', 'DISABLED'],
  ['me-south-1', 'DISABLED'],
  ['eu-south-1', 'ENABLING'],
]);

export interface StandInActivation {
  readonly ActivationId: string;
  /** The role name, as CreateActivation's IamRole takes it. */
  readonly IamRole: string;
  readonly Expired?: boolean;
}

export interface StandInHybridNode {
  readonly InstanceId: string;
  readonly IamRole: string;
}

interface RegionState {
  dhmcRole?: string;
  activations: StandInActivation[];
  nodes: StandInHybridNode[];
}

export class SystemsManagerNodeRolesStandIn {
  endpoint = '';
  /** The node-role calls answered, as `Operation region`, for assertions on what was read. */
  readonly calls: string[] = [];
  private readonly regions = new Map<string, RegionState>();
  private server: LoopbackServer | undefined;

  constructor(private readonly upstream: () => string) {}

  async start(): Promise<this> {
    this.server = await startLoopbackServer((request, response) => this.handle(request, response));
    this.endpoint = this.server.endpoint;
    return this;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  reset(): void {
    this.regions.clear();
    this.calls.length = 0;
  }

  /** Turns DHMC on in a region with this role (a name or `path/name`, as the setting holds it). */
  setDhmcRole(region: string, role: string): void {
    this.region(region).dhmcRole = role;
  }

  addActivation(region: string, activation: StandInActivation): void {
    this.region(region).activations.push(activation);
  }

  addHybridNode(region: string, node: StandInHybridNode): void {
    this.region(region).nodes.push(node);
  }

  private region(name: string): RegionState {
    let state = this.regions.get(name);
    if (!state) this.regions.set(name, (state = { activations: [], nodes: [] }));
    return state;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (request.method === 'POST' && request.url === '/listRegions') {
      this.calls.push('ListRegions');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(listRegions(body ? (JSON.parse(body) as ListRegionsInput) : {})));
      return;
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    const region =
      /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1] ?? 'us-east-1';
    const operation = target.startsWith('AmazonSSM.') ? target.slice('AmazonSSM.'.length) : '';
    const answer = operation
      ? this.answer(operation, region, body ? (JSON.parse(body) as Record<string, unknown>) : {})
      : undefined;
    if (answer) {
      this.calls.push(`${operation} ${region}`);
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(answer.body));
      return;
    }
    await forwardRequest(this.upstream(), request, body, response);
  }

  private answer(
    operation: string,
    region: string,
    input: Record<string, unknown>,
  ): { status: number; body: object } | undefined {
    const state = this.regions.get(region) ?? { activations: [], nodes: [] };
    switch (operation) {
      case 'GetServiceSetting': {
        if (input.SettingId !== DHMC_SETTING_ID) {
          return {
            status: 400,
            body: { __type: 'ServiceSettingNotFound', message: `The stand-in knows only ${DHMC_SETTING_ID}.` },
          };
        }
        // A setting nobody changed answers with its default value and status Default.
        const value = state.dhmcRole ?? '$None';
        return {
          status: 200,
          body: {
            ServiceSetting: {
              SettingId: DHMC_SETTING_ID,
              SettingValue: value,
              Status: state.dhmcRole ? 'Customized' : 'Default',
              ARN: `arn:aws:ssm:${region}:${ACCOUNT_ID}:servicesetting${DHMC_SETTING_ID}`,
              LastModifiedDate: 1767225600,
            },
          },
        };
      }
      case 'DescribeActivations':
        return {
          status: 200,
          body: {
            ActivationList: state.activations.map((a) => ({
              ActivationId: a.ActivationId,
              IamRole: a.IamRole,
              Expired: a.Expired ?? false,
              RegistrationLimit: 10,
              RegistrationsCount: 0,
              CreatedDate: 1767225600,
            })),
          },
        };
      case 'DescribeInstanceInformation': {
        const filters = (input.Filters as { Key: string; Values: string[] }[] | undefined) ?? [];
        const types = filters.find((f) => f.Key === 'ResourceType')?.Values;
        const nodes = types && !types.includes('ManagedInstance') ? [] : state.nodes;
        return {
          status: 200,
          body: {
            InstanceInformationList: nodes.map((n) => ({
              InstanceId: n.InstanceId,
              IamRole: n.IamRole,
              ResourceType: 'ManagedInstance',
              PingStatus: 'Online',
            })),
          },
        };
      }
      default:
        return undefined;
    }
  }
}

interface ListRegionsInput {
  MaxResults?: number;
  NextToken?: string;
  RegionOptStatusContains?: string[];
}

/** One page of STAND_IN_REGIONS, with only the statuses asked for; NextToken is the next index. */
function listRegions({ MaxResults = 20, NextToken, RegionOptStatusContains = [] }: ListRegionsInput): object {
  const matching = [...STAND_IN_REGIONS].filter(
    ([, status]) => RegionOptStatusContains.length === 0 || RegionOptStatusContains.includes(status),
  );
  const start = Number(NextToken ?? 0);
  const page = matching
    .slice(start, start + MaxResults)
    .map(([RegionName, RegionOptStatus]) => ({ RegionName, RegionOptStatus }));
  return { Regions: page, ...(start + MaxResults < matching.length ? { NextToken: String(start + MaxResults) } : {}) };
}

/** Registers hooks that run the stand-in in front of the file's moto_server, reset between tests. */
export function useSystemsManagerNodeRoles(moto: Moto): SystemsManagerNodeRolesStandIn {
  const standIn = new SystemsManagerNodeRolesStandIn(() => moto.endpoint);
  beforeAll(() => standIn.start());
  beforeEach(() => standIn.reset());
  afterAll(() => standIn.close());
  return standIn;
}
