import { describe, expect, it } from 'vitest';
import { InsNotSupportedError } from '../device/errors.js';
import type { DeviceCommitment } from '../device/messages.js';
import { CommitmentReserve } from './commitment-reserve.js';
import { IdleRefill } from './idle-refill.js';
import { SplitReserve } from './split-reserve.js';

const settle = (ms = 80) => new Promise((r) => setTimeout(r, ms));

/** A device pool as SPLIT_PREPARE keeps it: 8 slots, entries per threshold. */
function devicePool() {
  const calls: [number, number][] = [];
  let pool: number[] = [];
  return {
    calls,
    take(t: number) {
      const i = pool.indexOf(t);
      if (i >= 0) pool.splice(i, 1);
    },
    wipe() {
      pool = [];
    },
    prepare(k: number, t: number): Promise<number> {
      calls.push([k, t]);
      for (let i = 0; i < k && pool.filter((x) => x === t).length < 8; i++) {
        const other = pool.findIndex((x) => x !== t);
        if (pool.length === 8 && other >= 0) pool.splice(other, 1);
        if (pool.length < 8) pool.push(t);
      }
      return Promise.resolve(pool.filter((x) => x === t).length);
    },
  };
}

describe('SplitReserve (transfer splits prepared on the device while it is idle)', () => {
  it('learns the threshold from the first split, then prepares one entry per idle pause up to its target', async () => {
    const dev = devicePool();
    const splits = new SplitReserve(3, (k, t) => dev.prepare(k, t));
    const refill = new IdleRefill(() => true, 5);
    refill.add(splits);
    refill.nudge();
    await settle();
    expect(dev.calls).toEqual([]); // no threshold yet
    splits.used(2);
    refill.nudge();
    await settle();
    expect(dev.calls).toEqual([[1, 2], [1, 2], [1, 2]]);
    dev.take(2); // a transfer split took one
    splits.used(2);
    refill.nudge();
    await settle();
    expect(dev.calls.length).toBe(4);
    expect(await dev.prepare(0, 2)).toBe(3);
  });

  it('a device that lost its pool (the app restarted) is refilled: its own count corrects the hint', async () => {
    const dev = devicePool();
    const splits = new SplitReserve(2, (k, t) => dev.prepare(k, t));
    expect(await splits.fillNow(2)).toBe(2);
    dev.wipe();
    splits.forget(); // a request failed
    const refill = new IdleRefill(() => true, 5);
    refill.add(splits);
    refill.nudge();
    await settle();
    expect(await dev.prepare(0, 2)).toBe(2);
  });

  it('thresholds the device does not prepare, a target of 0, and an app without SPLIT_PREPARE ask nothing more', async () => {
    const dev = devicePool();
    const big = new SplitReserve(2, (k, t) => dev.prepare(k, t));
    big.used(5);
    expect(big.wanting()).toBe(false);
    expect(await big.fillNow()).toBe(0);
    const off = new SplitReserve(0, (k, t) => dev.prepare(k, t));
    off.used(2);
    expect(off.wanting()).toBe(false);
    expect(dev.calls).toEqual([]);
    let asked = 0;
    const old = new SplitReserve(2, () => {
      asked++;
      return Promise.reject(new InsNotSupportedError());
    });
    old.used(2);
    expect(await old.fillNow()).toBe(0);
    expect(old.wanting()).toBe(false);
    expect(asked).toBe(1);
  });

  it('one IdleRefill serves the commitment reserve and the split reserve, one device step at a time', async () => {
    const dev = devicePool();
    let running = 0;
    let overlap = false;
    const slow = async <T>(v: T): Promise<T> => {
      overlap ||= running > 0;
      running++;
      await settle(10);
      running--;
      return v;
    };
    const commitment = (ref: number): DeviceCommitment => ({ ref, hiding: new Uint8Array(33), binding: new Uint8Array(33) });
    let next = 0;
    const commitments = new CommitmentReserve(2, () => true, () => slow([commitment(next++)]));
    const splits = new SplitReserve(2, (k, t) => slow(0).then(() => dev.prepare(k, t)));
    const refill = new IdleRefill(() => true, 5);
    refill.add(commitments);
    refill.add(splits);
    splits.used(2);
    refill.nudge();
    refill.nudge();
    await settle(300);
    expect(commitments.size).toBe(2);
    expect(await dev.prepare(0, 2)).toBe(2);
    expect(overlap).toBe(false);
  });
});
