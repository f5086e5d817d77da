/**
 * spark.SparkService, the public API the SDK wallet calls. Implemented: what initialization,
 * sync, deposits, balance, transfers and claims need (docs/sdk-wire.md, sections "Empty-network
 * answers", "claimDeposit" and "query_nodes and the balance"; docs/transfers.md, sections
 * "start_transfer_v2 on the operators" and "claim_transfer on the operators"). Everything else
 * answers UNIMPLEMENTED with a message naming the method.
 */
import type {
  SparkServiceImplementation,
  QueryNodesRequest,
  TransferFilter,
  QueryUnusedDepositAddressesRequest,
  StartTransferRequest,
  ClaimTransferRequest,
  RenewLeafRequest,
  StartTransferV3Request,
  Transfer,
  SubscribeToEventsRequest,
  SubscribeToEventsResponse,
  TreeNode,
  DeepPartial,
} from '@buildonspark/spark-sdk/proto/spark';
import { SparkServiceDefinition } from '@buildonspark/spark-sdk/proto/spark';
import { withUnimplemented } from './unimplemented.js';
import { bytesToHex } from '../../crypto.js';
import type { Repository, TreeNodeRow } from '../../db/repository.js';
import type { TransferRecord, TransferRepository } from '../../db/transfer-repository.js';
import type { TransferService } from '../../transfer/transfer-service.js';
import { addressRequestFromWire, commitmentsRequestFromWire, commitmentsToWire, depositAddressToWire, staticAddressRequestFromWire, treeRequestFromWire, unusedAddressToWire } from './deposit-wire.js';
import { claimFromWire, coopExitFromWire, primaryResultsToWire, queryFromWire, startTransferFromWire, swapPrimaryFromWire, transferToWire } from './transfer-wire.js';
import type { DepositService } from '../../deposit/deposit-service.js';
import { OperatorError } from '../../errors.js';
import type { EventBus, WalletEvent } from '../../events.js';
import type { KeyshareCache } from '../../signing/keyshares.js';
import type { RenewRepository } from '../../db/renew-repository.js';
import type { RenewService } from '../../renew/renew-service.js';
import { renewFromWire, renewToWire } from './renew-wire.js';
import { startTransferV3AsV2 } from './transfer-v3-wire.js';
import { refundRequestFromWire, refundResultToWire } from './static-refund-wire.js';
import type { UtxoSwapService } from '../../static-deposit/utxo-swap-service.js';
import type { AuthContext } from './middleware.js';
import { statusName, toTreeNode } from './tree-node.js';
import type { PeerConfig } from '../../config.js';
import type { CallContext } from 'nice-grpc-common';

type Ctx = CallContext & AuthContext;

export interface SparkServiceDeps {
  repo: Repository;
  keys: KeyshareCache;
  events: EventBus;
  /** Present on the coordinator only. */
  deposits: DepositService | undefined;
  /** Present on the coordinator only. */
  transfers: TransferService | undefined;
  transferRows: TransferRepository;
  /** Present on the coordinator only. */
  renewals: RenewService | undefined;
  /** Present on the coordinator only: static deposit refunds. */
  utxoSwaps?: UtxoSwapService | undefined;
  /** parents and split nodes (query_nodes include_parents, the exit chain) */
  renewRows: RenewRepository;
  peers: PeerConfig[];
  identityPublicKeys: () => Record<string, Uint8Array>;
}

function sameIdentity(ctx: Ctx, key: Uint8Array | undefined, field: string): string {
  if (key === undefined || key.length === 0) throw new OperatorError('INVALID_ARGUMENT', `${field} is required`);
  const hex = bytesToHex(Uint8Array.from(key));
  if (hex !== ctx.session.identityPublicKeyHex) throw new OperatorError('PERMISSION_DENIED', `${field} is not the authenticated identity: use your own session`);
  return hex;
}

/** Caps for limits the wallet sends (0 = no limit on the sync call; docs/sdk-wire.md, "What we
 * serve"). */
function pageLimit(limit: number | undefined, def: number): number {
  if (limit === undefined || limit <= 0) return def;
  return Math.min(limit, 1000);
}

/**
 * Tree nodes and transfers as the wallet sees them (also for the SSP service, ssp-service.ts).
 * A transfer record is rendered once: the coordinator's answer and the receiver's and sender's
 * events carry the same record (one decision), so they share one rendering and its node reads.
 */
