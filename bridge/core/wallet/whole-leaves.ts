/**
 * Which whole leaves the SDK wallet would pay an amount with, by its own rule: available leaves
 * by value, largest first, each taken while the remainder is at least its value; only an exact
 * sum pays (docs/transfers.md, section "Leaf selection and the SSP"; SDK services/leaf-manager.ts,
 * selectLeaves). When the rule misses, the SDK swaps with the service provider: it first transfers
 * leaves to the provider's identity key. With no provider serving the network that transfer would
 * hand a leaf to a key nobody answers for, so the bridge asks this first and refuses instead.
 *
 * Returns the leaf values used, largest first, or undefined when whole leaves cannot pay `amount`.
 */
export function wholeLeavesFor(leafValues: readonly number[], amount: number): number[] | undefined {
  let remaining = amount;
  const used: number[] = [];
  for (const value of [...leafValues].sort((a, b) => b - a)) {
    if (remaining <= 0) break;
    if (value > 0 && value <= remaining) {
      used.push(value);
      remaining -= value;
    }
  }
  return remaining === 0 && used.length > 0 ? used : undefined;
}
