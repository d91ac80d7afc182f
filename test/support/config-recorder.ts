/**
 * A loopback stand-in for the two parts of AWS Config that moto_server lacks, in front of moto:
 * it records every PutEvaluations request (moto accepts them only in TestMode and stores nothing),
 * and answers GetComplianceDetailsByConfigRule (not implemented by moto) from results the test
 * supplies. Every other request is forwarded to moto unchanged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from './http';

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
  endpoint = '';
  private readonly server: Server;

  private constructor(private readonly motoEndpoint: string) {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(502);
        response.end(String(error));
      });
    });
  }

  static async start(motoEndpoint: string): Promise<ConfigRecorder> {
    const recorder = new ConfigRecorder(motoEndpoint);
    await new Promise<void>((resolve) => recorder.server.listen(0, '127.0.0.1', resolve));
    const address = recorder.server.address();
    recorder.endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return recorder;
  }

  get evaluations(): RecordedEvaluation[] {
    return this.putEvaluationsCalls.flatMap((call) => call.Evaluations);
  }

  reset(): void {
    this.putEvaluationsCalls.length = 0;
    this.previousResults = [];
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
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
    const headers = Object.entries(request.headers).filter(([k]) => k !== 'host' && k !== 'content-length');
    const forwarded = await fetch(`${this.motoEndpoint}${request.url ?? '/'}`, {
      method: request.method,
      headers: Object.fromEntries(headers) as Record<string, string>,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body,
    });
    // fetch has already decoded the body, so its encoding and length headers no longer hold.
    const passed = [...forwarded.headers].filter(([k]) => !['content-encoding', 'content-length', 'transfer-encoding'].includes(k));
    response.writeHead(forwarded.status, Object.fromEntries(passed));
    response.end(Buffer.from(await forwarded.arrayBuffer()));
  }
}
