/**
 * A loopback stand-in for AWS (or for something that is not AWS) that lives as long as one test
 * file: started before its tests, closed after them, answering each request as the test says.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { type LoopbackServer, readBody, startLoopbackServer } from './http';

export function standInEndpoint(answer: (body: string, response: ServerResponse, request: IncomingMessage) => void): {
  url: () => string;
} {
  let server: LoopbackServer | undefined;
  beforeAll(async () => {
    server = await startLoopbackServer(async (request, response) => answer(await readBody(request), response, request));
  });
  afterAll(() => server?.close());
  return { url: () => server?.endpoint ?? '' };
}

/** sts:GetCallerIdentity's answer (Query protocol), which no IAM policy can deny. */
export function answerCallerIdentity(response: ServerResponse, account = '123456789012'): void {
  response.writeHead(200, { 'content-type': 'text/xml' });
  response.end(
    `<GetCallerIdentityResponse><GetCallerIdentityResult><Account>${account}</Account><Arn>arn:aws:iam::${account}:user/auditor</Arn><UserId>AIDAEXAMPLE</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>`,
  );
}
