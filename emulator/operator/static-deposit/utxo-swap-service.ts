/**
 * Static deposit claims on the coordinator (docs/ssp.md, section "Static deposits"; upstream
 * so/handler InitiateUtxoSwap and CreateUtxoSwap): the service provider pays a static deposit
 * address's owner leaves worth the quoted credit, and the operators sign the provider's spend of
 * the deposit output. The steps, each safe to repeat after a crash:
 *   1. checks: the output is on chain with enough confirmations and unspent, it pays a static
 *      address whose owner is the transfer's receiver, the owner signed the claim statement for
 *      the transfer's value, the caller is the transfer's sender;
 *   2. the claim row (the output, once) is stored with its replication record in one transaction
 *      and delivered; a claim whose transfer was returned may be replaced by a new one;
 *   3. the transfer to the owner, as any transfer (prepared, signed, decided on every operator);
 *   4. the spend is FROST-signed by operators that each check the committed transfer themselves.
 * A repeat of the same request after step 3 only signs again.
 *
 * And the owner's refund of an output instead (upstream so/handler static deposit handler
 * InitiateStaticDepositUtxoRefund; SDK refundStaticDeposit): the owner names the output, the
 * refund transaction and its FROST commitment; the refund row (kind 'refund', the refund's
 * sighash) is stored and replicated as a claim row is, and the operators answer their shares of
 * the refund for the wallet to add its own and aggregate. An output is claimed or refunded, never
 * both; its owner may sign further refunds of it (upstream: e.g. another fee), each under a new
 * statement.
 */
import { bytesToHex, hexToBytes } from '../crypto.js';
import type { Database, Sql } from '../db/database.js';
import type { Repository } from '../db/repository.js';
import { SENDER_PREPARED, type TransferRecord, type TransferRepository } from '../db/transfer-repository.js';
import { getUtxoSwap, putUtxoSwap, type UtxoSwapRow } from '../db/utxo-swap-repository.js';
import type { DepositAddressRow } from '../db/repository.js';
import { addressOfScript } from '../deposit/address.js';
import { output, parseTx, sighash, withKeyPathWitness, type ParsedTx } from '../deposit/transactions.js';
import { OperatorError } from '../errors.js';
import { crashPoint } from '../faults.js';
import type { SigningCommitment } from '../crypto.js';
import { jobTx } from '../signing/job.js';
import { UTXO_SWAP, utxoSwapRecordId } from '../replication/kinds/utxo-swap.js';
import type { Replicator } from '../replication/replicator.js';
import type { SigningCoordinator, WalletSigningShares } from '../signing/coordinator.js';
import type { KeyshareCache } from '../signing/keyshares.js';
import type { LeafJobs, TransferService } from '../transfer/transfer-service.js';
import type { SendPrepare } from '../transfer/types.js';
import { NETWORK_NAME, REQUEST_FIXED, REQUEST_REFUND, ownerSigned } from './statement.js';
import { STATIC_SPEND } from './spend-check.js';

const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);
const hex = (b: Uint8Array): string => bytesToHex(Uint8Array.from(b));

/** What the coordinator asks of the chain (bitcoind-style JSON-RPC, chain-watcher.ts ChainRpc). */
export interface ChainView {
  call<T>(method: string, params: unknown[]): Promise<T>;
}

/** The provider's spend of the output, with its FROST part as the address's user key. */
export interface SpendJob {
  rawTx: Uint8Array;
  userCommitment: SigningCommitment;
  userShare: Uint8Array;
  operatorCommitments: Record<string, SigningCommitment>;
}

export interface UtxoSwapRequest {
  txid: string;
  vout: number;
  creditAmountSats: bigint;
  sspSignature: Uint8Array;
  userSignature: Uint8Array;
  transfer: SendPrepare;
  transferJobs: LeafJobs[];
  spend: SpendJob;
}

/** The owner's refund of a static deposit output to an address of its choosing (initiate_static_deposit_utxo_refund). */
export interface UtxoRefundRequest {
  txid: string;
  vout: number;
  /** spark.Network of the output, as the wallet names it */
  network: number;
  /** the owner's DER signature of the refund statement (credit = the refund's outputs, tail = its sighash) */
  userSignature: Uint8Array;
  /** unsigned: version 3, one input spending the output (sequence 0xffffffff), lock time 0 */
  refundTx: Uint8Array;
  /** the static address's user key, as the wallet names it */
  userSigningPublicKey: Uint8Array;
  userCommitment: SigningCommitment;
}

