/**
 * The provider's user requests as the SDK reads them back (docs/ssp.md, section "What is
 * offered"): `transfers(transfer_spark_ids)` (the wallet's getTransfers / getTransfer) and
 * `user_request(request_id)` (getLeaveSwapRequest, getCoopExitRequest). Built from what the desks
 * already keep: swaps and static claims from the books, exits from the exit desk's records. A
 * wallet sees only its own requests; an id the provider does not know is left out, which the SDK
 * reads as a transfer without a user request.
 */
import type { DatedEntry } from './books.js';
import { STATIC_SPEND_FEE_SATS } from './fees.js';

export type Wire = Record<string, unknown>;

export const sats = (n: number): { original_value: number; original_unit: 'SATOSHI' } => ({ original_value: n, original_unit: 'SATOSHI' });

/** A Transfer of the API: the operators' transfer id, its value, and the request it belongs to. */
const transfer = (sparkId: string, value: number, requestId: string, typename: string): Wire =>
  ({ total_amount: sats(value), spark_id: sparkId, user_request: { __typename: typename, id: requestId } });

type SwapEntry = Extract<DatedEntry, { kind: 'swap' }>;
type StaticEntry = Extract<DatedEntry, { kind: 'static_claim' }>;

/** The LeavesSwapRequest of a booked swap (also request_swap's answer). It settled when booked. */
export function swapRequest(e: Omit<SwapEntry, 'kind'>): Wire {
  const id = `SparkLeavesSwapRequest:${e.counter}`;
  const t = 'LeavesSwapRequest';
  return {
    __typename: t, id, created_at: e.at, updated_at: e.at, network: 'REGTEST', status: 'SUCCEEDED',
    total_amount: sats(e.receivedSats), target_amount: sats(e.targetSats), fee: sats(0), expires_at: null,
    inbound_transfer: transfer(e.counter, e.paidSats, id, t), outbound_transfer: transfer(e.primary, e.receivedSats, id, t),
    swap_leaves: e.swapLeaves,
  };
}

/**
 * The ClaimStaticDeposit of a booked static claim. Booked once the operators paid the wallet and
 * signed the provider's spend, so its status is SPEND_TX_CREATED (the broadcast that follows is
 * retried from the books if it fails). The fee is the spend's, the only one this provider takes.
 */
function staticClaim(e: StaticEntry): Wire {
  const [txid, vout] = e.utxo.split(':');
  return {
    __typename: 'ClaimStaticDeposit', id: `ClaimStaticDeposit:${e.transfer}`, created_at: e.at, updated_at: e.at, network: 'REGTEST',
    credit_amount: sats(e.paidSats), max_fee: sats(Number(STATIC_SPEND_FEE_SATS)), status: 'SPEND_TX_CREATED',
    transaction_id: txid, output_index: Number(vout), bitcoin_network: 'REGTEST', transfer_spark_id: e.transfer,
  };
}

/** A user request and the Transfers (by operator transfer id) that belong to it. */
interface Held {
  request: Wire;
  transfers: Map<string, Wire>;
}

export interface UserRequestSources {
  /** the books' lines */
  entries(): DatedEntry[];
  /** the wallet's cooperative exits, as CoopExitRequest objects (with their `transfer`) */
  exitsOf(user: string): Wire[];
}

export class UserRequests {
  constructor(private readonly src: UserRequestSources) {}

  private heldBy(user: string): Held[] {
    const held: Held[] = [];
    for (const e of this.src.entries()) {
      if (e.kind === 'swap' && e.user === user) {
        const request = swapRequest(e);
        held.push({ request, transfers: new Map([[e.primary, request.outbound_transfer as Wire], [e.counter, request.inbound_transfer as Wire]]) });
      } else if (e.kind === 'static_claim' && e.user === user) {
        const request = staticClaim(e);
        held.push({ request, transfers: new Map([[e.transfer, transfer(e.transfer, e.paidSats, request.id as string, 'ClaimStaticDeposit')]]) });
      }
    }
    for (const request of this.src.exitsOf(user)) {
      const t = request.transfer as Wire & { spark_id: string };
      held.push({ request, transfers: new Map([[t.spark_id, t]]) });
    }
    return held;
  }

  /** The Transfers of `ids` that belong to this wallet's requests, each with its request, in the order asked. */
  transfers(user: string, ids: readonly string[]): Wire[] {
    const held = this.heldBy(user);
    return ids.flatMap((id) => {
      const h = held.find((x) => x.transfers.has(id));
      return h === undefined ? [] : [{ ...h.transfers.get(id), user_request: h.request }];
    });
  }

  /** The wallet's request of that id, or null. */
  byId(user: string, id: string): Wire | null {
    return this.heldBy(user).find((h) => h.request.id === id)?.request ?? null;
  }
}
