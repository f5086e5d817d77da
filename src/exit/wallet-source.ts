/**
 * Exit data straight from an unmodified SDK SparkWallet: its leaves, its unclaimed incoming
 * transfers (with their signed intermediate refunds) and a coordinator client for parents of
 * non-root leaves. The last two live in members SparkWallet declares `protected` (for
 * subclasses); they are read here through a narrow structural view instead of a subclass, so the
 * user's wallet object can be passed as it is.
 */
import type { SparkWallet } from '@buildonspark/spark-sdk';
import type { SparkServiceClient, Transfer, TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import { collectExitData, defaultAccountNumber } from './collect.js';
import { ExitError } from './errors.js';
import type { ExitData, SparkNetworkName } from './exit-data.js';

/** The protected members of SparkWallet 0.8.8 this reads (spark-wallet.ts, services/transfer.ts). */
interface WalletInternals {
  config: { getCoordinatorAddress(): string; getNetworkProto(): number };
  connectionManager: { createSparkClient(address: string): Promise<SparkServiceClient> };
  transferService: { queryPendingTransfers(): Promise<{ transfers: Transfer[] }> };
}

function internals(wallet: SparkWallet): WalletInternals {
  const w = wallet as unknown as Partial<WalletInternals>;
  if (typeof w.config?.getCoordinatorAddress !== 'function' || typeof w.connectionManager?.createSparkClient !== 'function' || typeof w.transferService?.queryPendingTransfers !== 'function') {
    throw new ExitError('BAD_ARGUMENT', 'this SparkWallet does not have the members exit collection reads (SDK version changed?)');
  }
  return w as WalletInternals;
}

/** Tree nodes by id from the coordinator (`query_nodes` by node ids, as the SDK's leaf manager asks for the parents it renews under). */
export async function nodesOf(wallet: SparkWallet, nodeIds: string[]): Promise<TreeNode[]> {
  const inner = internals(wallet);
  const client = await inner.connectionManager.createSparkClient(inner.config.getCoordinatorAddress());
  const res = await client.query_nodes({ source: { $case: 'nodeIds', nodeIds: { nodeIds } }, includeParents: false, network: inner.config.getNetworkProto(), statuses: [], limit: nodeIds.length, offset: 0 });
  return Object.values(res.nodes);
}

/** The wallet's unclaimed incoming transfers, from the operators (their leaves carry the signed intermediate refunds). */
export async function pendingTransfersOf(wallet: SparkWallet): Promise<Transfer[]> {
  return (await internals(wallet).transferService.queryPendingTransfers()).transfers;
}

export interface WalletCollectOptions {
  network: SparkNetworkName;
  /** Default: the SDK's own default for the network. */
  account?: number;
  /** Also collect unclaimed incoming transfers (default true). */
  includePending?: boolean;
}

export async function collectFromWallet(wallet: SparkWallet, o: WalletCollectOptions): Promise<ExitData> {
  const inner = internals(wallet);
  const sparkClient = await inner.connectionManager.createSparkClient(inner.config.getCoordinatorAddress());
  const pending = o.includePending === false ? [] : await pendingTransfersOf(wallet);
  return collectExitData({
    network: o.network,
    identityPublicKey: await wallet.getIdentityPublicKey(),
    account: o.account ?? defaultAccountNumber(o.network),
    leaves: await wallet.getLeaves(),
    pendingTransfers: pending,
    sparkClient,
  });
}
