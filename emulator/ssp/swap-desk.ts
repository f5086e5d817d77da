/**
 * The SSP's side of a leaf swap (docs/ssp.md, section "The swap protocol (Swap V3)"): check the
 * wallet's primary transfer and its adaptor signatures, make leaves of exactly the amounts asked
 * (this provider has no leaf-splitting on the operators, so it deposits them from its L1 wallet),
 * send them back as the counter transfer, and claim the primary's leaves.
 */
import { getSigHashFromTx, getTxFromRawTxBytes, validateOutboundAdaptorSignature } from '@buildonspark/spark-sdk';
import type { Transfer } from '@buildonspark/spark-sdk/proto/spark';
import { tweakedKey } from '../../src/crypto/index.js';
import { parsePublicKey } from './auth.js';
import { SspError } from './errors.js';
import { mintLeaves, transferTo, type ProviderDeps } from './leaf-mint.js';
import { internals } from './sdk-internals.js';
import { swapRequest } from './user-requests.js';

/** spark.TransferType / TransferStatus values (SDK src/proto/spark.ts). */
const PRIMARY_SWAP_V3 = 4;
const SENDER_KEY_TWEAK_PENDING = 1;
const MAX_LEAVES = 64;

const bad = (m: string): SspError => new SspError('INVALID_INPUT', m);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export interface SwapInput {
  adaptor_pubkey: unknown;
  total_amount_sats: unknown;
  target_amount_sats: unknown;
  fee_sats: unknown;
  user_leaves: unknown;
  user_outbound_transfer_external_id: unknown;
}

interface UserLeaf {
  leaf_id: string;
  raw_unsigned_refund_transaction: string;
  adaptor_added_signature: string;
}

function amount(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw bad(`${what} must be a positive number of satoshis`);
  return v;
}

function userLeaves(v: unknown): UserLeaf[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_LEAVES) throw bad(`user_leaves must list 1 to ${MAX_LEAVES} leaves`);
  return v.map((x: unknown) => {
    const o = (x ?? {}) as Record<string, unknown>;
    for (const f of ['leaf_id', 'raw_unsigned_refund_transaction', 'adaptor_added_signature']) {
      if (typeof o[f] !== 'string') throw bad(`user_leaves[].${f} is required`);
    }
    return o as unknown as UserLeaf;
  });
}

export type SwapDeskDeps = ProviderDeps;

export class SwapDesk {
  constructor(private readonly d: SwapDeskDeps) {}

  requestSwap(user: string, input: SwapInput): Promise<Record<string, unknown>> {
    return this.d.serial.run(() => this.swap(user, input));
  }

  private async swap(user: string, input: SwapInput): Promise<Record<string, unknown>> {
    const { d } = this;
    const adaptor = parsePublicKey(input.adaptor_pubkey, 'adaptor_pubkey');
    const total = amount(input.total_amount_sats, 'total_amount_sats');
    if (!Array.isArray(input.target_amount_sats) || input.target_amount_sats.length === 0) throw bad('target_amount_sats must list at least one amount');
    const targets = input.target_amount_sats.map((t: unknown) => amount(t, 'target_amount_sats[]'));
    if (input.fee_sats !== 0) throw bad('fee_sats must be 0: this provider charges no fee for swaps');
    const leaves = userLeaves(input.user_leaves);
    const primaryId = input.user_outbound_transfer_external_id;
    if (typeof primaryId !== 'string') throw bad('user_outbound_transfer_external_id is required');
    const rest = total - targets.reduce((a, b) => a + b, 0);
    if (rest < 0) throw bad(`the target amounts add up to more than total_amount_sats ${total}`);
    const primary = await this.checkPrimary(user, primaryId, total, leaves, adaptor);

    // Leaves of the targets, and the rest as one more leaf: the wallet gets back all it sent.
    const amounts = rest > 0 ? [...targets, rest] : targets;
    const minted = await mintLeaves(d, amounts);
    const start = await transferTo(d.wallet, parsePublicKey(d.identityPublicKey, 'identity'), parsePublicKey(user, 'user'), minted);
    const counter = await d.coordinator.counterSwapTransfer(start, primaryId, adaptor);
    const swapLeaves = counter.leaves.map((l) => ({ leaf_id: l.leaf?.id ?? '', raw_unsigned_refund_transaction: hex(l.intermediateRefundTx) }));
    const booked = d.books.record({
      kind: 'swap', user, primary: primaryId, counter: counter.id, receivedSats: primary.totalValue, paidSats: counter.totalValue, targetSats: total - rest, swapLeaves,
    });
    await this.claim(primaryId);
    return swapRequest(booked);
  }

  /**
   * The wallet's primary transfer, as the operators hold it: from this wallet to us, waiting for
   * a counter, worth `total`, with exactly the leaves named, each with a valid adaptor signature
   * of its refund for the given adaptor point (so the wallet cannot lie about what it sent).
   */
  private async checkPrimary(user: string, id: string, total: number, leaves: UserLeaf[], adaptor: Uint8Array): Promise<Transfer> {
    const { d } = this;
    const p = await internals(d.wallet).transferService.queryTransfer(id);
    if (p === undefined) throw bad(`no transfer ${id} to this provider`);
    if (p.type !== PRIMARY_SWAP_V3 || p.status !== SENDER_KEY_TWEAK_PENDING) throw bad(`transfer ${id} is not a swap primary transfer waiting for its counter transfer`);
    if (hex(p.senderIdentityPublicKey) !== user || hex(p.receiverIdentityPublicKey) !== d.identityPublicKey) throw bad(`transfer ${id} is not from this wallet to this provider`);
    if (p.totalValue !== total) throw bad(`transfer ${id} carries ${p.totalValue} sat, not total_amount_sats ${total}`);
    if (p.leaves.length !== leaves.length) throw bad(`transfer ${id} has ${p.leaves.length} leaves; user_leaves lists ${leaves.length}`);
    for (const u of leaves) {
      const l = p.leaves.find((x) => x.leaf?.id === u.leaf_id);
      const node = l?.leaf;
      if (l === undefined || node === undefined) throw bad(`leaf ${u.leaf_id} is not in transfer ${id}`);
      if (hex(l.intermediateRefundTx) !== u.raw_unsigned_refund_transaction.toLowerCase()) throw bad(`leaf ${u.leaf_id}: raw_unsigned_refund_transaction is not the refund of the transfer`);
      const sighash = getSigHashFromTx(getTxFromRawTxBytes(l.intermediateRefundTx), 0, getTxFromRawTxBytes(node.nodeTx).getOutput(0));
      try {
        validateOutboundAdaptorSignature(tweakedKey(node.verifyingPublicKey).qx, sighash, Buffer.from(u.adaptor_added_signature, 'hex'), adaptor);
      } catch (e) {
        throw bad(`leaf ${u.leaf_id}: adaptor_added_signature is not an adaptor signature of its refund for adaptor_pubkey (${(e as Error).message})`);
      }
    }
    return p;
  }

  /** Claims the primary's leaves; one that fails now stays claimable (the wallet claims pending transfers when it starts). */
  private async claim(primaryId: string): Promise<void> {
    const ts = internals(this.d.wallet).transferService;
    try {
      const settled = await ts.queryTransfer(primaryId);
      if (settled === undefined) throw new Error('the settled primary transfer is not found');
      await ts.claimTransfer(settled);
      this.d.books.record({ kind: 'claim', transfer: primaryId });
    } catch (e) {
      this.d.log(`swap primary ${primaryId}: claim failed, left for later: ${(e as Error).message}`);
    }
  }
}
