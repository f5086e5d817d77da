/**
 * Collects exit data while the operators are up, from what the unmodified SDK wallet holds: its
 * leaves (`wallet.getLeaves()`, spark.TreeNode with the signed nodeTx / refundTx / direct
 * variants) and, for leaves below a tree root, their parents through `query_nodes` with
 * `include_parents` — walked by the SDK's own `buildUnilateralExitChain`. Unclaimed incoming
 * transfers (`query_pending_transfers`) add `pending-transfer` entries whose refunds are the
 * transfer's intermediate refunds, paying the identity key.
 */
import type { SparkServiceClient, Transfer, TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import { bytesToHex, sparkKeyPath, sparkKeyPathString } from '../crypto/index.js';
import { ExitError } from './errors.js';
import { EXIT_DATA_FORMAT, EXIT_DATA_VERSION, checkExitData, hexOrUndefined, type ExitData, type ExitLeaf, type ExitNode, type ExitRefunds, type SparkNetworkName } from './exit-data.js';

export interface CollectInput {
  network: SparkNetworkName;
  /** The wallet's identity public key (hex). */
  identityPublicKey: string;
  /** The wallet's Spark account number (the SDK uses 0 on REGTEST, 1 elsewhere, unless told). */
  account: number;
  /** The wallet's leaves, as `wallet.getLeaves()` returns them. */
  leaves: TreeNode[];
  /** Unclaimed incoming transfers, as `query_pending_transfers` returns them. */
  pendingTransfers?: Transfer[];
  /** A client of the coordinator, to fetch parents of non-root leaves; without it such leaves fail with INCOMPLETE_CHAIN. */
  sparkClient?: SparkServiceClient;
  /** Clock, for `savedAt`. */
  now?: () => Date;
}

/** The SDK's account-number default (spark-wallet.ts `resolveSeedAndMnemonic`). */
export function defaultAccountNumber(network: SparkNetworkName): number {
  return network === 'REGTEST' ? 0 : 1;
}

async function nodeChain(leaf: TreeNode, input: CollectInput): Promise<TreeNode[]> {
  const sdk = await import('@buildonspark/spark-sdk');
  // The SDK keeps only nodes in exit-able states; an incoming leaf is TRANSFER_LOCKED until the
  // claim, yet its chain is exactly as exit-able, so the walk starts from an AVAILABLE copy.
  const start = { ...leaf, status: 'AVAILABLE' };
  const chain = await sdk.buildUnilateralExitChain(start, new Map(), input.sparkClient, sdk.Network[input.network]);
  const root = chain[0];
  if (root === undefined || chain[chain.length - 1]?.id !== leaf.id) throw new ExitError('INCOMPLETE_CHAIN', `leaf ${leaf.id}: the SDK built no exit chain`);
  if (root.parentNodeId !== undefined && root.parentNodeId !== '') {
    throw new ExitError('INCOMPLETE_CHAIN', `leaf ${leaf.id}: node ${root.id} has parent ${root.parentNodeId}, which was not available (pass a sparkClient, or its status does not allow an exit)`);
  }
  return chain;
}

function exitNodes(chain: TreeNode[]): ExitNode[] {
  return chain.map((n) => {
    const directTx = hexOrUndefined(n.directTx);
    return { nodeId: n.id, nodeTx: bytesToHex(n.nodeTx), ...(directTx === undefined ? {} : { directTx }) };
  });
}

function refunds(cpfp: Uint8Array, directFromCpfp: Uint8Array | undefined, direct: Uint8Array | undefined, what: string): ExitRefunds {
  const c = hexOrUndefined(cpfp);
  if (c === undefined) throw new ExitError('INCOMPLETE_CHAIN', `${what} has no signed CPFP refund`);
  const dfc = hexOrUndefined(directFromCpfp);
  const d = hexOrUndefined(direct);
  return { cpfp: c, ...(dfc === undefined ? {} : { directFromCpfp: dfc }), ...(d === undefined ? {} : { direct: d }) };
}

/** Builds (and checks) the exit data of a wallet. */
export async function collectExitData(input: CollectInput): Promise<ExitData> {
  const leaves: ExitLeaf[] = [];
  for (const leaf of input.leaves) {
    const chain = await nodeChain(leaf, input);
    leaves.push({
      leafId: leaf.id,
      source: 'owned',
      value: leaf.value,
      verifyingPublicKey: bytesToHex(leaf.verifyingPublicKey),
      refundKey: {
        kind: 'leaf',
        account: input.account,
        leafId: leaf.id,
        path: sparkKeyPathString(sparkKeyPath(input.account, 'signing', leaf.id)),
        publicKey: bytesToHex(leaf.ownerSigningPublicKey),
      },
      nodes: exitNodes(chain),
      refunds: refunds(leaf.refundTx, leaf.directFromCpfpRefundTx, leaf.directRefundTx, `leaf ${leaf.id}`),
    });
  }
  for (const transfer of input.pendingTransfers ?? []) {
    for (const tl of transfer.leaves) {
      const leaf = tl.leaf;
      if (leaf === undefined) throw new ExitError('INCOMPLETE_CHAIN', `transfer ${transfer.id} lists a leaf without its node`);
      const chain = await nodeChain(leaf, input);
      leaves.push({
        leafId: leaf.id,
        source: 'pending-transfer',
        transferId: transfer.id,
        value: leaf.value,
        verifyingPublicKey: bytesToHex(leaf.verifyingPublicKey),
        refundKey: {
          kind: 'identity',
          account: input.account,
          path: sparkKeyPathString(sparkKeyPath(input.account, 'identity')),
          publicKey: input.identityPublicKey,
        },
        nodes: exitNodes(chain),
        refunds: refunds(tl.intermediateRefundTx, tl.intermediateDirectFromCpfpRefundTx, tl.intermediateDirectRefundTx, `transfer ${transfer.id} leaf ${leaf.id}`),
      });
    }
  }
  const data: ExitData = {
    format: EXIT_DATA_FORMAT,
    version: EXIT_DATA_VERSION,
    network: input.network,
    identityPublicKey: input.identityPublicKey,
    savedAt: (input.now ?? (() => new Date()))().toISOString(),
    leaves,
  };
  return checkExitData(data);
}
