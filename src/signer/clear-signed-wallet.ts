import type { ConfigOptions, SparkSigner, SparkWallet } from '@buildonspark/spark-sdk';
import { hexToBytes } from '@noble/hashes/utils';
import type { SparkNetwork } from '../device/clear-sign.js';
import { LedgerSignerError } from './errors.js';
import type { LedgerSparkSigner } from './ledger-signer.js';
import { walletLeafSource, walletParentSource } from './wallet-leaves.js';

/**
 * Initializes an unmodified SDK wallet on a LedgerSparkSigner with clear signing on from its
 * first request: the operators' login challenges are signed clearly (no prompt, no blind
 * signing). The leaf source can be read while initialize still runs: its first sync renews
 * leaves and its event stream, where incoming transfers are claimed, starts before initialize
 * returns, so the source must reach the wallet before initialize is done. SparkWallet.initialize constructs `new this(...)`
 * (spark-sdk src/spark-wallet/spark-wallet.ts), so a subclass that only records the instance it
 * constructs gives the source the wallet from its first request on, unchanged otherwise.
 * `Wallet` is the SDK's class, passed in because the SDK is imported once its environment is set.
 */
export async function initializeClearSigned(
  Wallet: typeof SparkWallet,
  signer: LedgerSparkSigner & SparkSigner,
  network: SparkNetwork,
  options: ConfigOptions,
): Promise<SparkWallet> {
  let constructed: SparkWallet | undefined;
  const record = (wallet: SparkWallet): void => {
    constructed = wallet;
  };
  const Recorded = class extends Wallet {
    constructor(o?: ConfigOptions, s?: SparkSigner) {
      super(o, s);
      record(this);
    }
  };
  const wallet = (): SparkWallet => {
    if (constructed === undefined) {
      throw new LedgerSignerError('INVALID_REQUEST', 'clear signing asked for leaves before the wallet was constructed');
    }
    return constructed;
  };
  // The wallet's service provider: a transfer to it is a leaf swap, approved as SWAP_INTENT
  // (its refunds carry the adaptor point, which a TRANSFER_INTENT refuses), or a cooperative exit.
  const provider = options.sspClientOptions?.identityPublicKey;
  signer.enableClearSigning({
    network,
    ...(provider === undefined || provider === '' ? {} : { serviceProvider: hexToBytes(provider) }),
    leaves: async (ids) => await walletLeafSource(wallet())(ids),
    parents: async (ids) => await walletParentSource(wallet())(ids),
  });
  const { wallet: initialized } = await Recorded.initialize({ signer, options: { ...options, signerWithPreExistingKeys: true } });
  return initialized;
}
