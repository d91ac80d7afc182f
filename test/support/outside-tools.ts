/**
 * Vitest global setup for the outside tools: probes the machine for them once per run and hands
 * the result to every test file, and stops the moto_servers the workers started when the run ends.
 */
import type { TestProject } from 'vitest/node';
import { motoServersForRun } from './moto';
import { probeToolbox } from './tools';

export default function setup(project: TestProject): () => void {
  project.provide('toolbox', probeToolbox());
  const motoServers = motoServersForRun();
  project.provide('motoServers', motoServers.folder);
  return () => motoServers.stopAll();
}
