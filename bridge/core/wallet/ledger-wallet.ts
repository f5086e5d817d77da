import type { ConfigOptions } from '@buildonspark/spark-sdk';
import type { SparkNetwork } from '../../../src/device/clear-sign.js';
import { PromptingLedgerApp } from '../device/device-prompt.js';
import type { SignerFactory, WalletOpener } from './account-session.js';
import type { DepositTransactionSource } from './deposit-transaction.js';

/**
 * The production wiring: LedgerSparkSigner over the device manager's transport, in the
 * unmodified SDK SparkWallet, with clear signing on (docs/transfers.md, section "Hardware
 * signer: clear signing"), on before the wallet initializes so the operators' login challenges
 * are signed clearly (no prompt); a send is approved once on the device with its total and
 * receiver, and the bridge mirrors each review the signer's requests put on the screen. The SDK reads
 * part of its configuration from the environment on first import (docs/sdk-wire.md, sections
 * "Chain access" and "TLS"), so the environment is put in place before the SDK and the modules
 * that import it (the signer, the deposit reader) are loaded. A deposit's transaction is read from the same chain the SDK
 * reads it from and announced to the signer before the claim, so deposits are signed clearly too.
 */
export async function ledgerWalletFactories(
  walletOptions: ConfigOptions,
  env: Record<string, string> = {},
): Promise<{ signerFactory: SignerFactory; openWallet: WalletOpener; depositTransaction: DepositTransactionSource }> {
  Object.assign(process.env, env);
  const sdk = await import('@buildonspark/spark-sdk');
  const { LedgerSparkSigner } = await import('../../../src/signer/ledger-signer.js');
  const { initializeClearSigned } = await import('../../../src/signer/clear-signed-wallet.js');
  const { depositTransactionSource } = await import('./deposit-transaction.js');
  const network: SparkNetwork = walletOptions.network ?? 'MAINNET';
  const encode = (identityPublicKey: string, n: SparkNetwork): string => sdk.encodeSparkAddress({ identityPublicKey, network: n });
  return {
    depositTransaction: depositTransactionSource(walletOptions),
    signerFactory: (transport, account, prompts) => new LedgerSparkSigner(new PromptingLedgerApp(transport, prompts, encode), { account }),
    openWallet: async (signer) => {
      // The recorder's proxy keeps the signer's prototype, so this sees the LedgerSparkSigner.
      if (signer instanceof LedgerSparkSigner) return await initializeClearSigned(sdk.SparkWallet, signer, network, walletOptions);
      const { wallet } = await sdk.SparkWallet.initialize({ signer, options: { ...walletOptions, signerWithPreExistingKeys: true } });
      return wallet;
    },
  };
}
