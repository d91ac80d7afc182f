/**
 * A loopback stand-in for the two parts of AWS Config that moto_server lacks, in front of moto:
 * it records every PutEvaluations request (moto accepts them only in TestMode and stores nothing),
 * and answers GetComplianceDetailsByConfigRule (not implemented by moto) from results the test
 * supplies. Every other request is forwarded to moto unchanged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { forwardRequest, type LoopbackServer, readBody, startLoopbackServer } from './http';

export interface RecordedEvaluation {
  ComplianceResourceType: string;
  ComplianceResourceId: string;
  ComplianceType: string;
  Annotation?: string;
  OrderingTimestamp: number | string;
}

export interface PutEvaluationsCall {
  Evaluations: RecordedEvaluation[];
  ResultToken: string;
  TestMode?: boolean;
}

export interface PreviousResult {
  resourceType: string;
  resourceId: string;
  compliance: string;
}

export class ConfigRecorder {
  /** PutEvaluations requests as sent: one entry per call. */
  readonly putEvaluationsCalls: PutEvaluationsCall[] = [];
  /** What GetComplianceDetailsByConfigRule returns: resources the rule reported on before. */
  previousResults: PreviousResult[] = [];
  private server: LoopbackServer | undefined;

  private constructor(private readonly motoEndpoint: string) {}

  static async start(motoEndpoint: string): Promise<ConfigRecorder> {
    const recorder = new ConfigRecorder(motoEndpoint);
    recorder.server = await startLoopbackServer((request, response) => recorder.handle(request, response));
    return recorder;
  }

  get endpoint(): string {
    return this.server?.endpoint ?? '';
  }

  get evaluations(): RecordedEvaluation[] {
    return this.putEvaluationsCalls.flatMap((call) => call.Evaluations);
  }

  reset(): void {
    this.putEvaluationsCalls.length = 0;
    this.previousResults = [];
  }

  close(): Promise<void> {
    return this.server?.close() ?? Promise.resolve();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target.endsWith('.GetComplianceDetailsByConfigRule')) {
      const { ConfigRuleName } = JSON.parse(body) as { ConfigRuleName: string };
      const EvaluationResults = this.previousResults.map((r) => ({
        ComplianceType: r.compliance,
        EvaluationResultIdentifier: {
          EvaluationResultQualifier: { ConfigRuleName, ResourceType: r.resourceType, ResourceId: r.resourceId },
        },
      }));
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ EvaluationResults }));
      return;
    }
    if (target.endsWith('.PutEvaluations')) this.putEvaluationsCalls.push(JSON.parse(body) as PutEvaluationsCall);
    await forwardRequest(this.motoEndpoint, request, body, response);
  }
}
