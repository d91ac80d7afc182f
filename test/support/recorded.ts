/** Recorded AWS responses under test/fixtures, turned into what the SDK hands over. */
import type { GetResourceConfigHistoryCommandOutput } from '@aws-sdk/client-config-service';
import { readFileSync } from 'node:fs';

/** A recorded GetResourceConfigHistory response for the sample role; the SDK parses timestamps into Dates. */
export function roleHistoryResponse(): GetResourceConfigHistoryCommandOutput {
  const history = JSON.parse(
    readFileSync(new URL('../fixtures/config/role-history-response.json', import.meta.url), 'utf8'),
  );
  for (const item of history.configurationItems)
    item.configurationItemCaptureTime = new Date(item.configurationItemCaptureTime);
  return history;
}