export interface UtxoRefundResult extends WalletSigningShares {
  address: DepositAddressRow;
}

export interface UtxoSwapDeps {
  db: Database;
  repo: Repository;
  transferRows: TransferRepository;
  transfers: TransferService;
  signing: SigningCoordinator;
  keys: KeyshareCache;
  replicator: Pick<Replicator, 'record' | 'deliverNow'>;
  chain: ChainView | undefined;
  confirmations: number;
  index: number;
}

export class UtxoSwapService {
  /** Claims of one output take turns on this coordinator. */
  private readonly busy = new Set<string>();

  constructor(private readonly d: UtxoSwapDeps) {}

  async claim(req: UtxoSwapRequest, caller: string): Promise<{ transfer: TransferRecord; signedSpendTx: Uint8Array }> {
    return this.oneAtATime(req, () => this.claimOnce(req, caller));
  }

  async refund(req: UtxoRefundRequest, caller: string): Promise<UtxoRefundResult> {
    return this.oneAtATime(req, () => this.refundOnce(req, caller));
  }

  /** Claims and refunds of one output take turns. */
  private async oneAtATime<T>(o: { txid: string; vout: number }, run: () => Promise<T>): Promise<T> {
    const key = `${o.txid}:${o.vout}`;
    if (this.busy.has(key)) throw new OperatorError('ABORTED', `${key} is being claimed or refunded by another request; retry`);
    this.busy.add(key);
    try {
      return await run();
    } finally {
      this.busy.delete(key);
    }
  }

  /** What holds an output: a live claim, its owner's refund, or nothing (free to claim). */
  async heldAs(txid: string, vout: number): Promise<'claim' | 'refund' | undefined> {
    try {
      await this.alreadyHeld({ txid, vout, kind: 'claim', transfer_id: '', spend_sighash: '' }, this.d.db, false);
      return undefined;
    } catch (e) {
      if (!(e instanceof OperatorError) || e.code !== 'ALREADY_EXISTS') throw e;
      return (await getUtxoSwap(this.d.db, txid, vout))?.kind;
    }
  }

  /** The static address an output pays, with its owner. */
  private async staticAddress(txid: string, vout: number, script: Uint8Array): Promise<DepositAddressRow> {
    const address = addressOfScript(script);
    const addr = address === undefined ? undefined : await this.d.repo.getDepositAddress(address);
    if (addr?.is_static !== true) throw new OperatorError('NOT_FOUND', `${txid}:${vout} does not pay a static deposit address of this network`);
    return addr;
  }

  private async refundOnce(req: UtxoRefundRequest, caller: string): Promise<UtxoRefundResult> {
    const { d } = this;
    // A claimed output is refused as such, even while the provider's spend of it waits unmined.
    await this.alreadyHeld({ txid: req.txid, vout: req.vout, kind: 'refund', transfer_id: '', spend_sighash: '' }, d.db, false);
    const { deposit, amount, script } = await this.depositOutput(req.txid, req.vout);
    const addr = await this.staticAddress(req.txid, req.vout, script);
    const owner = addr.identity_public_key;
    if (owner !== caller) throw new OperatorError('PERMISSION_DENIED', `${req.txid}:${req.vout} pays a static deposit address of another identity: only its owner may refund it`);
    if (req.network !== addr.network) throw bad(`on_chain_utxo.network ${req.network} is not this network's (${addr.network})`);
    if (hex(req.userSigningPublicKey) !== addr.user_signing_public_key) throw bad('refund_tx_signing_job.signing_public_key is not the static deposit address\'s user key');
    const refund = checkRefundShape(parseTx(req.refundTx, 'refund tx'), req.txid, req.vout);
    let credit = 0n;
    for (let i = 0; i < refund.tx.outputsLength; i++) credit += output(refund, i, 'refund tx').amount;
    if (credit > amount) throw bad(`the refund pays ${credit} sat; the deposit holds ${amount}`);
    const message = sighash(refund, { script, amount });
    const statement = { network: NETWORK_NAME, txid: req.txid, vout: req.vout, requestType: REQUEST_REFUND, creditAmountSats: credit, tail: message };
    if (!ownerSigned(statement, req.userSignature, hexToBytes(owner))) throw new OperatorError('PERMISSION_DENIED', 'user_signature is not the deposit address owner\'s signature of this refund');

    await this.reserve({
      txid: req.txid, vout: req.vout, kind: 'refund', address: addr.address, owner_identity_public_key: owner, transfer_id: '',
      credit_amount_sats: Number(credit), spend_sighash: hex(message), user_signature: hex(req.userSignature), ssp_signature: '',
    });
    const shares = await d.signing.sharesForWallet({
      jobId: `static-refund-${req.txid}:${req.vout}`, keyshare: await d.keys.get(addr.keyshare_id), message, verifyingKey: hexToBytes(addr.verifying_public_key),
      user: { commitment: req.userCommitment, publicKey: hexToBytes(addr.user_signing_public_key) },
      tx: jobTx({ kind: STATIC_SPEND, tx: refund.raw, parentTx: deposit.raw, parentVout: req.vout }),
    });
    return { ...shares, address: addr };
  }