export function wireRenderers(d: Pick<SparkServiceDeps, 'repo' | 'keys' | 'peers'>): { toNode: (row: TreeNodeRow) => Promise<TreeNode>; toTransfer: (t: TransferRecord) => Promise<Transfer> } {
  const operators = d.peers.map((p) => p.identifier);
  const toNode = async (row: TreeNodeRow): Promise<TreeNode> => toTreeNode(row, await d.keys.get(row.keyshare_id), operators);
  const render = async (t: TransferRecord): Promise<Transfer> => {
    const rows = await d.repo.listTreeNodesByIds(t.leaves.map((l) => l.leafId), []);
    const nodes = new Map<string, TreeNode>();
    for (const r of rows) nodes.set(r.id, await toNode(r));
    return transferToWire(t, nodes);
  };
  const rendered = new WeakMap<TransferRecord, Promise<Transfer>>();
  const toTransfer = (t: TransferRecord): Promise<Transfer> => {
    let p = rendered.get(t);
    if (p === undefined) {
      p = render(t);
      rendered.set(t, p);
      // A failed rendering (a read error) is not kept: the next reader tries again.
      p.catch(() => rendered.delete(t));
    }
    return p;
  };
  return { toNode, toTransfer };
}

/** The coordinator's transfer service; FAILED_PRECONDITION on any other operator. */
export function coordinatorTransfers(transfers: TransferService | undefined): TransferService {
  if (transfers === undefined) throw new OperatorError('FAILED_PRECONDITION', 'this operator is not the coordinator: send transfer calls to the coordinator');
  return transfers;
}

