import { describe, expect, it } from 'vitest';
import { AdaptorGate } from './adaptor-gate.js';

describe('AdaptorGate (the host side of the device adaptor rule)', () => {
  it('an adaptor sign waits until the commitments other flows hold were used', async () => {
    let outstanding = 2;
    const gate = new AdaptorGate(() => outstanding, 5_000, 5);
    const order: string[] = [];
    const signed = gate.run(async () => {
      order.push(`adaptor sign with ${outstanding} outstanding`);
      return 'share';
    });
    await new Promise((r) => setTimeout(r, 30));
    order.push('other flow signs');
    outstanding = 0;
    expect(await signed).toBe('share');
    expect(order).toEqual(['other flow signs', 'adaptor sign with 0 outstanding']);
  });

  it('no commitment is issued while an adaptor sign waits or runs', async () => {
    const gate = new AdaptorGate(() => 0, 5_000, 5);
    const order: string[] = [];
    let finish!: () => void;
    const running = gate.run(() => new Promise<void>((r) => (finish = r)).then(() => order.push('adaptor signed')));
    const commit = gate.idle().then(() => order.push('commitment issued'));
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    finish();
    await Promise.all([running, commit]);
    expect(order).toEqual(['adaptor signed', 'commitment issued']);
  });

  it('two adaptor signs run one after the other, and a commitment never used stops blocking after the drain time', async () => {
    const gate = new AdaptorGate(() => 1, 40, 5);
    let running = 0;
    let overlap = false;
    const sign = () =>
      gate.run(async () => {
        running++;
        overlap ||= running > 1;
        await new Promise((r) => setTimeout(r, 10));
        running--;
      });
    const started = Date.now();
    await Promise.all([sign(), sign()]);
    expect(overlap).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(80); // each waited out the abandoned commitment
  });

  it('a failing sign releases the gate', async () => {
    const gate = new AdaptorGate(() => 0, 1_000, 5);
    await expect(gate.run(() => Promise.reject(new Error('NONCE_MISMATCH')))).rejects.toThrow('NONCE_MISMATCH');
    await gate.idle();
    expect(await gate.run(() => Promise.resolve(1))).toBe(1);
  });
});
