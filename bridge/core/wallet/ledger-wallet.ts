import type { ConfigOptions } from '@buildonspark/spark-sdk';
import { SparkLedgerApp } from '../../../src/device/app.js';
import type { SignerFactory, WalletOpener } from './account-session.js';

/**
 * The production wiring: LedgerSparkSigner over the device manager's transport, in the
 * unmodified SDK SparkWallet. The SDK reads part of its configuration from the environment on
 * first import (docs/sdk-wire.md, sections "Chain access" and "TLS"), so the environment is put
 * in place before the SDK and the signer (which imports it) are loaded.
 */
export async function ledgerWalletFactories(walletOptions: ConfigOptions, env: Record<string, string> = {}): Promise<{ signerFactory: SignerFactory; openWallet: WalletOpener }> {
  Object.assign(process.env, env);
  const sdk = await import('@buildonspark/spark-sdk');
  const { LedgerSparkSigner } = await import('../../../src/signer/ledger-signer.js');
  return {
    signerFactory: (transport, account) => new LedgerSparkSigner(new SparkLedgerApp(transport), { account }),
    openWallet: async (signer) => {
      const { wallet } = await sdk.SparkWallet.initialize({ signer, options: { ...walletOptions, signerWithPreExistingKeys: true } });
      return wallet;
    },
  };
}
