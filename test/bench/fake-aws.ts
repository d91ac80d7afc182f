/**
 * A loopback stand-in for IAM, AWS Config, SSM documents, the account's region list and the Systems Manager
 * reads of DHMC, activation and hybrid-node roles, that serves a synthetic account of any size and
 * counts the calls made to it. The benchmark points the built Lambda bundles at it, so the figures
 * are those of the real SDK, paging and batching included.
 */
import { createServer, type Server } from 'node:http';
import { readBody } from '../support/http';

export interface FakeAccount {
  roles: number;
  /** AWS managed policies GetAccountAuthorizationDetails lists under the AWSManagedPolicy filter. */
  awsManagedPolicies?: number;
  /** Regions enabled for the account (ListRegions); each has DHMC off and no activations. */
  regions: number;
  /** GetAccountAuthorizationDetails page size cap, as IAM applies it. */
  pageSize: number;
}

export class FakeAws {
  readonly calls = new Map<string, number>();
  endpoint = '';
  private readonly server: Server;

  constructor(private readonly account: FakeAccount) {
    this.server = createServer(async (request, response) => {
      const body = await readBody(request);
      const target = request.headers['x-amz-target'];
      // The Account Management API is REST-JSON: its operation is the path (POST /listRegions).
      const action =
        typeof target === 'string'
          ? target.split('.').pop()!
          : request.url === '/listRegions'
            ? 'ListRegions'
            : (new URLSearchParams(body).get('Action') ?? 'unknown');
      this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
      if (action === 'GetAccountAuthorizationDetails') {
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(this.authorizationDetailsPage(new URLSearchParams(body)));
      } else if (action === 'PutEvaluations') {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end('{"FailedEvaluations":[]}');
      } else if (action === 'GetDocument') {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(sessionDocument(JSON.parse(body) as { Name: string })));
      } else if (action === 'GetComplianceDetailsByConfigRule') {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end('{"EvaluationResults":[]}');
      } else if (action === 'ListRegions') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(this.regionsResponse());
      } else if (action in SYSTEMS_MANAGER_ANSWERS) {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(SYSTEMS_MANAGER_ANSWERS[action]);
      } else {
        response.writeHead(400);
        response.end(`fake AWS does not serve ${action}`);
      }
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private regionsResponse(): string {
    const regions = Array.from({ length: this.account.regions }, (_, i) => ({
      RegionName: `bench-region-${i + 1}`,
      RegionOptStatus: 'ENABLED_BY_DEFAULT',
    }));
    return JSON.stringify({ Regions: regions });
  }

  /** One page of the listing, honouring Filter; MaxItems counts entries of every kind, as IAM does. */
  private authorizationDetailsPage(params: URLSearchParams): string {
    const filter = [...params.entries()].filter(([key]) => key.startsWith('Filter.member.')).map(([, value]) => value);
    const roles = filter.length === 0 || filter.includes('Role') ? this.account.roles : 0;
    // The instance policy (customer managed) comes first, then the AWS managed ones.
    const local = filter.includes('LocalManagedPolicy') ? 1 : 0;
    const policies = local + (filter.includes('AWSManagedPolicy') ? (this.account.awsManagedPolicies ?? 0) : 0);
    const start = Number(params.get('Marker') ?? 0);
    const size = Math.min(Number(params.get('MaxItems') ?? 100), this.account.pageSize);
    const end = Math.min(start + size, roles + policies);
    const roleMembers: string[] = [];
    const policyMembers: string[] = [];
    for (let i = start; i < end; i++) {
      if (i < roles) roleMembers.push(roleMember(i));
      else
        policyMembers.push(local && i === roles ? INSTANCE_POLICY_MEMBER : awsManagedPolicyMember(i - roles - local));
    }
    const truncated = end < roles + policies;
    return `<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult><IsTruncated>${truncated}</IsTruncated>${truncated ? `<Marker>${end}</Marker>` : ''}<UserDetailList/><GroupDetailList/><RoleDetailList>${roleMembers.join('')}</RoleDetailList><Policies>${policyMembers.join('')}</Policies></GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>`;
  }
}

/** Every document is a compliant Session document, in JSON as SSM returns it. */
function sessionDocument({ Name }: { Name: string }) {
  const inputs = {
    kmsKeyId: 'alias/session-guard/session-data',
    cloudWatchLogGroupName: '/session-guard/sessions',
    cloudWatchEncryptionEnabled: true,
    idleSessionTimeout: '20',
    maxSessionDuration: '60',
  };
  const content = { schemaVersion: '1.0', description: 'bench', sessionType: 'Standard_Stream', inputs };
  return {
    Name,
    DocumentType: 'Session',
    DocumentFormat: 'JSON',
    DocumentVersion: '1',
    Content: JSON.stringify(content),
  };
}

/** DHMC off (the setting's default value), no activations, no hybrid nodes: the common case. */
const SYSTEMS_MANAGER_ANSWERS: Record<string, string> = {
  GetServiceSetting:
    '{"ServiceSetting":{"SettingId":"/ssm/managed-instance/default-ec2-instance-management-role","SettingValue":"$None","Status":"Default"}}',
  DescribeActivations: '{"ActivationList":[]}',
  DescribeInstanceInformation: '{"InstanceInformationList":[]}',
};

export const BENCH_POLICY_ARN = 'arn:aws:iam::111122223333:policy/SessionGuardInstancePolicy';
const EC2_TRUST = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  }),
);

