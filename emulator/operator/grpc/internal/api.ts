/**
 * The internal service (proto/spark_operator_internal.proto) as one interface: the handler object
 * an operator serves and a peer's client have the same signatures, so the coordinator calls itself
 * and its peers alike. Every shape comes from the generated code; nothing here restates a message.
 */
import type { MessageFns, OperatorInternalServiceDefinition } from '../generated/spark_operator_internal.js';

type Methods = OperatorInternalServiceDefinition['methods'];
type MessageOf<F> = F extends MessageFns<infer T> ? T : never;

export type InternalApi = {
  [K in keyof Methods]: (req: MessageOf<Methods[K]['requestType']>) => Promise<MessageOf<Methods[K]['responseType']>>;
};

/** The replication part of the internal service (what a Replicator needs of a peer). */
export type ReplicationApi = Pick<InternalApi, 'replicate' | 'replication_pull' | 'replication_ack'>;
