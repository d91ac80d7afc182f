/**
 * Reads what Powertools Metrics writes: one embedded-metric-format (EMF) JSON line per flush on
 * stdout. Tests assert on these records, the same lines CloudWatch turns into metrics.
 */
import { vi } from 'vitest';
import { createTelemetry, type Telemetry } from '../../functions/shared/handler/observability';

export interface EmfRecord {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

/** Captures stdout until `stop()`, and returns the EMF records written meanwhile. */
export function captureEmf(): { records(): EmfRecord[]; stop(): void } {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((l) => l.trim() !== ''),
    );
    return true;
  });
  return {
    records: () =>
      lines
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as EmfRecord)
        .filter((r) => r._aws !== undefined),
    stop: () => spy.mockRestore(),
  };
}

/** The metric names one EMF record declares, sorted. */
export const metricNames = (record: EmfRecord): string[] =>
  record._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name)).sort();

/**
 * Telemetry with metrics switched on. The test run sets POWERTOOLS_METRICS_DISABLED (quiet output);
 * Powertools reads it when a Metrics instance is created, so it is lifted only for this one.
 */
export function enabledTelemetry(): Telemetry {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  try {
    return createTelemetry();
  } finally {
    vi.unstubAllEnvs();
  }
}