  /** The deposit transaction and its output, on chain with enough confirmations and unspent. */
  private async depositOutput(txid: string, vout: number): Promise<{ deposit: ParsedTx; amount: bigint; script: Uint8Array }> {
    const chain = this.d.chain;
    if (chain === undefined) throw new OperatorError('FAILED_PRECONDITION', 'this network watches no chain: static deposits cannot be claimed');
    let tx: { hex: string; confirmations?: number };
    try {
      tx = await chain.call<{ hex: string; confirmations?: number }>('getrawtransaction', [txid, 1]);
    } catch (e) {
      throw new OperatorError('NOT_FOUND', `transaction ${txid} is not known to the chain: ${(e as Error).message}`);
    }
    const confirmations = tx.confirmations ?? 0;
    if (confirmations < this.d.confirmations) throw new OperatorError('FAILED_PRECONDITION', `transaction ${txid} has ${confirmations} confirmations; a static deposit needs ${this.d.confirmations}`);
    const deposit = parseTx(hexToBytes(tx.hex), 'deposit tx');
    if (deposit.txid !== txid) throw new OperatorError('INTERNAL', `the chain answered another transaction for ${txid}`);
    const out = output(deposit, vout, 'deposit tx');
    if ((await chain.call<unknown>('gettxout', [txid, vout, true])) === null) throw new OperatorError('FAILED_PRECONDITION', `${txid}:${vout} is already spent on chain`);
    return { deposit, amount: out.amount, script: out.script };
  }

  private async claimOnce(req: UtxoSwapRequest, caller: string): Promise<{ transfer: TransferRecord; signedSpendTx: Uint8Array }> {
    const { d } = this;
    const t = req.transfer;
    if (hex(t.sender) !== caller) throw new OperatorError('PERMISSION_DENIED', 'the transfer\'s owner_identity_public_key is not the authenticated identity');
    const { deposit, amount, script } = await this.depositOutput(req.txid, req.vout);
    const addr = await this.staticAddress(req.txid, req.vout, script);
    const owner = addr.identity_public_key;
    if (hex(t.receiver) !== owner) throw new OperatorError('PERMISSION_DENIED', 'the transfer does not pay the static deposit address\'s owner');
    const leaves = await d.repo.listTreeNodesByIds(t.leaves.map((l) => l.leafId), []);
    const value = leaves.reduce((a, n) => a + Number(n.value), 0);
    if (BigInt(value) !== req.creditAmountSats) throw bad(`the transfer carries ${value} sat; the claim credits ${req.creditAmountSats}`);
    if (req.creditAmountSats > amount) throw bad(`the claim credits ${req.creditAmountSats} sat; the deposit holds ${amount}`);
    const statement = { network: NETWORK_NAME, txid: req.txid, vout: req.vout, requestType: REQUEST_FIXED, creditAmountSats: req.creditAmountSats, tail: req.sspSignature };
    if (!ownerSigned(statement, req.userSignature, hexToBytes(owner))) throw new OperatorError('PERMISSION_DENIED', 'user_signature is not the deposit address owner\'s signature of this claim');
    const spend = parseTx(req.spend.rawTx, 'spend tx');
    const input = spend.tx.getInput(0);
    if (spend.tx.inputsLength !== 1 || input.txid === undefined || hex(input.txid) !== req.txid || input.index !== req.vout) throw bad(`the spend tx must have one input, spending ${req.txid}:${req.vout}`);

    await this.reserve({
      txid: req.txid, vout: req.vout, kind: 'claim', address: addr.address, owner_identity_public_key: owner, transfer_id: t.transferId,
      credit_amount_sats: Number(req.creditAmountSats), spend_sighash: '', user_signature: hex(req.userSignature), ssp_signature: hex(req.sspSignature),
    });
    crashPoint(d.index, 'static:reserved');
    const transfer = await this.pay(t, req.transferJobs);
    crashPoint(d.index, 'static:paid');

    const spent = { script, amount };
    const [signed] = await d.signing.sign([{
      jobId: `static-${req.txid}:${req.vout}`, keyshare: await d.keys.get(addr.keyshare_id), message: sighash(spend, spent),
      verifyingKey: hexToBytes(addr.verifying_public_key), operatorCommitments: req.spend.operatorCommitments,
      user: { commitment: req.spend.userCommitment, publicKey: hexToBytes(addr.user_signing_public_key), share: req.spend.userShare },
      tx: jobTx({ kind: STATIC_SPEND, tx: spend.raw, parentTx: deposit.raw, parentVout: req.vout, transferId: t.transferId }),
    }]);
    return { transfer, signedSpendTx: withKeyPathWitness(spend, signed as Uint8Array) };
  }

