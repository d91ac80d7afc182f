/**
 * The alarms watch what the functions really emit: names, namespace and dimensions here must be
 * those of functions/shared/handler/observability.ts, or an alarm would wait forever on a metric
 * that never arrives.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FUNCTION_DIMENSION,
  METRIC,
  METRICS_NAMESPACE,
  SERVICE_NAME,
} from '../../functions/shared/handler/observability';
import { readTemplate } from '../../scripts/template';

const { Resources } = readTemplate(join(import.meta.dirname, '../../template.yaml'));
const alarms = Object.entries(Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');

interface MetricQuery {
  Id: string;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] } };
}

describe('template.yaml alarms', () => {
  it('watch RemediationFailed exactly as AttachPolicyFunction emits it', () => {
    const metrics = (Resources.RemediationFailuresAlarm?.Properties?.Metrics ?? []) as MetricQuery[];
    const own = metrics.find((m) => m.MetricStat?.Metric.Namespace === METRICS_NAMESPACE)?.MetricStat?.Metric;
    expect(own).toEqual({
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC.remediations.failed,
      Dimensions: [
        { Name: 'service', Value: SERVICE_NAME },
        { Name: FUNCTION_DIMENSION, Value: { Ref: 'AttachPolicyFunction' } },
      ],
    });
  });

  it('watch the Lambda errors of every rule function, under the same condition as the function', () => {
    const ruleFunctions = Object.entries(Resources)
      .filter(([id, r]) => r.Type === 'AWS::Serverless::Function' && id.endsWith('RuleFunction'))
      .map(([id]) => id);
    for (const id of ruleFunctions) {
      const alarm = alarms.find(([, a]) => JSON.stringify(a.Properties?.Dimensions ?? []).includes(`{"Ref":"${id}"}`));
      expect(alarm, `an errors alarm for ${id}`).toBeDefined();
      expect(alarm![1].Properties).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
      const functionInGlobalRegionOnly = Resources[id]?.Condition === 'IsGlobalResourcesRegion';
      expect(alarm![1].Condition).toBe(functionInGlobalRegionOnly ? 'GlobalAlarmsOn' : 'AlarmsOn');
    }
  });

  it('notify the AlarmTopicArn topic, and only exist when it is set', () => {
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties?.AlarmActions, id).toEqual([{ Ref: 'AlarmTopicArn' }]);
      expect(['AlarmsOn', 'GlobalAlarmsOn'], id).toContain(alarm.Condition);
    }
  });
});
