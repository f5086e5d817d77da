/**
 * The internal service (proto/spark_operator_internal.proto) as one interface, in its messages:
 * what the handlers serve (handlers.ts) and what a client of a peer calls (peer-client.ts, and
 * tools that talk to an operator directly). Every shape comes from the generated code; nothing
 * here restates a message. The domain sees peers only as peers/peer.ts's Peer.
 */
import type { MessageFns, OperatorInternalServiceDefinition } from '../generated/spark_operator_internal.js';

type Methods = OperatorInternalServiceDefinition['methods'];
type MessageOf<F> = F extends MessageFns<infer T> ? T : never;

export type InternalApi = {
  [K in keyof Methods]: (req: MessageOf<Methods[K]['requestType']>) => Promise<MessageOf<Methods[K]['responseType']>>;
};