  /**
   * Step 2: the output's claim or refund row, here and for every peer, unless another live claim
   * holds it or (for a claim) a refund does. A refund replaces the owner's earlier refund.
   */
  private async reserve(row: UtxoSwapRow): Promise<void> {
    const { d } = this;
    await d.db.transaction(async (sql) => {
      if (await this.alreadyHeld(row, sql)) return;
      await putUtxoSwap(sql, row);
      await d.replicator.record(sql, UTXO_SWAP, utxoSwapRecordId(row), row);
    });
    await d.replicator.deliverNow();
  }

  /**
   * Whether the output's row is already this one (true: nothing to store); throws ALREADY_EXISTS
   * when another live claim holds it, or a refund holds it against a claim.
   */
  private async alreadyHeld(row: Pick<UtxoSwapRow, 'txid' | 'vout' | 'kind' | 'transfer_id' | 'spend_sighash'>, sql: Sql = this.d.db, lock = true): Promise<boolean> {
    const held = await getUtxoSwap(sql, row.txid, row.vout, lock);
    if (held === undefined) return false;
    if (held.kind === 'refund') {
      if (row.kind === 'claim') throw new OperatorError('ALREADY_EXISTS', `${row.txid}:${row.vout} was refunded to its owner; it cannot be claimed`);
      return held.spend_sighash === row.spend_sighash; // the same refund again, or the owner's new one
    }
    if (row.kind === 'claim' && held.transfer_id === row.transfer_id) return true; // the same claim again
    const t = await this.d.transferRows.get(held.transfer_id, sql);
    if (t === undefined || t.status === 'RETURNED' || t.status === 'EXPIRED') return false;
    throw new OperatorError('ALREADY_EXISTS', row.kind === 'claim'
      ? `${row.txid}:${row.vout} was already claimed (transfer ${held.transfer_id})`
      : `${row.txid}:${row.vout} was already claimed through the service provider (transfer ${held.transfer_id}); it cannot be refunded`);
  }

  /** Step 3: the transfer to the owner, or the one already committed for this claim. */
  private async pay(t: SendPrepare, jobs: LeafJobs[]): Promise<TransferRecord> {
    const existing = await this.d.transferRows.get(t.transferId);
    if (existing === undefined) return this.d.transfers.startTransfer({ ...t, utxoSwap: true }, jobs);
    if (SENDER_PREPARED.includes(existing.status) || existing.status === 'RETURNED' || existing.status === 'EXPIRED') {
      throw new OperatorError('FAILED_PRECONDITION', `transfer ${t.transferId} of this claim is ${existing.status}: claim again with a new transfer`);
    }
    return existing;
  }
}

/**
 * The refund's shape as upstream checks it (validateStaticDepositSingleInputTx): version 3, one
 * input spending exactly the output with sequence 0xffffffff and no script, lock time 0.
 */
function checkRefundShape(p: ParsedTx, txid: string, vout: number): ParsedTx {
  const input = p.tx.getInput(0);
  if (p.tx.inputsLength !== 1 || input.txid === undefined || hex(input.txid) !== txid || input.index !== vout) throw bad(`the refund tx must have one input, spending ${txid}:${vout}`);
  if (p.tx.version !== 3) throw bad(`the refund tx must be version 3, not ${p.tx.version}`);
  if ((input.sequence ?? 0xffffffff) !== 0xffffffff) throw bad('the refund tx\'s input must have sequence 0xffffffff');
  if (p.tx.lockTime !== 0) throw bad('the refund tx must have lock time 0');
  return p;
}