/** AWS managed policy 0 is AmazonSSMFullAccess (ssm:* on *); the rest allow reading CloudWatch metrics. */
export const BENCH_SSM_FULL_ACCESS_ARN = 'arn:aws:iam::aws:policy/AmazonSSMFullAccess';
const awsManagedPolicyArn = (i: number) =>
  i === 0 ? BENCH_SSM_FULL_ACCESS_ARN : `arn:aws:iam::aws:policy/BenchReadOnly${i}`;
const SSM_FULL = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['logs:*', 'ssm:*', 'ec2messages:*'], Resource: '*' }],
  }),
);
const READ_ONLY = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['cloudwatch:Get*', 'cloudwatch:List*'], Resource: '*' }],
  }),
);

const INSTANCE_POLICY = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'ssm:UpdateInstanceInformation', Resource: '*' }],
  }),
);
const INSTANCE_POLICY_MEMBER = `<member><PolicyName>SessionGuardInstancePolicy</PolicyName><PolicyId>ANPABENCHINSTANCEPOL1</PolicyId><Arn>${'arn:aws:iam::111122223333:policy/SessionGuardInstancePolicy'}</Arn><Path>/</Path><DefaultVersionId>v1</DefaultVersionId><AttachmentCount>5000</AttachmentCount><IsAttachable>true</IsAttachable><PolicyVersionList><member><Document>${INSTANCE_POLICY}</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion></member></PolicyVersionList></member>`;

function awsManagedPolicyMember(i: number): string {
  const arn = awsManagedPolicyArn(i);
  return `<member><PolicyName>${arn.split('/').pop()}</PolicyName><PolicyId>ANPAAWS${String(i).padStart(13, '0')}</PolicyId><Arn>${arn}</Arn><Path>/</Path><DefaultVersionId>v1</DefaultVersionId><AttachmentCount>1</AttachmentCount><IsAttachable>true</IsAttachable><PolicyVersionList><member><Document>${i === 0 ? SSM_FULL : READ_ONLY}</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion></member></PolicyVersionList></member>`;
}

/**
 * Role i: two in three are EC2 instance roles, half of those carry the policy; one in four has
 * AmazonSSMFullAccess attached, the rest another AWS managed policy.
 */
function roleMember(i: number): string {
  const name = `role-${i}`;
  const profile =
    i % 3 !== 2
      ? `<member><Path>/</Path><InstanceProfileName>${name}</InstanceProfileName><InstanceProfileId>AIPA${i}</InstanceProfileId><Arn>arn:aws:iam::111122223333:instance-profile/${name}</Arn><CreateDate>2025-01-01T00:00:00Z</CreateDate><Roles/></member>`
      : '';
  const managed = awsManagedPolicyArn(i % 4 === 0 ? 0 : 1 + (i % 7));
  const attached =
    (i % 2 === 0
      ? `<member><PolicyName>SessionGuardInstancePolicy</PolicyName><PolicyArn>${BENCH_POLICY_ARN}</PolicyArn></member>`
      : '') + `<member><PolicyName>${managed.split('/').pop()}</PolicyName><PolicyArn>${managed}</PolicyArn></member>`;
  return `<member><Path>/</Path><RoleName>${name}</RoleName><RoleId>AROA${String(i).padStart(17, '0')}</RoleId><Arn>arn:aws:iam::111122223333:role/${name}</Arn><CreateDate>2025-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>${EC2_TRUST}</AssumeRolePolicyDocument><InstanceProfileList>${profile}</InstanceProfileList><RolePolicyList/><AttachedManagedPolicies>${attached}</AttachedManagedPolicies><Tags/></member>`;
}
