/**
 * The SSP's books: one JSON line per movement in `<dataDir>/books.jsonl`, appended as it
 * happens, so what it received and paid out can be checked against each other and against the
 * chain (docs/ssp.md, section "Fees").
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export type BookEntry =
  /** leaves made from the SSP's L1 coins (one deposit per leaf, in transaction `txid`) */
  | { kind: 'mint'; txid: string; sats: number }
  /**
   * a swap by wallet `user`: its primary transfer (received) against the counter transfer (paid),
   * the target amounts' sum and the counter's leaves, as the swap request answered them
   */
  | { kind: 'swap'; user: string; primary: string; counter: string; receivedSats: number; paidSats: number; targetSats: number; swapLeaves: SwapLeafWire[] }
  /** the primary transfer's (or a cooperative exit's) leaves claimed into the SSP's wallet */
  | { kind: 'claim'; transfer: string }
  /**
   * a cooperative exit: the wallet's leaves (received, in transfer `transfer`) against the payout
   * to its L1 address and the fees, in exit transaction `exitTxid`:
   * receivedSats = paidSats + l1FeeSats + userFeeSats. The connector outputs stay the SSP's coins.
   */
  | { kind: 'exit'; transfer: string; exitTxid: string; receivedSats: number; paidSats: number; l1FeeSats: number; userFeeSats: number }
  /**
   * a static deposit claimed (docs/ssp.md, section "Static deposits"): the leaf paid to wallet
   * `user` in `transfer`, and the provider's signed spend of the deposit output `utxo` to its L1
   * wallet (`spendTx`, kept to broadcast again if need be), which receives `receivedSats`
   */
  | { kind: 'static_claim'; user: string; utxo: string; transfer: string; paidSats: number; receivedSats: number; spendTx: string };

/** A leaf of a swap's counter transfer, as the SSP's GraphQL API names it (SwapLeaf). */
export interface SwapLeafWire {
  leaf_id: string;
  raw_unsigned_refund_transaction: string;
}

/** A book line: the entry and when it was written. */
export type DatedEntry = BookEntry & { at: string };

export class Books {
  constructor(private readonly path: string) {}

  record<E extends BookEntry>(e: E): E & { at: string } {
    const dated = { at: new Date().toISOString(), ...e };
    appendFileSync(this.path, `${JSON.stringify(dated)}\n`);
    return dated;
  }

  entries(): DatedEntry[] {
    if (!existsSync(this.path)) return [];
    return readFileSync(this.path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as DatedEntry);
  }
}
