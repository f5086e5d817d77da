/**
 * Record kinds: what a replicated record means and how a receiving operator applies it.
 */
import type { Sql } from '../db/database.js';
import { OperatorError } from '../errors.js';

/**
 * One kind of replicated record. `apply` runs on the receiving operator inside the transaction that
 * also marks the record applied, so it either happens together with that mark or not at all. It
 * must check the payload itself (a peer is trusted to be an operator, not to be right) and throw
 * an OperatorError for a record it refuses; the sender keeps the record and retries it.
 */
export interface RecordKind<P> {
  readonly name: string;
  /** Turns the payload read back from JSON into a checked value; throws INVALID_ARGUMENT on a bad shape. */
  decode(json: unknown): P;
  apply(tx: Sql, payload: P, origin: string): Promise<void>;
}

/** The kinds this operator knows, by name. */
export class RecordKinds {
  private readonly kinds = new Map<string, RecordKind<unknown>>();

  register<P>(kind: RecordKind<P>): this {
    if (this.kinds.has(kind.name)) throw new Error(`replication kind ${kind.name} is registered twice`);
    this.kinds.set(kind.name, kind as RecordKind<unknown>);
    return this;
  }

  get(name: string): RecordKind<unknown> {
    const kind = this.kinds.get(name);
    if (kind === undefined) throw new OperatorError('INVALID_ARGUMENT', `unknown replication record kind "${name}"`);
    return kind;
  }
}

/** Field readers for `decode`: each names the field that is wrong. */
export const field = {
  string(o: Record<string, unknown>, name: string): string {
    const v = o[name];
    if (typeof v !== 'string') throw new OperatorError('INVALID_ARGUMENT', `replicated record: ${name} must be a string`);
    return v;
  },
  hex(o: Record<string, unknown>, name: string): string {
    const v = field.string(o, name);
    if (!/^(?:[0-9a-f]{2})*$/.test(v)) throw new OperatorError('INVALID_ARGUMENT', `replicated record: ${name} must be lowercase hex`);
    return v;
  },
  int(o: Record<string, unknown>, name: string): number {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new OperatorError('INVALID_ARGUMENT', `replicated record: ${name} must be a non-negative integer`);
    return v;
  },
  object(v: unknown): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new OperatorError('INVALID_ARGUMENT', 'replicated record: payload must be a JSON object');
    return v as Record<string, unknown>;
  },
};
