/**
 * A service implementation completed from its definition: every method the local network does not
 * serve answers UNIMPLEMENTED with a message naming it, instead of grpc-js's bare "not found".
 */
import type { TsProtoServiceDefinition } from 'nice-grpc';
import { OperatorError } from '../../errors.js';

export function withUnimplemented<I extends object>(definition: TsProtoServiceDefinition, served: Partial<I>, why: (method: string) => string): I {
  const full: Record<string, unknown> = { ...served };
  for (const [name, method] of Object.entries(definition.methods)) {
    if (full[name] !== undefined) continue;
    const refuse = (): never => {
      throw new OperatorError('UNIMPLEMENTED', why(name));
    };
    full[name] = method.responseStream
      ? (): AsyncIterable<never> => ({ [Symbol.asyncIterator]: () => ({ next: async () => refuse() }) })
      : async () => refuse();
  }
  return full as I;
}
