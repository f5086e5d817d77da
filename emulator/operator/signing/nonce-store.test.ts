/**
 * The nonce store with a pre-generated pool: pooled pairs are handed out once each, every
 * commitment is the public image of its secret pair, a nonce is consumed by its first use, and
 * close() wipes what is left.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../crypto.js';
import { NonceStore } from './nonce-store.js';

const waitFor = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error('condition not reached');
};

describe('NonceStore pool', () => {
  it('fills its pool ahead of demand and hands each pooled pair out once', async () => {
    const store = new NonceStore(secp256k1.utils.randomSecretKey(), 60_000, 1000, 32);
    await waitFor(() => store.pooled === 32);
    const first = store.create(20);
    const second = store.create(20); // 12 from the pool, 8 made on demand
    const all = [...first, ...second].map((c) => bytesToHex(c.hiding) + bytesToHex(c.binding));
    expect(new Set(all).size).toBe(40);
    expect(store.size).toBe(40);
    await waitFor(() => store.pooled === 32); // refilled after the requests
    for (const c of [...first, ...second]) {
      const t = store.take(c);
      // The commitment is exactly d·G, e·G of the pair returned, and `take` returns it with the pair.
      const dG = secp256k1.Point.BASE.multiply(BigInt('0x' + bytesToHex(t.nonce.hiding)));
      const eG = secp256k1.Point.BASE.multiply(BigInt('0x' + bytesToHex(t.nonce.binding)));
      expect(bytesToHex(c.hiding)).toBe(dG.toHex(true));
      expect(bytesToHex(c.binding)).toBe(eG.toHex(true));
      expect(bytesToHex(t.commitment.hiding)).toBe(dG.toHex(true));
      expect(bytesToHex(t.commitment.binding)).toBe(eG.toHex(true));
      expect(() => store.take(c)).toThrow(/already used/);
    }
    expect(store.size).toBe(0);
    store.close();
  });

  it('wipes published and pooled nonces on close and stops refilling', async () => {
    const store = new NonceStore(secp256k1.utils.randomSecretKey(), 60_000, 1000, 8);
    await waitFor(() => store.pooled === 8);
    const [c] = store.create(1);
    store.close();
    expect(store.pooled).toBe(0);
    expect(() => store.take(c!)).toThrow(/unknown/);
    await new Promise((r) => setTimeout(r, 50));
    expect(store.pooled).toBe(0);
  });

  it('expired nonces cannot sign', async () => {
    const store = new NonceStore(secp256k1.utils.randomSecretKey(), 1);
    const [c] = store.create(1);
    await new Promise((r) => setTimeout(r, 10));
    expect(() => store.take(c!)).toThrow(/expired/);
  });
});
