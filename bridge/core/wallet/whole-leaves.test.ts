import { describe, expect, it } from 'vitest';
import { wholeLeavesFor } from './whole-leaves.js';

describe('wholeLeavesFor: the SDK wallet\'s own greedy leaf selection', () => {
  it('pays an amount that whole leaves sum to exactly, largest first', () => {
    expect(wholeLeavesFor([60_000], 60_000)).toEqual([60_000]);
    expect(wholeLeavesFor([10_000, 60_000, 30_000], 70_000)).toEqual([60_000, 10_000]);
    expect(wholeLeavesFor([1, 2, 4, 8], 11)).toEqual([8, 2, 1]);
  });

  it('refuses an amount that needs a leaf split', () => {
    expect(wholeLeavesFor([60_000], 10_000)).toBeUndefined();
    expect(wholeLeavesFor([60_000], 60_001)).toBeUndefined();
    expect(wholeLeavesFor([], 1)).toBeUndefined();
  });

  it('follows the greedy rule, not subset-sum: {5, 3, 3} cannot pay 6, as in the SDK', () => {
    expect(wholeLeavesFor([5, 3, 3], 6)).toBeUndefined();
    expect(wholeLeavesFor([5, 3, 3], 8)).toEqual([5, 3]);
  });

  it('never pays zero or a negative amount', () => {
    expect(wholeLeavesFor([5], 0)).toBeUndefined();
    expect(wholeLeavesFor([5], -5)).toBeUndefined();
  });
});
