/**
 * A tiny deterministic PRNG for reproducible oracle tests and benchmarks: block i is
 * sha256(seed || u64be(i)). Not for production secrets.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { CURVE_ORDER, bytesToBigInt, scalarToBytes } from '../bytes.js';

export class SeededRandom {
  readonly seed: string;
  private readonly seedBytes: Uint8Array;
  private counter = 0n;
  private pool: Uint8Array = new Uint8Array(0);

  constructor(seed: string) {
    this.seed = seed;
    this.seedBytes = new TextEncoder().encode(seed);
  }

  private block(): Uint8Array {
    const input = new Uint8Array(this.seedBytes.length + 8);
    input.set(this.seedBytes);
    new DataView(input.buffer).setBigUint64(this.seedBytes.length, this.counter++);
    return sha256(input);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      if (this.pool.length === 0) this.pool = this.block();
      const take = Math.min(n - off, this.pool.length);
      out.set(this.pool.subarray(0, take), off);
      this.pool = this.pool.subarray(take);
      off += take;
    }
    return out;
  }

  /** A uniform integer in [0, max). */
  int(max: number): number {
    const v = new DataView(this.bytes(4).buffer).getUint32(0);
    return v % max;
  }

  bool(): boolean {
    return this.int(2) === 1;
  }

  /** A non-zero scalar below the group order, as 32 bytes. */
  scalar(): Uint8Array {
    for (;;) {
      const b = this.bytes(32);
      const k = bytesToBigInt(b);
      if (k > 0n && k < CURVE_ORDER) return scalarToBytes(k);
    }
  }

  pick<T>(items: readonly T[]): T {
    const v = items[this.int(items.length)];
    if (v === undefined) throw new Error('pick from empty list');
    return v;
  }

  /** A RandomSource-compatible function (32 bytes per call). */
  source(): () => Uint8Array {
    return () => this.bytes(32);
  }
}
