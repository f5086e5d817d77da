/**
 * The SSP's side of a cooperative exit (docs/ssp.md, section "Cooperative exits"): quote the fee,
 * build and sign the exit transaction (the payout to the wallet's L1 address, and the output the
 * connector transaction spends) from the SSP's own L1 wallet with the connector transaction, hold
 * it until the wallet's leaves are locked to us on the operators (cooperative_exit_v2), then
 * broadcast it and claim the leaves once it has 6 confirmations. Each request is kept in
 * `<dataDir>/exits/<transfer id>.json`, so a restart resumes where it stopped.
 *
 * Once the leaves are locked the exit must reach the chain: the request is saved as TX_SIGNED
 * before the broadcast, and a broadcast that fails (btcd unreachable, refused) is repeated with
 * backoff by the desk's loop, after a restart too, until btcd has the transaction. The wallet is
 * answered TX_SIGNED meanwhile, not an error: its leaves are no longer its to spend.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { Transaction } from '@scure/btc-signer';
import type { PreparedTx } from '../chain/funding-wallet.js';
import { addressToScript } from '../chain/regtest.js';
import { SspError } from './errors.js';
import { internals } from './sdk-internals.js';
import type { SwapDeskDeps } from './swap-desk.js';
import { sats } from './user-requests.js';

export type ExitSpeed = 'FAST' | 'MEDIUM' | 'SLOW';
const SPEEDS: readonly ExitSpeed[] = ['FAST', 'MEDIUM', 'SLOW'];

/**
 * This provider's fee schedule, in satoshis: the L1 fee it pays for the exit transaction, and its
 * own fee. Fixed per speed (regtest has no fee market; btcd relays at any fee rate).
 */
export const EXIT_FEES: Readonly<Record<ExitSpeed, { l1: number; user: number }>> = {
  FAST: { l1: 600, user: 250 },
  MEDIUM: { l1: 400, user: 150 },
  SLOW: { l1: 200, user: 100 },
};
/** Each connector output, and the connector transaction's fee-bump output (above P2WPKH dust). */
export const CONNECTOR_OUTPUT_SATS = 330;
/** Confirmations of the exit transaction before the SSP claims the leaves (the operators' rule too). */
export const EXIT_CLAIM_CONFIRMATIONS = 6;
const QUOTE_TTL_MS = 5 * 60_000;
/** How long a request waits for the wallet's cooperative_exit_v2 before its coins are released (the SDK's transfer expiry is 35 min). */
const REQUEST_TTL_MS = 40 * 60_000;
const MAX_LEAVES = 64;
/** spark.TransferType.COOPERATIVE_EXIT, spark.TransferStatus SENDER_KEY_TWEAK_PENDING / SENDER_KEY_TWEAKED */
const COOPERATIVE_EXIT = 1;
const KEY_TWEAK_PENDING = 1;
const KEY_TWEAKED = 2;

/** For fault tests only (SspConfig.faults): how this provider cheats. */
export type ExitCheat = 'short-payout' | 'unbound-connector';

const bad = (m: string): SspError => new SspError('INVALID_INPUT', m);

type Status = 'INITIATED' | 'TX_SIGNED' | 'TX_BROADCASTED' | 'SUCCEEDED' | 'EXPIRED';

/** One exit request, as kept on disk. */
interface ExitRecord {
  id: string;
  transferId: string;
  user: string;
  leafIds: string[];
  feeLeafIds: string[];
  speed: ExitSpeed;
  feeQuoteId: string | null;
  receivedSats: number;
  payoutSats: number;
  l1FeeSats: number;
  userFeeSats: number;
  exitHex: string;
  exitTxid: string;
  connectorHex: string;
  spends: PreparedTx['spends'];
  status: Status;
  createdAt: string;
  updatedAt: string;
}

interface Quote {
  id: string;
  user: string;
  leafIds: string[];
  address: string;
  totalSats: number;
  createdAt: Date;
  expiresAt: Date;
}

/** What a swap needs, and where the exits are kept. */
export interface ExitDeskDeps extends SwapDeskDeps {
  dataDir: string;
  cheat?: ExitCheat;
  /** For fault tests only: this many broadcasts of exit transactions fail before any is sent. */
  broadcastFailures?: number;
}

