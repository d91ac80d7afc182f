/**
 * A stand-in for CloudFormation's presigned ResponseURL: an HTTP server on 127.0.0.1 that records
 * every PUT (method, content type, parsed body). It can be told to fail the first few requests.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { CustomResourceAnswer } from '../../functions/shared/custom-resource/run';

export interface ReceivedAnswer {
  method: string;
  headers: IncomingHttpHeaders;
  body: CustomResourceAnswer;
}

export interface ResponseUrl {
  /** A fresh URL per call, like CloudFormation's per-request presigned URL. */
  url(): string;
  received: ReceivedAnswer[];
  /** Answer HTTP 500 to the next `count` requests. */
  failNext(count: number): void;
}

export function useResponseUrl(): ResponseUrl {
  let failures = 0;
  let port = 0;
  let sequence = 0;
  const received: ReceivedAnswer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        res.writeHead(500).end();
        return;
      }
      received.push({
        method: req.method ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      res.writeHead(200).end();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  beforeEach(() => {
    received.length = 0;
    failures = 0;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  return {
    url: () => `http://127.0.0.1:${port}/cloudformation-response/${++sequence}?X-Amz-Signature=test`,
    received,
    failNext: (count) => {
      failures = count;
    },
  };
}
