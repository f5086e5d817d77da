import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { AggregateFrostParams, SignFrostParams, SparkSigner, SubtractSplitAndEncryptParams, SubtractSplitAndEncryptResult } from '@buildonspark/spark-sdk';
import { ChunkP1, ChunkP2, Ins } from '../../../src/device/apdu.js';
import { UserRejectedError } from '../../../src/device/errors.js';
import { StatusWord } from '../../../src/device/status.js';
import { withRequestTag } from '../../../src/signer/request-tag-node.js';
import { preciseNow } from '../clock.js';
import { BridgeError, messageOf } from '../errors.js';
import { TypedEmitter } from '../events.js';
import type { ExchangeEvent } from '../device/device-manager.js';
import type { Operation, OperationKind, RoundKind, RoundStep, RoundStepName, RoundStreamEvent, SigningRound } from './round-model.js';

const KEPT_ROUNDS = 500;
const KEPT_OPERATIONS = 100;
/** How long a background round may wait, after the device's share, for the wallet to report its work's end. */
const BACKGROUND_GRACE_MS = 120_000;

export interface RoundRecorderEvents extends Record<string, unknown> {
  event: RoundStreamEvent;
}

export { preciseNow };

function commitmentKey(c: { hiding: Uint8Array; binding: Uint8Array }): string {
  return Buffer.from(c.hiding).toString('hex') + Buffer.from(c.binding).toString('hex');
}

/** The request tag under which an operation's key splits, and so its transfer approval, reach the device. */
const APPROVAL_TAG = 'transfer-approval:';

/**
 * Records signing rounds as they happen, from two vantage points: the SparkSigner calls the SDK
 * wallet makes (wrapSigner) and the APDU exchanges the device manager carries (onExchange).
 * Operations are attributed through AsyncLocalStorage, so signer calls the SDK makes inside
 * wallet.claimDeposit belong to that claim and those it makes on its own are "background".
 * Each signFrost runs under its round's id as request tag (src/signer/request-tag.ts): the
 * signer keeps the tag with the requests it queues, the device manager reports it with every
 * exchange, and the steps seen on the wire go to the round the tag names — whatever the order in
 * which the queue runs requests, and also when a clear-signing request (FROST_SIGN_TX) the device
 * cannot classify is asked again blind (FROST_SIGN). A send's key splits run under the
 * operation's approval tag, so the TRANSFER_INTENT they start is the send's approval round.
 */
export class RoundRecorder extends TypedEmitter<RoundRecorderEvents> {
  private readonly roundsById = new Map<string, SigningRound>();
  private readonly roundByCommitment = new Map<string, SigningRound>();
  private readonly operationsById = new Map<string, Operation>();
  private readonly context = new AsyncLocalStorage<Operation>();
  /** The approval round of each operation's TRANSFER_INTENT, by approval tag (the latest one). */
  private readonly approvals = new Map<string, SigningRound>();
  private readonly now: () => number;
  private readonly backgroundGraceMs: number;
  /** Background rounds the device answered, waiting for the wallet to report their work's end. */
  private readonly openBackground = new Map<string, { round: SigningRound; op: Operation; timer: NodeJS.Timeout }>();

  constructor(options: { now?: () => number; backgroundGraceMs?: number } = {}) {
    super();
    this.now = options.now ?? preciseNow;
    this.backgroundGraceMs = options.backgroundGraceMs ?? BACKGROUND_GRACE_MS;
  }

  /**
   * The wallet reported the end of its background work (e.g. the SDK's "transfer:claimed" after
   * a claim of an incoming transfer): every background round still open is closed with it,
   * "shares-sent" when it succeeded, "aborted" when it failed.
   */
  endBackground(outcome: 'succeeded' | 'failed', detail: string): void {
    for (const { round, op, timer } of [...this.openBackground.values()]) {
      clearTimeout(timer);
      this.closeBackground(round, op, outcome === 'succeeded' ? 'shares-sent' : 'aborted', detail);
    }
  }

  /** Stops the grace timers (the bridge is closing); open background rounds stay as they are. */
  dispose(): void {
    for (const { timer } of this.openBackground.values()) clearTimeout(timer);
    this.openBackground.clear();
  }

  private closeBackground(round: SigningRound, op: Operation, name: RoundStepName, detail: string): void {
    this.openBackground.delete(round.id);
    if (round.outcome === 'in-progress') this.step(round, name, detail);
    op.endedAt = this.now();
    op.outcome = round.outcome === 'completed' ? 'succeeded' : 'failed';
    this.publish({ type: 'operation', operation: { ...op, roundIds: [...op.roundIds] } });
  }

  rounds(): SigningRound[] {
    return [...this.roundsById.values()].map(cloneRound);
  }

  operations(): Operation[] {
    return [...this.operationsById.values()].map((o) => ({ ...o, roundIds: [...o.roundIds] }));
  }

