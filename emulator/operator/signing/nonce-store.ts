/**
 * This operator's FROST nonces (round 1), kept in memory and keyed by their public commitment.
 * Each nonce is handed out once and consumed (deleted and wiped) by the first signing request
 * that names its commitment, so it can never sign twice. Unused nonces expire. A restart loses
 * them, which is safe: commitments handed out before it simply cannot be used any more.
 */
import { bytesToHex } from '../crypto.js';
import type { SigningCommitment, SigningNonce } from '../crypto.js';
import { OperatorError } from '../errors.js';
import { freshNonce } from './fast-ec.js';

const key = (c: SigningCommitment): string => bytesToHex(c.hiding) + bytesToHex(c.binding);

export class NonceStore {
  private readonly nonces = new Map<string, { nonce: SigningNonce; expiresAt: number }>();

  /** `hedgeSecret`: mixed into every nonce with fresh randomness (RFC 9591 nonce_generate), so a
   *  weak RNG alone does not make nonces predictable. Nonces are made before the signing key is
   *  known, so the operator's identity key serves. */
  constructor(private readonly hedgeSecret: Uint8Array, private readonly ttlMs = 10 * 60_000, private readonly maxSize = 1_000_000) {}

  get size(): number {
    return this.nonces.size;
  }

  create(count: number): SigningCommitment[] {
    if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new OperatorError('INVALID_ARGUMENT', `commitment count must be 1..10000, got ${count}`);
    if (this.nonces.size + count > this.maxSize) this.purge(Date.now());
    if (this.nonces.size + count > this.maxSize) throw new OperatorError('KEY_POOL_EMPTY', 'too many outstanding signing commitments');
    const expiresAt = Date.now() + this.ttlMs;
    const out: SigningCommitment[] = [];
    for (let i = 0; i < count; i++) {
      const n = freshNonce(this.hedgeSecret);
      const c = n.commitment;
      this.nonces.set(key(c), { nonce: n.nonce, expiresAt });
      out.push(c);
    }
    return out;
  }

  /** Removes and returns the nonce behind a commitment; throws if unknown, used or expired. */
  take(c: SigningCommitment): SigningNonce {
    const k = key(c);
    const entry = this.nonces.get(k);
    this.nonces.delete(k);
    if (entry === undefined || entry.expiresAt < Date.now()) {
      throw new OperatorError('NONCE_REUSED', 'signing commitment is unknown to this operator, already used, or expired');
    }
    return entry.nonce;
  }

  purge(now: number): void {
    for (const [k, v] of this.nonces) {
      if (v.expiresAt < now) {
        v.nonce.hiding.fill(0);
        v.nonce.binding.fill(0);
        this.nonces.delete(k);
      }
    }
  }
}

