import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** The whole body of a request to one of the tests' loopback stand-ins, as text. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface LoopbackServer {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** An HTTP server on a free loopback port; a handler that throws answers 502 with the error. */
export async function startLoopbackServer(
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
): Promise<LoopbackServer> {
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    endpoint: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Passes a request (whose body was already read) on to `target` and its answer back unchanged. */
export async function forwardRequest(
  target: string,
  request: IncomingMessage,
  body: string,
  response: ServerResponse,
): Promise<void> {
  const headers = Object.entries(request.headers).filter(([k]) => k !== 'host' && k !== 'content-length');
  const forwarded = await fetch(`${target}${request.url ?? '/'}`, {
    method: request.method,
    headers: Object.fromEntries(headers) as Record<string, string>,
    body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body,
  });
  // fetch has already decoded the body, so its encoding and length headers no longer hold.
  const passed = [...forwarded.headers].filter(
    ([k]) => !['content-encoding', 'content-length', 'transfer-encoding'].includes(k),
  );
  response.writeHead(forwarded.status, Object.fromEntries(passed));
  response.end(Buffer.from(await forwarded.arrayBuffer()));
}

/** IAM's Query-protocol error document. https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html */
export function iamErrorResponse(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'text/xml' });
  response.end(
    `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>5f9d7a1c-0000-4000-8000-000000000000</RequestId></ErrorResponse>`,
  );
}
