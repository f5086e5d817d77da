/**
 * This operator's FROST nonces (round 1), kept in memory and keyed by their public commitment.
 * Each nonce is handed out once and consumed (deleted and wiped) by the first signing request
 * that names its commitment, so it can never sign twice. Unused nonces expire. A restart loses
 * them, which is safe: commitments handed out before it simply cannot be used any more.
 *
 * Nonces can be made ahead of demand (`prefill`): a pool of pairs that no one has seen yet,
 * refilled in small chunks between requests, so that a commitment request only moves ready
 * pairs from the pool to the published map. A pair leaves the pool exactly once (shift), so
 * pre-generation changes when a nonce is computed, never how often it is used. The pool is
 * memory-only too and wiped on close.
 */
import { bytesToHex, generateNonce } from '../crypto.js';
import type { NonceWithCommitment, SigningCommitment, SigningNonce } from '../crypto.js';
import { OperatorError } from '../errors.js';

const key = (c: SigningCommitment): string => bytesToHex(c.hiding) + bytesToHex(c.binding);

/** A published nonce as `take` returns it: the secret pair and its commitment. */
export type TakenNonce = NonceWithCommitment;

interface Entry extends TakenNonce {
  expiresAt: number;
}

/** Pairs made per refill step: small, so a request waits at most one step. */
const REFILL_CHUNK = 8;

export class NonceStore {
  private readonly nonces = new Map<string, Entry>();
  private readonly pool: NonceWithCommitment[] = [];
  private refilling = false;
  private closed = false;

  /** `hedgeSecret`: mixed into every nonce with fresh randomness (RFC 9591 nonce_generate), so a
   *  weak RNG alone does not make nonces predictable. Nonces are made before the signing key is
   *  known, so the operator's identity key serves. `poolTarget`: how many unpublished pairs to
   *  keep ready (0: make them on demand only). */
  constructor(
    private readonly hedgeSecret: Uint8Array,
    private readonly ttlMs = 10 * 60_000,
    private readonly maxSize = 1_000_000,
    private readonly poolTarget = 0,
  ) {
    this.scheduleRefill();
  }

  get size(): number {
    return this.nonces.size;
  }

  /** Unpublished pairs ready in the pool. */
  get pooled(): number {
    return this.pool.length;
  }

  create(count: number): SigningCommitment[] {
    if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new OperatorError('INVALID_ARGUMENT', `commitment count must be 1..10000, got ${count}`);
    if (this.nonces.size + count > this.maxSize) this.purge(Date.now());
    if (this.nonces.size + count > this.maxSize) throw new OperatorError('KEY_POOL_EMPTY', 'too many outstanding signing commitments');
    const expiresAt = Date.now() + this.ttlMs;
    const out: SigningCommitment[] = [];
    for (let i = 0; i < count; i++) {
      const n = this.pool.shift() ?? generateNonce(this.hedgeSecret);
      this.nonces.set(key(n.commitment), { ...n, expiresAt });
      out.push(n.commitment);
    }
    this.scheduleRefill();
    return out;
  }

  /** Removes and returns the nonce behind a commitment; throws if unknown, used or expired. */
  take(c: SigningCommitment): TakenNonce {
    const k = key(c);
    const entry = this.nonces.get(k);
    this.nonces.delete(k);
    if (entry === undefined || entry.expiresAt < Date.now()) {
      if (entry !== undefined) wipe(entry.nonce);
      throw new OperatorError('NONCE_REUSED', 'signing commitment is unknown to this operator, already used, or expired');
    }
    return entry;
  }

  purge(now: number): void {
    for (const [k, v] of this.nonces) {
      if (v.expiresAt < now) {
        wipe(v.nonce);
        this.nonces.delete(k);
      }
    }
  }

  /** Stops refilling and wipes every nonce, published or pooled. */
  close(): void {
    this.closed = true;
    for (const n of this.pool.splice(0)) wipe(n.nonce);
    for (const v of this.nonces.values()) wipe(v.nonce);
    this.nonces.clear();
  }

  /** Tops the pool up in chunks, yielding to pending I/O between chunks. */
  private scheduleRefill(): void {
    if (this.refilling || this.closed || this.pool.length >= this.poolTarget) return;
    this.refilling = true;
    const step = (): void => {
      if (this.closed) {
        this.refilling = false;
        return;
      }
      for (let i = 0; i < REFILL_CHUNK && this.pool.length < this.poolTarget; i++) this.pool.push(generateNonce(this.hedgeSecret));
      if (this.pool.length < this.poolTarget) setImmediate(step);
      else this.refilling = false;
    };
    setImmediate(step);
  }
}

function wipe(n: SigningNonce): void {
  n.hiding.fill(0);
  n.binding.fill(0);
}
