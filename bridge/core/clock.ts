import { performance } from 'node:perf_hooks';

/**
 * Epoch milliseconds with sub-millisecond precision. Every timestamp of a round's steps comes
 * from this one clock (Date.now() has 1 ms steps, too coarse to order the steps of one round).
 */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
