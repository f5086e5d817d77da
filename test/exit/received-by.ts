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
