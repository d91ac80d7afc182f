/**
 * A loopback stand-in in front of moto's IAM for two answers moto never gives: IAM refuses to
 * attach a managed policy beyond the role's quota (409 LimitExceeded, "Cannot exceed quota for
 * PoliciesPerRole"), and throttles under load (400 Throttling). Every other request goes on to moto
 * unchanged. It counts the AttachRolePolicy requests that reach it over HTTP, so a test sees
 * exactly how often the SDK sent one, retries included.
 */
import { IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import type { ServerResponse } from 'node:http';
import { forwardRequest, iamErrorResponse, type LoopbackServer, readBody, startLoopbackServer } from './http';
import { MOTO_CLIENT_SETTINGS } from './moto';
import { DEFAULT_MANAGED_POLICIES_PER_ROLE } from './moto-iam';

export class IamStandIn {
  /** AttachRolePolicy requests received, one per HTTP request. */
  attachRequests = 0;
  /** Answer every AttachRolePolicy with Throttling, as IAM does when its request rate is exceeded. */
  throttleAttach = false;
  private server: LoopbackServer | undefined;
  private readonly moto: IAMClient;

  private constructor(
    motoEndpoint: string,
    private readonly managedPoliciesPerRole: number,
  ) {
    this.moto = new IAMClient({ ...MOTO_CLIENT_SETTINGS, endpoint: motoEndpoint });
  }

  static async start(
    motoEndpoint: string,
    managedPoliciesPerRole = DEFAULT_MANAGED_POLICIES_PER_ROLE,
  ): Promise<IamStandIn> {
    const standIn = new IamStandIn(motoEndpoint, managedPoliciesPerRole);
    standIn.server = await startLoopbackServer(async (request, response) => {
      const body = await readBody(request);
      const form = new URLSearchParams(body);
      if (form.get('Action') === 'AttachRolePolicy' && (await standIn.refusesAttach(form, response))) return;
      await forwardRequest(motoEndpoint, request, body, response);
    });
    return standIn;
  }

  get endpoint(): string {
    return this.server?.endpoint ?? '';
  }

  reset(): void {
    this.attachRequests = 0;
    this.throttleAttach = false;
  }

  close(): Promise<void> {
    return this.server?.close() ?? Promise.resolve();
  }

  /** Answers the request itself, as IAM would, when IAM would refuse it; moto's state decides the quota. */
  private async refusesAttach(form: URLSearchParams, response: ServerResponse): Promise<boolean> {
    this.attachRequests++;
    if (this.throttleAttach) {
      iamErrorResponse(response, 400, 'Throttling', 'Rate exceeded');
      return true;
    }
    const roleName = form.get('RoleName') ?? '';
    const { AttachedPolicies = [] } = await this.moto.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    const alreadyAttached = AttachedPolicies.some((p) => p.PolicyArn === form.get('PolicyArn'));
    if (!alreadyAttached && AttachedPolicies.length >= this.managedPoliciesPerRole) {
      iamErrorResponse(
        response,
        409,
        'LimitExceeded',
        `Cannot exceed quota for PoliciesPerRole: ${this.managedPoliciesPerRole}`,
      );
      return true;
    }
    return false;
  }
}
