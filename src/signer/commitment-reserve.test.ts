import { describe, expect, it } from 'vitest';
import type { DeviceCommitment } from '../device/messages.js';
import { CommitmentReserve } from './commitment-reserve.js';
import { IdleRefill } from './idle-refill.js';

const commitment = (ref: number): DeviceCommitment => ({ ref, hiding: new Uint8Array(33).fill(2), binding: new Uint8Array(33).fill(3) });
const settle = () => new Promise((r) => setTimeout(r, 60));

/** A reserve behind its own IdleRefill (the signer shares one between its reserves). */
function idle(reserve: CommitmentReserve, deviceIdle: () => boolean, idleMs: number): IdleRefill {
  const refill = new IdleRefill(deviceIdle, idleMs);
  refill.add(reserve);
  return refill;
}

describe('CommitmentReserve (nonce commitments made ahead while the device is idle)', () => {
  it('fills up to its target while the device is idle, and hands each commitment out once', async () => {
    let next = 0;
    const reserve = new CommitmentReserve(3, () => true, () => Promise.resolve([commitment(next++)]));
    idle(reserve, () => true, 5).nudge();
    await settle();
    expect(next).toBe(3);
    expect(reserve.size).toBe(3);
    expect([reserve.take()?.ref, reserve.take()?.ref, reserve.take()?.ref, reserve.take()]).toEqual([0, 1, 2, undefined]);
  });

  it('makes nothing while the device is busy or the reserve is barred, and nothing with a target of 0', async () => {
    let calls = 0;
    const busy = new CommitmentReserve(3, () => true, () => Promise.resolve([commitment(calls++)]));
    idle(busy, () => false, 5).nudge();
    const barred = new CommitmentReserve(3, () => false, () => Promise.resolve([commitment(calls++)]));
    idle(barred, () => true, 5).nudge(); // around an adaptor sign
    const off = new CommitmentReserve(0, () => true, () => Promise.resolve([commitment(calls++)]));
    idle(off, () => true, 5).nudge();
    await settle();
    expect(calls).toBe(0);
    expect(busy.take()).toBeUndefined();
  });

  it('an adaptor sign discards the reserve, and a fill that overlapped it is dropped', async () => {
    let release!: () => void;
    const reserve = new CommitmentReserve(1, () => true, () => new Promise<DeviceCommitment[]>((r) => (release = () => r([commitment(7)]))));
    reserve.add([commitment(1)]);
    reserve.discard();
    expect(reserve.take()).toBeUndefined();
    idle(reserve, () => true, 5).nudge();
    await settle();
    reserve.discard(); // the adaptor sign runs while the fill's FROST_COMMIT is on its way
    release();
    await settle();
    expect(reserve.take()).toBeUndefined();
  });

  it('waits until the device has been idle for a while: a request in between puts the fill off', async () => {
    let calls = 0;
    const reserve = new CommitmentReserve(2, () => true, () => Promise.resolve([commitment(calls++)]));
    const refill = idle(reserve, () => true, 40);
    refill.nudge();
    await new Promise((r) => setTimeout(r, 25));
    refill.nudge(); // the wallet used the device again
    await new Promise((r) => setTimeout(r, 25));
    expect(calls).toBe(0);
    await new Promise((r) => setTimeout(r, 150));
    expect(calls).toBe(2);
  });

  it('fillNow tops up in batches of three', async () => {
    const asked: number[] = [];
    let next = 0;
    const reserve = new CommitmentReserve(7, () => false, (k) => {
      asked.push(k);
      return Promise.resolve(Array.from({ length: k }, () => commitment(next++)));
    });
    expect(await reserve.fillNow()).toBe(7);
    expect(asked).toEqual([3, 3, 1]);
  });

  it('a device error stops the fill quietly; the next nudge tries again', async () => {
    let fail = true;
    let next = 0;
    const reserve = new CommitmentReserve(1, () => true, () => (fail ? Promise.reject(new Error('transport closed')) : Promise.resolve([commitment(next++)])));
    const refill = idle(reserve, () => true, 5);
    refill.nudge();
    await settle();
    expect(reserve.take()).toBeUndefined();
    fail = false;
    refill.nudge();
    await settle();
    expect(reserve.take()?.ref).toBe(0);
  });
});
