/**
 * The request CloudFormation sends a Lambda-backed custom resource, parsed at the edge.
 * Every property value in ResourceProperties arrives as text (or lists / objects of text).
 */
import * as z from '../core/zod';
import { describeIssues } from '../core/validation';
import { InputError } from '../errors';

export class InvalidCustomResourceEventError extends InputError {
  override name = 'InvalidCustomResourceEventError';
}

/** The fields every answer copies back verbatim; enough to answer even a request we cannot read. */
export const responseTargetSchema = z.looseObject({
  ResponseURL: z.url({ protocol: /^https?$/ }),
  StackId: z.string().check(z.minLength(1)),
  RequestId: z.string().check(z.minLength(1)),
  LogicalResourceId: z.string().check(z.minLength(1)),
});
export type ResponseTarget = z.infer<typeof responseTargetSchema>;

const properties = z.record(z.string(), z.unknown());
const common = z.extend(responseTargetSchema, {
  ResourceType: z.string().check(z.minLength(1)),
  ResourceProperties: z._default(properties, {}),
});

export const customResourceEventSchema = z.discriminatedUnion('RequestType', [
  z.extend(common, { RequestType: z.literal('Create') }),
  z.extend(common, {
    RequestType: z.literal('Update'),
    PhysicalResourceId: z.string().check(z.minLength(1)),
    OldResourceProperties: z._default(properties, {}),
  }),
  z.extend(common, { RequestType: z.literal('Delete'), PhysicalResourceId: z.string().check(z.minLength(1)) }),
]);
export type CustomResourceEvent = z.infer<typeof customResourceEventSchema>;
export type CreateEvent = Extract<CustomResourceEvent, { RequestType: 'Create' }>;
export type UpdateEvent = Extract<CustomResourceEvent, { RequestType: 'Update' }>;
export type DeleteEvent = Extract<CustomResourceEvent, { RequestType: 'Delete' }>;

export type ParsedRequest =
  | { readonly ok: true; readonly event: CustomResourceEvent }
  /** The request is malformed but says where to answer: answer FAILED there. */
  | {
      readonly ok: false;
      readonly target: ResponseTarget;
      readonly physicalResourceId: string | undefined;
      readonly problem: string;
    };

/** Parses a request; throws only when it does not even say where to answer. */
export function parseCustomResourceEvent(raw: unknown): ParsedRequest {
  const parsed = customResourceEventSchema.safeParse(raw);
  if (parsed.success) return { ok: true, event: parsed.data };
  const problem = describeIssues(parsed.error, '(request)');
  const target = responseTargetSchema.safeParse(raw);
  if (!target.success) {
    throw new InvalidCustomResourceEventError(
      `Not a CloudFormation custom resource request, and no way to answer it: ${problem}`,
    );
  }
  const physicalResourceId = (raw as { PhysicalResourceId?: unknown }).PhysicalResourceId;
  return {
    ok: false,
    target: target.data,
    physicalResourceId: typeof physicalResourceId === 'string' ? physicalResourceId : undefined,
    problem,
  };
}
