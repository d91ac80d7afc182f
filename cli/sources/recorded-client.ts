/**
 * A real SDK client that answers from recorded responses instead of the network. The bundled
 * sample account is held in the shapes AWS returns, so the rules' own adapters (IamGateway,
 * SsmSessionDocumentsGateway: paging, default versions, tags, missing documents) read it exactly as they read a
 * live account, and the sample never needs a second copy of their logic.
 */
import type { Client, MetadataBearer } from '@smithy/types';

/** Returns the response for one call, or throws the error AWS would. */
export type RecordedAnswer = (commandName: string, input: Record<string, unknown>) => object;

export function answeringFrom<C extends Client<object, MetadataBearer, unknown>>(client: C, answer: RecordedAnswer): C {
  client.middlewareStack.add(
    // `initialize` runs before endpoints, credentials and signing: nothing reaches a network.
    (_next, context) => async (args) => ({
      output: {
        $metadata: {},
        ...answer((context.commandName ?? '').replace(/Command$/, ''), args.input as Record<string, unknown>),
      },
      response: {},
    }),
    { step: 'initialize', name: 'sessionGuardRecordedAnswers' },
  );
  return client;
}
