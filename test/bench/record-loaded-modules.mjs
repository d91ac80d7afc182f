// `node --import ./record-loaded-modules.mjs`: appends the URL of every module the process loads
// to the file named by LOADED_MODULES_LOG, one per line. The cold-start benchmark runs a change
// event once more under it (untimed) to report the code that event really loads, chunks reached
// through import() included. Node runs module hooks in a thread of their own: there this file is
// the hooks module, in the main thread it registers itself.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

let log;

export function initialize(data) {
  log = data.log;
}

export async function load(url, context, nextLoad) {
  appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}

if (isMainThread) register(import.meta.url, { data: { log: process.env.LOADED_MODULES_LOG } });
