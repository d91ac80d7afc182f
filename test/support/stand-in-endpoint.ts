/**
 * A loopback HTTP endpoint standing in for AWS (or for something that is not AWS) in one test file:
 * started before its tests, closed after them, answering each request as the test says.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { readBody } from './http';

export function standInEndpoint(answer: (body: string, response: ServerResponse, request: IncomingMessage) => void): { url: () => string } {
  let server: Server;
  beforeAll(async () => {
    server = createServer((request, response) => void readBody(request).then((body) => answer(body, response, request)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** sts:GetCallerIdentity's answer (query protocol), which no IAM policy can deny. */
export function answerCallerIdentity(response: ServerResponse, account = '123456789012'): void {
  response.writeHead(200, { 'content-type': 'text/xml' });
  response.end(
    `<GetCallerIdentityResponse><GetCallerIdentityResult><Account>${account}</Account><Arn>arn:aws:iam::${account}:user/auditor</Arn><UserId>AIDAEXAMPLE</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>`,
  );
}
