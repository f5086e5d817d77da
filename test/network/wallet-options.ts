import type { ConfigOptions } from '@buildonspark/spark-sdk';

/**
 * The network's options with background leaf optimization off, for the suites of wallets on a
 * hardware signer (device, bridge) that track fixed leaf ids. The network's own options are the
 * SDK's defaults (docs/ssp.md, section "Wallet options"); the network suites run on them as
 * printed, holding leaves the optimizer leaves alone (test/network/leaf-optimizer.ts).
 */
export function fixedLeafOptions(options: ConfigOptions): ConfigOptions {
  return { ...options, optimizationOptions: { auto: false } };
}
