/**
 * Durable replication between operators: what one operator changes and the others must apply is
 * never lost, whatever stops or crashes in between.
 *
 * Model
 * - Outbox. The operator that makes a change calls `replicator.record(tx, kind, id, payload)` in
 *   the SAME database transaction as the change. That writes one `replication_outbox` row per peer
 *   (migration 002_replication.sql). So the change and the promise to replicate it commit together,
 *   before the request is answered. After the commit, call `replicator.deliverNow()` so that peers
 *   that are up have it before the wallet is answered.
 * - Delivery. `replicator.start()` runs a loop that sends each peer its undelivered records in
 *   order (internal RPC `replicate`), with a per-peer backoff (250 ms doubling to 10 s). It retries
 *   until the peer acknowledges; a record stays in the outbox until then, across restarts.
 * - Idempotent apply. The receiver applies each record in one transaction that also inserts its id
 *   into `replication_applied`. A redelivered record is acknowledged without being applied again.
 *   A record the receiver refuses (its kind's checks fail) stays pending on the sender. Its error
 *   is kept in `replication_outbox.last_error`.
 * - Catch-up at start-up. Before it serves wallets, an operator pulls from EVERY peer the records
 *   still addressed to it (`replication_pull`), applies them and acknowledges them
 *   (`replication_ack`). A record for it can only be in its origin's outbox, so it waits until each
 *   peer has answered once. Peers serve the pull whether or not they are caught up themselves, so a
 *   whole network restarted at once does not deadlock. An operator restarted while a peer is down
 *   waits for that peer (and says so in its log) rather than serve a missing leaf.
 *
 * Adding a kind
 * 1. Write a `RecordKind<P>` (kinds.ts): a unique `name`, a `decode(json)` that checks the payload's
 *    shape, and an `apply(tx, payload, origin)` that checks it against this operator's own rows and
 *    writes it with `tx`. Throw an OperatorError to refuse it.
 * 2. Register it in `recordKinds()` below.
 * 3. Where the change is made, in its transaction: `replicator.record(tx, '<name>', '<id>', payload)`.
 *    The id must be the same for the same change (e.g. `<name>:<row id>`): re-recording the same
 *    change is then a no-op, and so is its redelivery.
 */
import type { RenewRepository } from '../db/renew-repository.js';
import type { Repository } from '../db/repository.js';
import { RecordKinds } from './kinds.js';
import { keyshareRetiredKind } from './kinds/keyshare-retired.js';
import { leafRenewalKind } from './kinds/leaf-renewal.js';
import { transferDecisionKind, type DecisionApplier } from './kinds/transfer-decision.js';
import { treeNodeKind } from './kinds/tree-node.js';
import { utxoSwapKind } from './kinds/utxo-swap.js';

export { RecordKinds, type RecordKind } from './kinds.js';
export { Replicator } from './replicator.js';

/**
 * Every kind this operator applies. `coordinator` is the identifier of the operator that decides
 * transfers and renewals; `operatorIndex` this operator's 1-based index (for fault tests' crash
 * points); `renewals` the rows a renewal changes.
 */
export function recordKinds(repo: Repository, transfers: DecisionApplier, coordinator: string, operatorIndex: number, renewals: RenewRepository): RecordKinds {
  return new RecordKinds()
    .register(treeNodeKind(repo))
    .register(keyshareRetiredKind(repo))
    .register(transferDecisionKind(transfers, coordinator, operatorIndex))
    .register(leafRenewalKind(renewals, coordinator, operatorIndex))
    .register(utxoSwapKind());
}
