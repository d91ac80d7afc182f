/**
 * A loopback stand-in for IAM and AWS Config holding one EC2 instance role that already carries
 * ten managed policies, IAM's default quota. AttachRolePolicy answers as IAM does for such a role
 * (409 LimitExceeded), or, in the throttled mode, as IAM does when its request rate is exceeded
 * (400 Throttling). The benchmark runs the built AttachPolicyFunction bundle against it and counts
 * the AttachRolePolicy requests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { iamErrorResponse, type LoopbackServer, readBody, startLoopbackServer } from '../support/http';

export const FULL_ROLE = { name: 'full-role', id: 'AROAFULLROLE000000001' };
const ACCOUNT = '111122223333';
const EC2_TRUST = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  }),
);

export class FakeFullRole {
  attachRequests = 0;
  throttleAttach = false;
  private server: LoopbackServer | undefined;

  async start(): Promise<this> {
    this.server = await startLoopbackServer((request, response) => this.answer(request, response));
    return this;
  }

  get endpoint(): string {
    return this.server?.endpoint ?? '';
  }

  close(): Promise<void> {
    return this.server?.close() ?? Promise.resolve();
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (String(request.headers['x-amz-target'] ?? '').endsWith('.BatchGetResourceConfig')) {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({
          baseConfigurationItems: [
            { resourceType: 'AWS::IAM::Role', resourceId: FULL_ROLE.id, resourceName: FULL_ROLE.name },
          ],
          unprocessedResourceKeys: [],
        }),
      );
      return;
    }
    const action = new URLSearchParams(body).get('Action') ?? 'unknown';
    if (action === 'AttachRolePolicy') {
      this.attachRequests++;
      const [status, code, message] = this.throttleAttach
        ? [400, 'Throttling', 'Rate exceeded']
        : [409, 'LimitExceeded', 'Cannot exceed quota for PoliciesPerRole: 10'];
      iamErrorResponse(response, status, code, message);
      return;
    }
    const result = RESULTS[action];
    response.writeHead(result ? 200 : 400, { 'content-type': 'text/xml' });
    response.end(
      result
        ? `<${action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></${action}Response>`
        : `fake IAM does not serve ${action}`,
    );
  }
}

const attached = Array.from(
  { length: 10 },
  (_, i) =>
    `<member><PolicyName>other-${i}</PolicyName><PolicyArn>arn:aws:iam::${ACCOUNT}:policy/other-${i}</PolicyArn></member>`,
).join('');
const RESULTS: Record<string, string> = {
  GetRole: `<Role><Path>/</Path><RoleName>${FULL_ROLE.name}</RoleName><RoleId>${FULL_ROLE.id}</RoleId><Arn>arn:aws:iam::${ACCOUNT}:role/${FULL_ROLE.name}</Arn><CreateDate>2025-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>${EC2_TRUST}</AssumeRolePolicyDocument><Tags/></Role>`,
  ListInstanceProfilesForRole: `<IsTruncated>false</IsTruncated><InstanceProfiles><member><Path>/</Path><InstanceProfileName>${FULL_ROLE.name}</InstanceProfileName><InstanceProfileId>AIPAFULLROLE00000001</InstanceProfileId><Arn>arn:aws:iam::${ACCOUNT}:instance-profile/${FULL_ROLE.name}</Arn><CreateDate>2025-01-01T00:00:00Z</CreateDate><Roles/></member></InstanceProfiles>`,
  ListAttachedRolePolicies: `<IsTruncated>false</IsTruncated><AttachedPolicies>${attached}</AttachedPolicies>`,
};