export function createSparkService(d: SparkServiceDeps): SparkServiceImplementation<AuthContext> {
  const coordinator = (): DepositService => {
    if (d.deposits === undefined) throw new OperatorError('FAILED_PRECONDITION', 'this operator is not the coordinator: send deposit calls to the coordinator');
    return d.deposits;
  };
  const { toNode, toTransfer } = wireRenderers(d);
  const transferService = (): TransferService => coordinatorTransfers(d.transfers);
  const queryTransfers = async (req: TransferFilter, ctx: Ctx, pending: boolean): Promise<{ transfers: Transfer[]; offset: number }> => {
    const identity = checkTransferFilter(req, ctx);
    const q = queryFromWire(req, identity, pending);
    if (q === undefined) return { transfers: [], offset: -1 };
    const rows = await d.transferRows.list(q);
    const transfers: Transfer[] = [];
    for (const t of rows) transfers.push(await toTransfer(t));
    return { transfers, offset: rows.length === q.limit ? q.offset + rows.length : -1 };
  };

  const impl: Partial<SparkServiceImplementation<AuthContext>> = {
    async generate_deposit_address(req, ctx: Ctx) {
      return depositAddressToWire(await coordinator().generateAddress(addressRequestFromWire(req), ctx.session.identityPublicKeyHex));
    },
    async generate_static_deposit_address(req, ctx: Ctx) {
      return depositAddressToWire(await coordinator().generateAddress(staticAddressRequestFromWire(req), ctx.session.identityPublicKeyHex));
    },
    async query_static_deposit_addresses(req, ctx: Ctx) {
      const identity = sameIdentity(ctx, req.identityPublicKey, 'identity_public_key');
      const rows = await coordinator().staticAddresses(identity, req.network);
      return { depositAddresses: rows.filter((a) => req.depositAddress === undefined || a.address === req.depositAddress).map(unusedAddressToWire) };
    },
    async get_signing_commitments(req, ctx: Ctx) {
      return commitmentsToWire(await coordinator().signingCommitments(commitmentsRequestFromWire(req), ctx.session.identityPublicKeyHex));
    },
    async finalize_deposit_tree_creation(req, ctx: Ctx) {
      return { rootNode: await toNode(await coordinator().finalizeTree(treeRequestFromWire(req), ctx.session.identityPublicKeyHex)) };
    },
    async initiate_static_deposit_utxo_refund(req, ctx: Ctx) {
      if (d.utxoSwaps === undefined) throw new OperatorError('FAILED_PRECONDITION', 'this operator is not the coordinator: send static deposit refunds to the coordinator');
      return refundResultToWire(await d.utxoSwaps.refund(refundRequestFromWire(req), ctx.session.identityPublicKeyHex));
    },
    async query_unused_deposit_addresses(req: QueryUnusedDepositAddressesRequest, ctx: Ctx) {
      const identity = sameIdentity(ctx, req.identityPublicKey, 'identity_public_key');
      const limit = pageLimit(req.limit, 100);
      const offset = Math.max(0, req.offset ?? 0);
      const addresses = await d.repo.listUnusedDepositAddresses(identity, req.network, limit, offset);
      return { depositAddresses: addresses.map(unusedAddressToWire), offset: addresses.length < limit ? -1 : offset + addresses.length };
    },
    async query_nodes(req: QueryNodesRequest, ctx: Ctx) {
      const statuses = req.statuses.map((s) => {
        const n = statusName(s);
        if (n === undefined) throw new OperatorError('INVALID_ARGUMENT', `unknown tree node status ${s}`);
        return n;
      });
      const limit = pageLimit(req.limit, 100);
      const offset = Math.max(0, req.offset ?? 0);
      let rows: TreeNodeRow[];
      if (req.source?.$case === 'ownerIdentityPubkey') {
        const owner = sameIdentity(ctx, req.source.ownerIdentityPubkey, 'owner_identity_pubkey');
        rows = await d.repo.listTreeNodesByOwner(owner, statuses, req.network === 0 ? undefined : req.network, limit, offset);
      } else if (req.source?.$case === 'nodeIds') {
        // Nodes are only shown to their owner, and a renewal's split nodes to the owner of a leaf
        // below them (its exit chain: spark-sdk utils/unilateral-exit.ts asks for them by id).
        const me = ctx.session.identityPublicKeyHex;
        rows = [];
        for (const r of await d.repo.listTreeNodesByIds(req.source.nodeIds.nodeIds, statuses)) {
          if (r.owner_identity_public_key === me || (r.status === 'SPLIT_LOCKED' && await d.renewRows.ownsDescendant(r.id, me))) rows.push(r);
        }
      } else {
        throw new OperatorError('INVALID_ARGUMENT', 'query_nodes needs owner_identity_pubkey or node_ids');
      }
      const nodes: Record<string, TreeNode> = {};
      for (const r of rows) nodes[r.id] = await toNode(r);
      if (req.includeParents) {
        // Every node above each one found, up to its tree's root (the renewal and exit paths need the parent).
        for (const r of rows) for (const a of await d.renewRows.ancestors(r.id)) nodes[a.id] ??= await toNode(a);
      }
      return { nodes, offset: req.source.$case === 'ownerIdentityPubkey' && rows.length === limit ? offset + limit : -1 };
    },
    async query_balance(req, ctx: Ctx) {
      const owner = sameIdentity(ctx, req.identityPublicKey, 'identity_public_key');
      const rows = await d.repo.listTreeNodesByOwner(owner, ['AVAILABLE'], undefined, 100_000, 0);
      return { balance: rows.reduce((a, r) => a + r.value, 0), nodeBalances: Object.fromEntries(rows.map((r) => [r.id, r.value])) };
    },
    async query_all_transfers(req: TransferFilter, ctx: Ctx) {
      return queryTransfers(req, ctx, false);
    },
    async query_pending_transfers(req: TransferFilter, ctx: Ctx) {
      return queryTransfers(req, ctx, true);
    },
    async start_transfer_v2(req: StartTransferRequest, ctx: Ctx) {
      sameIdentity(ctx, req.ownerIdentityPublicKey, 'owner_identity_public_key');
      const { prepare, jobs } = startTransferFromWire(req);
      const t = await transferService().startTransfer(prepare, jobs);
      return { transfer: await toTransfer(t), signingResults: [] };
    },
    async initiate_swap_primary_transfer(req, ctx: Ctx) {
      sameIdentity(ctx, req.transfer?.ownerIdentityPublicKey, 'transfer.owner_identity_public_key');
      const { prepare, jobs } = swapPrimaryFromWire(req);
      const { record, results } = await transferService().startPrimarySwap(prepare, jobs);
      return { transfer: await toTransfer(record), signingResults: primaryResultsToWire(results) };
    },
    async cooperative_exit_v2(req, ctx: Ctx) {
      sameIdentity(ctx, req.transfer?.ownerIdentityPublicKey, 'transfer.owner_identity_public_key');
      const { prepare, jobs } = coopExitFromWire(req);
      const t = await transferService().startCooperativeExit(prepare, jobs);
      return { transfer: await toTransfer(t), signingResults: [] };
    },
    async start_transfer_v3(req: StartTransferV3Request, ctx: Ctx) {
      const v2 = startTransferV3AsV2(req);
      sameIdentity(ctx, v2.ownerIdentityPublicKey, 'sender_packages[0].owner_identity_public_key');
      const { prepare, jobs } = startTransferFromWire(v2);
      const t = await transferService().startTransfer(prepare, jobs);
      return { transfer: await toTransfer(t), signingResults: [] };
    },
    async claim_transfer(req: ClaimTransferRequest, ctx: Ctx) {
      sameIdentity(ctx, req.ownerIdentityPublicKey, 'owner_identity_public_key');
      const { prepare, jobs } = claimFromWire(req);
      const t = await transferService().claimTransfer(prepare, jobs);
      return { transfer: await toTransfer(t) };
    },
    async renew_leaf(req: RenewLeafRequest, ctx: Ctx) {
      if (d.renewals === undefined) throw new OperatorError('FAILED_PRECONDITION', 'this operator is not the coordinator: send renew_leaf to the coordinator');
      const r = renewFromWire(req, ctx.session.identityPublicKeyHex);
      const { leaf, split } = await d.renewals.renew(r);
      return renewToWire(r.variant, await toNode(leaf), split === undefined ? undefined : await toNode(split));
    },
    async get_signing_operator_list() {
      const keys = d.identityPublicKeys();
      return {
        signingOperators: Object.fromEntries(d.peers.map((p) => [p.identifier, {
          index: p.index - 1, identifier: p.identifier, publicKey: keys[p.identifier] ?? new Uint8Array(0), address: p.publicAddress,
        }])),
      };
    },
    subscribe_to_events(req: SubscribeToEventsRequest, ctx: Ctx) {
      const identity = sameIdentity(ctx, req.identityPublicKey, 'identity_public_key');
      return eventStream(identity, ctx, d, toNode, toTransfer);
    },
  };

  return withUnimplemented(SparkServiceDefinition, impl, (name) => `spark.SparkService/${name} is not implemented by this local network`);
}

