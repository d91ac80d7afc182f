// `node --import ./report-usage.mjs`: at exit, writes the process's CPU time (user + system, all
// threads, from process start) as JSON to file descriptor 3, which the cold-start benchmark opens.
// Wall time stretches when other processes share the CPUs; CPU time mostly does not.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  writeSync(3, JSON.stringify({ cpuMs: (user + system) / 1000 }));
});
