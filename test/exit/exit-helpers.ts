import { FundingWallet } from '../../emulator/chain/funding-wallet.js';
import type { RunningNetwork } from '../../emulator/network/network.js';
import type { rpcExitChain } from '../../src/exit/exit-chain.js';

/** Sats paid to `address` by confirmed outputs, through btcd's address index. */
export async function receivedBy(chain: ReturnType<typeof rpcExitChain>, address: string): Promise<{ sats: bigint; txids: string[] }> {
  const txs = await chain.rpc.searchRawTransactions(address);
  let sats = 0n;
  const txids: string[] = [];
  for (const tx of txs) {
    if ((tx.confirmations ?? 0) < 1) continue;
    for (const out of tx.vout) {
      if (out.scriptPubKey.address === address || out.scriptPubKey.addresses?.includes(address)) {
        sats += BigInt(Math.round(out.value * 1e8));
        txids.push(tx.txid);
      }
    }
  }
  return { sats, txids };
}

/**
 * The operators vanish — two stopped (SIGTERM), one killed (SIGKILL) — and the user funds a fee
 * wallet (kept in `file`) for the anchor children of zero-fee transactions.
 */
export async function operatorsGoneFeeWalletFunded(network: RunningNetwork, chain: ReturnType<typeof rpcExitChain>, file: string, sats: bigint): Promise<FundingWallet> {
  await network.stopOperator(1);
  await network.killOperator(2);
  await network.stopOperator(3);
  const feeWallet = FundingWallet.loadOrCreate(file, chain.rpc);
  await network.chain.fund(feeWallet.address, sats);
  return feeWallet;
}
