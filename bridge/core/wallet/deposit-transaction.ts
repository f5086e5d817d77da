import { getElectrsUrl, getTxFromRawTxBytes, getTxId, type ConfigOptions } from '@buildonspark/spark-sdk';
import { hexToBytes } from '@noble/hashes/utils';
import { DEFAULT_RPC_PASSWORD, DEFAULT_RPC_USER } from '../../../emulator/chain/bitcoind-rpc.js';
import { RpcClient } from '../../../emulator/chain/rpc-client.js';
import { BridgeError, messageOf } from '../errors.js';

/** The raw bytes of the deposit transaction `txid` (no witness needed: the signer rebuilds the tree from its outputs). */
export type DepositTransactionSource = (txid: string) => Promise<Uint8Array>;

/**
 * Reads a deposit transaction from where the SDK wallet reads it when it claims the deposit
 * (docs/sdk-wire.md, section "Chain access"): on LOCAL a bitcoind-style JSON-RPC named by
 * BITCOIN_RPC_URL / SPARK_LOCAL_INGRESS_HOST (user and password from BITCOIN_RPC_USER /
 * BITCOIN_RPC_PASSWORD), elsewhere the Esplora API at the wallet's electrsUrl. The bridge hands
 * the transaction to the signer before the claim (LedgerSparkSigner.expectDeposit), so the
 * claim's shares are signed clearly, with no screen. The environment is read at each call: the
 * headless bridge puts the network's environment in place before it starts.
 */
export function depositTransactionSource(walletOptions: ConfigOptions): DepositTransactionSource {
  const network = walletOptions.network ?? 'MAINNET';
  return async (txid) => {
    let hex: string;
    try {
      hex = network === 'LOCAL' ? await localRpc().getRawTransactionHex(txid) : await esplora(walletOptions.electrsUrl ?? getElectrsUrl(network), txid);
    } catch (err) {
      throw new BridgeError('NOT_AVAILABLE', `the deposit transaction ${txid} could not be read from the chain: ${messageOf(err)}`, { cause: err });
    }
    const raw = hexToBytes(hex.trim());
    const id = getTxId(getTxFromRawTxBytes(raw));
    if (id !== txid) throw new BridgeError('NOT_AVAILABLE', `the chain answered transaction ${id} for ${txid}`);
    return raw;
  };
}

function localRpc(): RpcClient {
  const host = process.env.SPARK_LOCAL_INGRESS_HOST;
  return new RpcClient({
    url: process.env.BITCOIN_RPC_URL || (host ? `http://${host}:8332` : 'http://127.0.0.1:8332'),
    user: process.env.BITCOIN_RPC_USER || DEFAULT_RPC_USER,
    pass: process.env.BITCOIN_RPC_PASSWORD || DEFAULT_RPC_PASSWORD,
  });
}

async function esplora(baseUrl: string, txid: string): Promise<string> {
  const response = await fetch(`${baseUrl}/tx/${txid}/hex`);
  if (!response.ok) throw new Error(`${baseUrl} answered HTTP ${response.status}`);
  return await response.text();
}
