/**
 * Delivers a custom resource's answer to CloudFormation: an HTTPS PUT of the JSON body to the
 * presigned S3 ResponseURL. The URL is signed for an empty Content-Type, so the header is sent
 * empty (fetch would add text/plain and break the signature).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CustomResourceAnswer } from '../custom-resource/run';
import { sleep } from './aws-clients';

export interface SendOptions {
  readonly attempts?: number;
  /** Per attempt. */
  readonly timeoutMs?: number;
}

export async function sendCustomResourceAnswer(
  responseUrl: string,
  answer: CustomResourceAnswer,
  options: SendOptions = {},
): Promise<void> {
  const attempts = options.attempts ?? 3;
  const body = JSON.stringify(answer);
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      await put(new URL(responseUrl), body, options.timeoutMs ?? 2_500);
      return;
    } catch (error) {
      lastError = error;
      if (attempt < attempts) await sleep(200 * attempt);
    }
  }
  throw new Error(
    `Could not deliver the ${answer.Status} answer for ${answer.LogicalResourceId} ` +
      `to CloudFormation after ${attempts} attempts: ${String(lastError)}`,
  );
}

function put(url: URL, body: string, timeoutMs: number): Promise<void> {
  // http: only for a local stand-in (tests, sam local); CloudFormation always sends https.
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) }, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`ResponseURL answered HTTP ${status}`));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from the ResponseURL within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
