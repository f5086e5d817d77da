/**
 * What the provider's swaps and static deposit claims both do with their own coins: make leaves
 * of exact amounts from the provider's L1 wallet (this network's operators cannot split a leaf),
 * and package leaves as a transfer to a wallet with the SDK wallet's own transfer service.
 */
import { randomUUID } from 'node:crypto';
import { KeyDerivationType } from '@buildonspark/spark-sdk';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import type { StartTransferRequest, TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import type { FundingWallet } from '../chain/funding-wallet.js';
import type { RpcClient } from '../chain/rpc-client.js';
import type { Books } from './books.js';
import type { CoordinatorClient } from './operator-client.js';
import { SspError } from './errors.js';
import { internals, type LeafKeyTweak } from './sdk-internals.js';

export interface MintDeps {
  wallet: SparkWallet;
  l1: FundingWallet;
  btcd: RpcClient;
  books: Books;
}

/** What the provider's desks (swaps, static deposits) work with. */
export interface ProviderDeps extends MintDeps {
  identityPublicKey: string;
  coordinator: CoordinatorClient;
  /** shared by the desks: each spends the provider's coins */
  serial: Serial;
  log: (m: string) => void;
}

/** New leaves of exactly `amounts`: one deposit each, in one L1 transaction from our L1 wallet. */
export async function mintLeaves(d: MintDeps, amounts: number[]): Promise<TreeNode[]> {
  const addresses: string[] = [];
  for (let i = 0; i < amounts.length; i++) addresses.push(await d.wallet.getSingleUseDepositAddress());
  const txid = await d.l1.pay(addresses.map((address, i) => ({ address, sats: BigInt(amounts[i] as number) })));
  await d.btcd.generate(1);
  const ids: string[] = [];
  // Each call claims the next output paying a still unused deposit address of ours.
  for (let i = 0; i < amounts.length; i++) ids.push(...(await d.wallet.claimDeposit(txid)).map((l) => l.id));
  d.books.record({ kind: 'mint', txid, sats: amounts.reduce((a, b) => a + b, 0) });
  const client = await internals(d.wallet).connectionManager.createSparkClient(internals(d.wallet).config.getCoordinatorAddress());
  for (let attempt = 0; ; attempt++) {
    const res = await client.query_nodes({ source: { $case: 'nodeIds', nodeIds: { nodeIds: ids } }, includeParents: false, network: 2, statuses: [] });
    const nodes = ids.map((id) => res.nodes[id]);
    if (nodes.every((n) => n?.status === 'AVAILABLE')) return nodes as TreeNode[];
    if (attempt > 80) throw new SspError('INTERNAL', `the deposits of ${txid} did not become available`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A transfer of `leaves` from the provider to `receiver`, with its package (signed over fresh
 * operator commitments); a fresh transfer id unless one is given.
 */
export async function transferTo(wallet: SparkWallet, sender: Uint8Array, receiver: Uint8Array, leaves: TreeNode[], transferId: string = randomUUID()): Promise<StartTransferRequest> {
  const tweaks: LeafKeyTweak[] = leaves.map((leaf) => ({
    leaf, keyDerivation: { type: KeyDerivationType.LEAF, path: leaf.id }, newKeyDerivation: { type: KeyDerivationType.RANDOM }, receiverIdentityPublicKey: receiver,
  }));
  const ts = internals(wallet).transferService;
  const keyTweaks = await ts.prepareSendTransferKeyTweaks(transferId, tweaks);
  const transferPackage = await ts.prepareTransferPackage(transferId, keyTweaks, tweaks);
  return { transferId, ownerIdentityPublicKey: sender, receiverIdentityPublicKey: receiver, leavesToSend: [], expiryTime: undefined, transferPackage, sparkInvoice: '' };
}

/** One task at a time: the provider's flows spend from one L1 wallet and mint into one Spark wallet. */
export class Serial {
  private queue: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