  /** Runs a wallet operation; the rounds its signer calls make are grouped under it. */
  async runOperation<T>(kind: OperationKind, label: string, work: () => Promise<T>): Promise<T> {
    const op = this.newOperation(kind, label);
    try {
      const result = await this.context.run(op, work);
      this.endOperation(op, undefined);
      return result;
    } catch (err) {
      this.endOperation(op, err);
      throw err;
    }
  }

  /** The same signer, reporting each FROST signature it contributes, and each transfer approval, as a round. */
  wrapSigner(signer: SparkSigner): SparkSigner {
    const signFrost = (params: SignFrostParams): Promise<Uint8Array> => this.signFrost(signer, params);
    const aggregateFrost = (params: AggregateFrostParams): Promise<Uint8Array> => this.aggregateFrost(signer, params);
    const subtractSplitAndEncrypt = (params: SubtractSplitAndEncryptParams): Promise<SubtractSplitAndEncryptResult> => {
      const op = this.context.getStore();
      const split = (): Promise<SubtractSplitAndEncryptResult> => signer.subtractSplitAndEncrypt(params);
      return op === undefined ? split() : withRequestTag(APPROVAL_TAG + op.id, split);
    };
    return new Proxy(signer, {
      get(target, prop, receiver) {
        if (prop === 'signFrost') return signFrost;
        if (prop === 'aggregateFrost') return aggregateFrost;
        if (prop === 'subtractSplitAndEncrypt') return subtractSplitAndEncrypt;
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** Feeds the device manager's exchanges: when a tagged request reaches the device, its screen, and its answer. */
  onExchange(e: ExchangeEvent): void {
    if (e.tag === undefined) return;
    if (e.ins === Ins.TRANSFER_INTENT && e.tag.startsWith(APPROVAL_TAG)) {
      this.onApprovalExchange(e, e.tag);
      return;
    }
    if (e.ins !== Ins.FROST_SIGN && e.ins !== Ins.FROST_SIGN_TX) return;
    const round = this.roundsById.get(e.tag);
    if (round === undefined || round.outcome !== 'in-progress' || e.phase !== 'sent') return;
    if (e.p1 === ChunkP1.FIRST) {
      const again = round.steps.some((s) => s.name === 'device-asked');
      const detail =
        e.ins === Ins.FROST_SIGN_TX
          ? 'clear signing: the transaction sent'
          : again
            ? 'asked again blind: the device does not classify this transaction'
            : 'blind signing: the sighash sent';
      this.step(round, 'device-asked', detail, e.at);
    }
    // A blind share is reviewed on the screen. A clear-signed one is sent by the signer only for a
    // transaction that pays the user or fits the approved transfer, which the device signs with
    // no screen (device-app/PROTOCOL.md, section "0x34 FROST_SIGN_TX (clear signing of a FROST share)").
    if (e.p2 === ChunkP2.LAST && e.ins === Ins.FROST_SIGN) this.step(round, 'waiting-for-user', undefined, e.at);
  }

  /** TRANSFER_INTENT: the send's one approval on the device (total and receiver), a round without a share. */
  private onApprovalExchange(e: ExchangeEvent, tag: string): void {
    if (e.phase === 'sent' && e.p1 === ChunkP1.FIRST) {
      const op = this.operationsById.get(tag.slice(APPROVAL_TAG.length));
      if (op === undefined) return;
      const round = this.newRound(op, 'transfer-approval', 'transfer', 0, e.at);
      this.approvals.set(tag, round);
      trim(this.approvals, KEPT_OPERATIONS);
      this.step(round, 'device-asked', 'the transfer\'s leaves and receiver sent', e.at);
    }
    const round = this.approvals.get(tag);
    if (round === undefined || round.outcome !== 'in-progress') return;
    if (e.phase === 'sent' && e.p2 === ChunkP2.LAST) this.step(round, 'waiting-for-user', 'Send: total and receiver on the screen', e.at);
    if (e.phase === 'failed') this.step(round, 'aborted', 'the device went away during the transfer\'s review', e.at);
    if (e.phase !== 'answered' || (e.p2 !== ChunkP2.LAST && e.sw === StatusWord.OK)) return;
    if (e.sw === StatusWord.OK) this.step(round, 'approved', 'the transfer approved on the device', e.at);
    else if (e.sw === StatusWord.DENIED) this.step(round, 'rejected', 'the transfer rejected on the device', e.at);
    else this.step(round, 'aborted', `the device refused the transfer (status 0x${(e.sw ?? 0).toString(16)})`, e.at);
  }

  private async signFrost(signer: SparkSigner, params: SignFrostParams): Promise<Uint8Array> {
    const op = this.context.getStore() ?? this.newOperation('background', 'background work by the wallet');
    const round = this.newRound(op, 'frost-share', String(params.keyDerivation.type).toLowerCase(), Object.keys(params.statechainCommitments ?? {}).length);
    this.roundByCommitment.set(commitmentKey(params.selfCommitment.commitment), round);
    trim(this.roundByCommitment, KEPT_ROUNDS);
    this.step(round, 'commitments-fetched', `${round.operatorCount} operator commitments`, round.startedAt);
    try {
      const share = await withRequestTag(round.id, () => signer.signFrost(params));
      const reviewed = round.steps.some((s) => s.name === 'waiting-for-user');
      this.step(round, 'approved', reviewed ? 'approved on the device' : 'signed by the device without a screen of its own (clear signing)');
      return share;
    } catch (err) {
      const rejected = err instanceof UserRejectedError;
      this.step(round, rejected ? 'rejected' : 'aborted', rejected ? 'rejected on the device' : messageOf(err));
      throw err;
    } finally {
      // Work the SDK starts by itself (e.g. claiming an incoming transfer) has no operation
      // boundary the bridge sees: a failed round is closed above; an answered one stays open
      // until the wallet reports the work's end (endBackground), its share is aggregated here,
      // or the grace period ends — so no round is left open on the timeline.
      if (op.kind === 'background' && round.outcome === 'in-progress') {
        const timer = setTimeout(
          () => this.closeBackground(round, op, 'unconfirmed', `the wallet did not report the end of this background work within ${Math.round(this.backgroundGraceMs / 1000)} s`),
          this.backgroundGraceMs,
        );
        timer.unref();
        this.openBackground.set(round.id, { round, op, timer });
      } else if (op.kind === 'background') {
        this.closeBackground(round, op, 'aborted', 'the device gave no share');
      }
    }
  }

  private async aggregateFrost(signer: SparkSigner, params: AggregateFrostParams): Promise<Uint8Array> {
    const signature = await signer.aggregateFrost(params);
    const round = this.roundByCommitment.get(commitmentKey(params.selfCommitment.commitment));
    if (round === undefined) return signature;
    const background = this.openBackground.get(round.id);
    if (background === undefined) {
      this.step(round, 'aggregated');
      return signature;
    }
    // A background round's signature exists: that closes the round (the work's end is the wallet's).
    clearTimeout(background.timer);
    round.outcome = 'completed';
    this.step(round, 'aggregated');
    this.closeBackground(round, background.op, 'aggregated', '');
    return signature;
  }

  private newOperation(kind: OperationKind, label: string): Operation {
    const op: Operation = { id: randomUUID(), kind, label, startedAt: this.now(), outcome: 'running', roundIds: [] };
    this.operationsById.set(op.id, op);
    trim(this.operationsById, KEPT_OPERATIONS);
    this.publish({ type: 'operation', operation: { ...op, roundIds: [] } });
    return op;
  }

  private endOperation(op: Operation, err: unknown): void {
    op.endedAt = this.now();
    op.outcome = err === undefined ? 'succeeded' : 'failed';
    if (err !== undefined) {
      op.error = { code: err instanceof BridgeError ? err.code : 'WALLET_FAILED', message: messageOf(err) };
    }
    for (const id of op.roundIds) {
      const round = this.roundsById.get(id);
      if (round === undefined || round.outcome !== 'in-progress') continue;
      if (err === undefined) this.step(round, 'shares-sent');
      else this.step(round, 'aborted', `the ${op.label} failed: ${messageOf(err)}`);
    }
    this.publish({ type: 'operation', operation: { ...op, roundIds: [...op.roundIds] } });
  }

  private newRound(op: Operation, kind: RoundKind, keyKind: string, operatorCount: number, startedAt: number = this.now()): SigningRound {
    const round: SigningRound = { id: randomUUID(), kind, operationId: op.id, operationKind: op.kind, keyKind, operatorCount, startedAt, steps: [], outcome: 'in-progress' };
    op.roundIds.push(round.id);
    this.roundsById.set(round.id, round);
    trim(this.roundsById, KEPT_ROUNDS);
    return round;
  }

  private step(round: SigningRound, name: RoundStepName, detail?: string, at: number = this.now()): void {
    const step: RoundStep = { name, at, elapsedMs: at - round.startedAt, ...(detail === undefined ? {} : { detail }) };
    round.steps.push(step);
    if (name === 'shares-sent') round.outcome = 'completed';
    else if (name === 'rejected') round.outcome = 'rejected';
    else if (name === 'aborted') round.outcome = 'aborted';
    else if (name === 'unconfirmed') round.outcome = 'unconfirmed';
    this.publish({ type: 'round-step', round: cloneRound(round), step: { ...step } });
  }

  private publish(event: RoundStreamEvent): void {
    this.emit('event', event);
  }
}

function cloneRound(r: SigningRound): SigningRound {
  return { ...r, steps: r.steps.map((s) => ({ ...s })) };
}

function trim<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done === true) return;
    map.delete(oldest.value);
  }
}
