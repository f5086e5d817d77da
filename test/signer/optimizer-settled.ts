import type { SparkWallet } from '@buildonspark/spark-sdk';
import type { TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import { waitFor } from '../network/sdk.js';

/**
 * Waits until a wallet on the SDK's default options is done with its background leaf
 * optimization for a balance of `sats`: no optimization in progress, `sats` available, and every
 * leaf a power of two — what the optimizer swaps leaves into (spark-sdk `utils/optimize.ts`:
 * `greedyLeaves` and `swapMinimizingLeaves` return only powers of two). With multiplicity 1 the
 * optimizer swaps any wallet that holds a leaf of another value (`shouldOptimize`), so a test that
 * reads leaves, locks the signer or stops a device waits for this first. Returns the leaves.
 * Shared by the hardware-signer, bridge and Trezor suites.
 */
export async function optimizerSettled(wallet: SparkWallet, sats: bigint, timeoutMs: number, what: string): Promise<TreeNode[]> {
  const state = await waitFor(
    async () => {
      const s = { optimizing: await wallet.isOptimizationInProgress(), available: (await wallet.getBalance()).satsBalance.available, leaves: await wallet.getLeaves() };
      const text = `optimizing ${s.optimizing}, available ${s.available}, leaves [${s.leaves.map((l) => l.value).join(', ')}]`;
      return { ...s, toString: () => text };
    },
    (s) => !s.optimizing && s.available === sats && s.leaves.every((l) => isPowerOfTwo(l.value)) && s.leaves.reduce((a, l) => a + BigInt(l.value), 0n) === sats,
    timeoutMs,
    `${what}: ${sats} sats in power-of-two leaves, no optimization in progress`,
  );
  return state.leaves;
}

export function isPowerOfTwo(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0 && Number.isInteger(Math.log2(value));
}