/** The filter's identity, which must be the session's. */
function checkTransferFilter(req: TransferFilter, ctx: Ctx): string {
  const p = req.participant;
  if (p === undefined) throw new OperatorError('INVALID_ARGUMENT', 'transfer filter needs a participant');
  const key = p.$case === 'receiverIdentityPublicKey' ? p.receiverIdentityPublicKey
    : p.$case === 'senderIdentityPublicKey' ? p.senderIdentityPublicKey : p.senderOrReceiverIdentityPublicKey;
  return sameIdentity(ctx, key, p.$case);
}

/** `connected` first, then deposit and transfer events, until the wallet hangs up (docs/sdk-wire.md,
 * "Empty-network answers"). */
async function* eventStream(identity: string, ctx: Ctx, d: SparkServiceDeps, toNode: (r: TreeNodeRow) => Promise<TreeNode>, toTransfer: (t: TransferRecord) => Promise<Transfer>): AsyncGenerator<DeepPartial<SubscribeToEventsResponse>> {
  const queue: WalletEvent[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = d.events.subscribe(identity, (e) => {
    queue.push(e);
    wake?.();
  });
  const aborted = new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
  try {
    yield { event: { $case: 'connected', connected: {} } };
    while (!ctx.signal.aborted) {
      const e = queue.shift();
      if (e === undefined) {
        await Promise.race([new Promise<void>((r) => { wake = r; }), aborted]);
        wake = undefined;
        continue;
      }
      if (e.kind === 'deposit') yield { event: { $case: 'deposit', deposit: { deposit: await toNode(e.node), traceId: '' } } };
      else if (e.kind === 'receiver_transfer') yield { event: { $case: 'receiverTransfer', receiverTransfer: { transfer: await toTransfer(e.transfer), traceId: '' } } };
      else yield { event: { $case: 'senderTransfer', senderTransfer: { transfer: await toTransfer(e.transfer), traceId: '' } } };
    }
  } finally {
    unsubscribe();
  }
}
