import type { ConfigOptions } from '@buildonspark/spark-sdk';

/**
 * Wallet options for a suite whose subject is a fixed set of leaves (leaf ids tracked across
 * restarts, renewal hops, crash points, device approvals): the network's options with background
 * leaf optimization off. The network's own options are the SDK's defaults (docs/ssp.md, section
 * "Wallet options"), and every suite is meant to run on them; the suites that still use this have
 * not yet been rewritten to assert what holds while the wallet swaps its leaves in the background.
 */
export function fixedLeafOptions(options: ConfigOptions): ConfigOptions {
  return { ...options, optimizationOptions: { auto: false } };
}