/** Backoff of a failed exit broadcast: doubling from 1 s up to 30 s. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;

function ids(v: unknown, what: string, allowEmpty = false): string[] {
  if (!Array.isArray(v) || (!allowEmpty && v.length === 0) || v.length > MAX_LEAVES || v.some((x) => typeof x !== 'string')) {
    throw bad(`${what} must list ${allowEmpty ? 0 : 1} to ${MAX_LEAVES} leaf ids`);
  }
  if (new Set(v).size !== v.length) throw bad(`${what} names a leaf twice`);
  return v as string[];
}

function speedOf(v: unknown): ExitSpeed {
  if (!SPEEDS.includes(v as ExitSpeed)) throw bad(`exit_speed must be one of ${SPEEDS.join(', ')}`);
  return v as ExitSpeed;
}

export class ExitDesk {
  private readonly quotes = new Map<string, Quote>();
  private readonly exits = new Map<string, ExitRecord>();
  private readonly dir: string;
  /** One exit at a time: each spends from the one L1 wallet. */
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  /** transfer id → when to broadcast a TX_SIGNED exit again, and the wait after that */
  private readonly retry = new Map<string, { at: number; waitMs: number }>();
  private failuresLeft: number;

  constructor(private readonly d: ExitDeskDeps) {
    this.failuresLeft = d.broadcastFailures ?? 0;
    this.dir = join(d.dataDir, 'exits');
    mkdirSync(this.dir, { recursive: true });
    for (const f of readdirSync(this.dir)) {
      if (!f.endsWith('.json')) continue;
      const r = JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as ExitRecord;
      this.exits.set(r.transferId, r);
      // A held exit transaction keeps its coins across a restart: nothing else may spend them.
      if (r.status === 'INITIATED' || r.status === 'TX_SIGNED') d.l1.markSpent(r.spends);
    }
  }

  /** Starts the loop that claims confirmed exits and releases abandoned requests. */
  start(intervalMs = 500): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private save(r: ExitRecord): void {
    r.updatedAt = new Date().toISOString();
    const path = join(this.dir, `${r.transferId}.json`);
    writeFileSync(`${path}.tmp`, JSON.stringify(r, null, 2));
    renameSync(`${path}.tmp`, path);
    this.exits.set(r.transferId, r);
  }

  /** The leaves' total value, once each is checked to be the caller's and available. */
  private async leavesOf(user: string, leafIds: string[]): Promise<number> {
    if (leafIds.length === 0) return 0;
    const found = await this.d.coordinator.leafValues(leafIds);
    let total = 0;
    for (const id of leafIds) {
      const l = found.find((x) => x.leafId === id);
      if (l === undefined) throw bad(`leaf ${id} does not exist`);
      if (l.owner !== user) throw bad(`leaf ${id} is not this wallet's`);
      if (l.status !== 'AVAILABLE') throw bad(`leaf ${id} is ${l.status}, not AVAILABLE`);
      total += l.value;
    }
    return total;
  }

  async quote(user: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const leafIds = ids(input.leaf_external_ids, 'leaf_external_ids');
    const address = input.withdrawal_address;
    if (typeof address !== 'string') throw bad('withdrawal_address is required');
    try {
      addressToScript(address);
    } catch {
      throw bad(`withdrawal_address ${JSON.stringify(address)} is not a regtest Bitcoin address`);
    }
    const totalSats = await this.leavesOf(user, leafIds);
    const now = new Date();
    const q: Quote = { id: `CoopExitFeeQuote:${randomUUID()}`, user, leafIds, address, totalSats, createdAt: now, expiresAt: new Date(now.getTime() + QUOTE_TTL_MS) };
    this.quotes.set(q.id, q);
    return {
      id: q.id, created_at: now.toISOString(), updated_at: now.toISOString(), network: 'REGTEST', total_amount: sats(totalSats),
      user_fee_fast: sats(EXIT_FEES.FAST.user), user_fee_medium: sats(EXIT_FEES.MEDIUM.user), user_fee_slow: sats(EXIT_FEES.SLOW.user),
      l1_broadcast_fee_fast: sats(EXIT_FEES.FAST.l1), l1_broadcast_fee_medium: sats(EXIT_FEES.MEDIUM.l1), l1_broadcast_fee_slow: sats(EXIT_FEES.SLOW.l1),
      expires_at: q.expiresAt.toISOString(),
    };
  }

  request(user: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.serialised(() => this.build(user, input));
  }

  /**
   * request_coop_exit: the exit transaction pays the wallet's address what it expects (SDK
   * spark-wallet.ts coopExit: the leaves' value less the fee when the fee is deducted, else the
   * value of leaf_external_ids with the fee paid by fee_leaf_external_ids), plus the output the
   * connector transaction spends; signed, not broadcast.
   */
  private async build(user: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { d } = this;
    const leafIds = ids(input.leaf_external_ids, 'leaf_external_ids');
    const feeLeafIds = input.fee_leaf_external_ids === null || input.fee_leaf_external_ids === undefined ? [] : ids(input.fee_leaf_external_ids, 'fee_leaf_external_ids', true);
    if (feeLeafIds.some((id) => leafIds.includes(id))) throw bad('a leaf is named both in leaf_external_ids and fee_leaf_external_ids');
    const address = input.withdrawal_address;
    if (typeof address !== 'string') throw bad('withdrawal_address is required');
    let payoutScript: Uint8Array;
    try {
      payoutScript = addressToScript(address);
    } catch {
      throw bad(`withdrawal_address ${JSON.stringify(address)} is not a regtest Bitcoin address`);
    }
    const speed = speedOf(input.exit_speed);
    const transferId = input.user_outbound_transfer_external_id;
    if (typeof transferId !== 'string' || !/^[0-9a-f-]{36}$/.test(transferId)) throw bad('user_outbound_transfer_external_id must be the UUID of the transfer the wallet will send');
    if (this.exits.has(transferId)) throw bad(`an exit for transfer ${transferId} was already requested`);
    const fee = EXIT_FEES[speed];
    const leavesSats = await this.leavesOf(user, leafIds);
    const feeLeavesSats = await this.leavesOf(user, feeLeafIds);
    const deduct = input.withdraw_all !== false;
    let payout: number;
    let feeQuoteId: string | null = null;
    if (deduct) {
      if (feeLeafIds.length > 0) throw bad('fee_leaf_external_ids are only given when the fee is not deducted (withdraw_all false)');
      payout = leavesSats - fee.l1 - fee.user;
    } else {
      if (typeof input.fee_quote_id !== 'string' || !this.quotes.has(input.fee_quote_id)) throw bad('fee_quote_id must name a quote of this provider when the fee is paid apart');
      feeQuoteId = input.fee_quote_id;
      if (feeLeavesSats !== fee.l1 + fee.user) throw bad(`fee_leaf_external_ids carry ${feeLeavesSats} sats; the ${speed} fee is ${fee.l1 + fee.user}`);
      payout = leavesSats;
    }
    if (payout < 1_000) throw bad(`the payout would be ${payout} sats: below the 1,000-sat minimum this provider pays on L1`);
    const leafCount = leafIds.length + feeLeafIds.length;
    const connectorSource = CONNECTOR_OUTPUT_SATS * (leafCount + 1);
    const paid = d.cheat === 'short-payout' ? payout - 1 : payout;
    const exit = await d.l1.prepare([{ script: payoutScript, sats: BigInt(paid) }, { script: d.l1.script, sats: BigInt(connectorSource) }], BigInt(fee.l1));
    // The connector: version 3, its one input the exit transaction's output 1 (so it exists only
    // once the exit is mined), one output per leaf and a fee-bump output, all the SSP's.
    const connector = new Transaction({ version: 3, allowUnknownOutputs: true });
    connector.addInput({ txid: d.cheat === 'unbound-connector' ? exit.spends[0]?.txid ?? exit.txid : exit.txid, index: 1 });
    for (let i = 0; i <= leafCount; i++) connector.addOutput({ script: d.l1.script, amount: BigInt(CONNECTOR_OUTPUT_SATS) });
    const now = new Date().toISOString();
    const r: ExitRecord = {
      id: `SparkCoopExitRequest:${randomUUID()}`, transferId, user, leafIds, feeLeafIds, speed, feeQuoteId,
      receivedSats: leavesSats + feeLeavesSats, payoutSats: payout, l1FeeSats: fee.l1, userFeeSats: fee.user,
      exitHex: exit.hex, exitTxid: exit.txid, connectorHex: connector.hex, spends: exit.spends, status: 'INITIATED', createdAt: now, updatedAt: now,
    };
    this.save(r);
    d.log(`cooperative exit ${transferId}: exit transaction ${exit.txid} pays ${paid} sats to ${address}, held until the leaves are locked`);
    return this.toWire(r);
  }

  /**
   * complete_coop_exit: the wallet's transfer must be on the operators as the exit needs it (a
   * cooperative exit from this wallet to us, of exactly the leaves and value requested, each
   * refund spending our connector), then the exit transaction is broadcast.
   */
  complete(user: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.serialised(async () => {
      const { d } = this;
      const transferId = input.user_outbound_transfer_external_id;
      if (typeof transferId !== 'string') throw bad('user_outbound_transfer_external_id is required');
      const r = this.exits.get(transferId);
      if (r?.user !== user) throw bad(`no cooperative exit of this wallet for transfer ${transferId}`);
      if (r.status !== 'INITIATED') return this.toWire(r);
      const t = await internals(d.wallet).transferService.queryTransfer(transferId);
      if (t === undefined) throw bad(`transfer ${transferId} is not on the operators: send it (cooperative_exit_v2) first`);
      const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
      if (t.type !== COOPERATIVE_EXIT || (t.status !== KEY_TWEAK_PENDING && t.status !== KEY_TWEAKED)) throw bad(`transfer ${transferId} is not a cooperative exit waiting for its exit transaction`);
      if (hex(t.senderIdentityPublicKey) !== user || hex(t.receiverIdentityPublicKey) !== d.identityPublicKey) throw bad(`transfer ${transferId} is not from this wallet to this provider`);
      if (t.totalValue !== r.receivedSats) throw bad(`transfer ${transferId} carries ${t.totalValue} sats, not the ${r.receivedSats} requested`);
      const wanted = [...r.leafIds, ...r.feeLeafIds].sort();
      const got = t.leaves.map((l) => l.leaf?.id ?? '').sort();
      if (wanted.join() !== got.join()) throw bad(`transfer ${transferId} does not carry exactly the leaves of the request`);
      // The connector is unsigned (no witness): its txid is the double SHA-256 of its bytes.
      const connectorTxid = Buffer.from(sha256(sha256(Buffer.from(r.connectorHex, 'hex'))).reverse()).toString('hex');
      for (const l of t.leaves) {
        const refund = Transaction.fromRaw(l.intermediateRefundTx, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true });
        const input1 = refund.inputsLength === 2 ? refund.getInput(1) : undefined;
        if (input1?.txid === undefined || Buffer.from(input1.txid).toString('hex') !== connectorTxid) throw bad(`leaf ${l.leaf?.id ?? ''}: its refund does not spend this exit's connector`);
      }
      // The leaves are locked to us: from here on the exit goes to the chain, now or by the loop.
      r.status = 'TX_SIGNED';
      this.save(r);
      await this.broadcast(r);
      return this.toWire(r);
    });
  }

  /** One attempt to send a TX_SIGNED exit; on failure the loop tries again later. */
  private async broadcast(r: ExitRecord): Promise<void> {
    const { d } = this;
    if (r.status !== 'TX_SIGNED') return;
    try {
      if (this.failuresLeft > 0) {
        this.failuresLeft--;
        throw new Error('broadcast refused by the fault hook (faults.exitBroadcastFailures)');
      }
      await d.btcd.sendRawTransaction(r.exitHex);
    } catch (e) {
      // An earlier attempt may have gone through (the answer lost): btcd knowing it is as good as sent.
      const known = await d.btcd.getRawTransaction(r.exitTxid).then(() => true, () => false);
      if (!known) {
        const waitMs = this.retry.get(r.transferId)?.waitMs ?? RETRY_FIRST_MS;
        this.retry.set(r.transferId, { at: Date.now() + waitMs, waitMs: Math.min(2 * waitMs, RETRY_MAX_MS) });
        d.log(`cooperative exit ${r.transferId}: broadcasting ${r.exitTxid} failed, again in ${waitMs} ms: ${(e as Error).message}`);
        return;
      }
    }
    this.retry.delete(r.transferId);
    r.status = 'TX_BROADCASTED';
    this.save(r);
    d.books.record({ kind: 'exit', transfer: r.transferId, exitTxid: r.exitTxid, receivedSats: r.receivedSats, paidSats: r.payoutSats, l1FeeSats: r.l1FeeSats, userFeeSats: r.userFeeSats });
    d.log(`cooperative exit ${r.transferId}: exit transaction ${r.exitTxid} broadcast`);
  }

  /** Claims the leaves of broadcast exits with enough confirmations; releases requests never sent. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const r of [...this.exits.values()]) {
        if (r.status === 'TX_SIGNED' && Date.now() >= (this.retry.get(r.transferId)?.at ?? 0)) await this.serialised(() => this.broadcast(r));
        else if (r.status === 'TX_BROADCASTED') await this.claimIfConfirmed(r);
        else if (r.status === 'INITIATED' && Date.now() - Date.parse(r.createdAt) > REQUEST_TTL_MS) await this.expire(r);
      }
    } catch (e) {
      this.d.log(`cooperative exits: ${(e as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  private async claimIfConfirmed(r: ExitRecord): Promise<void> {
    const { d } = this;
    const tx = await d.btcd.getRawTransaction(r.exitTxid).catch(() => undefined);
    if ((tx?.confirmations ?? 0) < EXIT_CLAIM_CONFIRMATIONS) return;
    const ts = internals(d.wallet).transferService;
    const t = await ts.queryTransfer(r.transferId);
    // The operators apply the exit's tweak when they see it mined: wait until they have.
    if (t?.status !== KEY_TWEAKED) return;
    try {
      await ts.claimTransfer(t);
    } catch (e) {
      d.log(`cooperative exit ${r.transferId}: claim failed, retried: ${(e as Error).message}`);
      return;
    }
    r.status = 'SUCCEEDED';
    this.save(r);
    d.books.record({ kind: 'claim', transfer: r.transferId });
    d.log(`cooperative exit ${r.transferId}: leaves claimed after ${EXIT_CLAIM_CONFIRMATIONS} confirmations`);
  }

  /** A request the wallet never followed with its transfer: its coins go back to the L1 wallet. */
  private async expire(r: ExitRecord): Promise<void> {
    const t = await internals(this.d.wallet).transferService.queryTransfer(r.transferId);
    if (t !== undefined) return;
    this.d.l1.release({ hex: r.exitHex, txid: r.exitTxid, spends: r.spends, fee: BigInt(r.l1FeeSats) });
    r.status = 'EXPIRED';
    this.save(r);
  }

  /** This wallet's exit requests, as the API reads them back (UserRequests). */
  requestsOf(user: string): Record<string, unknown>[] {
    return [...this.exits.values()].filter((r) => r.user === user).map((r) => this.toWire(r));
  }

  private toWire(r: ExitRecord): Record<string, unknown> {
    return {
      __typename: 'CoopExitRequest', id: r.id, created_at: r.createdAt, updated_at: r.updatedAt, network: 'REGTEST',
      fee: sats(r.userFeeSats), l1_broadcast_fee: sats(r.l1FeeSats), fee_quote: r.feeQuoteId === null ? null : { id: r.feeQuoteId },
      exit_speed: r.speed, status: r.status, expires_at: new Date(Date.parse(r.createdAt) + REQUEST_TTL_MS).toISOString(),
      raw_connector_transaction: r.connectorHex, raw_coop_exit_transaction: r.exitHex, coop_exit_txid: r.exitTxid,
      transfer: { total_amount: sats(r.receivedSats), spark_id: r.transferId, user_request: { __typename: 'CoopExitRequest', id: r.id } },
    };
  }

  /** Whether the file of an exit exists (for tests of restarts). */
  static hasRecord(dataDir: string, transferId: string): boolean {
    return existsSync(join(dataDir, 'exits', `${transferId}.json`));
  }
}
