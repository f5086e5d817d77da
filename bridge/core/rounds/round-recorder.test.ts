import { describe, expect, it } from 'vitest';
import type { AggregateFrostParams, SignFrostParams, SparkSigner, SubtractSplitAndEncryptParams, SubtractSplitAndEncryptResult } from '@buildonspark/spark-sdk';
import { Ins } from '../../../src/device/apdu.js';
import { UserRejectedError } from '../../../src/device/errors.js';
import { currentRequestTag, underRequestTag } from '../../../src/signer/request-tag-node.js';
import { SerialQueue } from '../../../src/signer/serial.js';
import type { ExchangeEvent } from '../device/device-manager.js';
import type { RoundStreamEvent } from './round-model.js';
import { RoundRecorder } from './round-recorder.js';

const FROST_SIGN = 0x31;
const now = (): number => performance.timeOrigin + performance.now();

function params(tag: number, operators = 2): SignFrostParams {
  const commitment = { hiding: new Uint8Array(33).fill(tag), binding: new Uint8Array(33).fill(tag + 1) };
  const statechainCommitments: Record<string, typeof commitment> = {};
  for (let i = 0; i < operators; i++) statechainCommitments[`op${i}`] = commitment;
  return {
    message: new Uint8Array(32),
    keyDerivation: { type: 'deposit' } as SignFrostParams['keyDerivation'],
    publicKey: new Uint8Array(33),
    verifyingKey: new Uint8Array(33),
    selfCommitment: { commitment },
    statechainCommitments,
  };
}

/**
 * A signer that behaves like LedgerSparkSigner on the wire: device requests run one at a time
 * through a queue, each keeping its caller's request tag, and the wire reports the tag as the
 * device manager does. Each signFrost sends a FROST_SIGN in two chunks (the device shows the
 * request after the last) — or, with `clearThenBlind`, first a FROST_SIGN_TX the device refuses
 * as TX_UNSUPPORTED and then the blind FROST_SIGN — and waits for the test to answer.
 * subtractSplitAndEncrypt of the first split sends a TRANSFER_INTENT answered with `intentSw`.
 * Returned wrapped by the recorder (what the tests drive), with the pending device answers and
 * `answer(i)`, which waits for the i-th (0-based) FROST_SIGN to reach the device and returns a share.
 */
function fakeSigner(recorder: RoundRecorder, options: { clearThenBlind?: boolean; intentSw?: number } = {}) {
  const answers: { resolve: (v: Uint8Array) => void; reject: (e: unknown) => void }[] = [];
  const queue = new SerialQueue();
  const wire = (ins: number, p1: number, p2: number, phase: ExchangeEvent['phase'] = 'sent', sw?: number): void => {
    const tag = currentRequestTag();
    recorder.onExchange({ ins, p1, p2, phase, at: now(), ...(sw === undefined ? {} : { sw }), ...(tag === undefined ? {} : { tag }) } satisfies ExchangeEvent);
  };
  const device = <T>(task: () => Promise<T>): Promise<T> => {
    const tag = currentRequestTag();
    return queue.run(() => underRequestTag(tag, task));
  };
  let intentSent = false;
  const signer = {
    getIdentityPublicKey: () => Promise.resolve(new Uint8Array(33).fill(2)),
    signFrost: async (_p: SignFrostParams) => {
      if (options.clearThenBlind === true) {
        await device(async () => {
          wire(Ins.FROST_SIGN_TX, 0x00, 0x00);
          await new Promise((r) => setTimeout(r, 2));
          wire(Ins.FROST_SIGN_TX, 0x00, 0x00, 'answered', 0x6a8b);
        });
      }
      return await device(
        () =>
          new Promise<Uint8Array>((resolve, reject) => {
            wire(FROST_SIGN, 0x00, 0x01);
            wire(FROST_SIGN, 0x01, 0x00);
            answers.push({ resolve, reject });
          }),
      );
    },
    subtractSplitAndEncrypt: async (_p: SubtractSplitAndEncryptParams) => {
      if (!intentSent) {
        intentSent = true;
        // The batcher starts the approval on a later turn of the event loop.
        await new Promise((r) => setImmediate(r));
        await device(async () => {
          wire(Ins.TRANSFER_INTENT, 0x00, 0x01);
          wire(Ins.TRANSFER_INTENT, 0x00, 0x01, 'answered', 0x9000);
          wire(Ins.TRANSFER_INTENT, 0x01, 0x00);
          await new Promise((r) => setTimeout(r, 2));
          wire(Ins.TRANSFER_INTENT, 0x01, 0x00, 'answered', options.intentSw ?? 0x9000);
          if ((options.intentSw ?? 0x9000) !== 0x9000) throw new UserRejectedError();
        });
      }
      return { shares: [], secretCipher: new Uint8Array(0) } satisfies SubtractSplitAndEncryptResult;
    },
    aggregateFrost: (_p: AggregateFrostParams) => Promise.resolve(new Uint8Array(64).fill(9)),
  };
  const answer = async (i: number, share = new Uint8Array(32)): Promise<void> => {
    await until(() => answers.length > i);
    answers[i]?.resolve(share);
  };
  return { wrapped: recorder.wrapSigner(signer as unknown as SparkSigner), answers, answer };
}

function collect(recorder: RoundRecorder): RoundStreamEvent[] {
  const events: RoundStreamEvent[] = [];
  recorder.on('event', (e) => events.push(e));
  return events;
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  if (!cond()) throw new Error('condition not met');
}

describe('RoundRecorder', () => {
  it('records each step of a round in order, with timings, grouped under its operation', async () => {
    const recorder = new RoundRecorder();
    const events = collect(recorder);
    const { wrapped, answer } = fakeSigner(recorder);
    // Methods the recorder does not watch pass through to the signer, with its `this`.
    expect(await wrapped.getIdentityPublicKey()).toEqual(new Uint8Array(33).fill(2));
    const claim = recorder.runOperation('claim-deposit', 'deposit claim', async () => {
      const p = params(1, 3);
      const share = await wrapped.signFrost(p);
      await wrapped.aggregateFrost({ ...p, selfSignature: share, statechainSignatures: {}, statechainPublicKeys: {} } as unknown as AggregateFrostParams);
      return share;
    });
    await answer(0, new Uint8Array(32).fill(7));
    expect(await claim).toEqual(new Uint8Array(32).fill(7));

    const [round] = recorder.rounds();
    expect(round?.steps.map((s) => s.name)).toEqual(['commitments-fetched', 'device-asked', 'waiting-for-user', 'approved', 'aggregated', 'shares-sent']);
    expect(round).toMatchObject({ operationKind: 'claim-deposit', keyKind: 'deposit', operatorCount: 3, outcome: 'completed' });
    const times = round?.steps.map((s) => s.elapsedMs) ?? [];
    expect(times.every((t, i) => t >= 0 && (i === 0 || t >= (times[i - 1] ?? 0)))).toBe(true);
    const [op] = recorder.operations();
    expect(op).toMatchObject({ kind: 'claim-deposit', outcome: 'succeeded', roundIds: [round?.id] });
    // The stream: operation started, six steps, operation ended.
    expect(events.map((e) => (e.type === 'operation' ? `op:${e.operation.outcome}` : e.step.name))).toEqual([
      'op:running',
      'commitments-fetched',
      'device-asked',
      'waiting-for-user',
      'approved',
      'aggregated',
      'shares-sent',
      'op:succeeded',
    ]);
  });

  it('attributes concurrent signatures to the right rounds in the order the device receives them', async () => {
    const recorder = new RoundRecorder();
    const { wrapped, answers } = fakeSigner(recorder);
    const work = recorder.runOperation('send', 'send of 10 sats', () => Promise.all([wrapped.signFrost(params(1)), wrapped.signFrost(params(3))]));
    await until(() => answers.length === 1);
    let [first, second] = recorder.rounds();
    expect(first?.steps.at(-1)?.name).toBe('waiting-for-user');
    expect(second?.steps.map((s) => s.name)).toEqual(['commitments-fetched']);
    answers[0]?.resolve(new Uint8Array(32));
    await until(() => answers.length === 2);
    [first, second] = recorder.rounds();
    expect(first?.steps.at(-1)?.name).toBe('approved');
    expect(second?.steps.at(-1)?.name).toBe('waiting-for-user');
    answers[1]?.resolve(new Uint8Array(32));
    await work;
    expect(recorder.rounds().map((r) => r.outcome)).toEqual(['completed', 'completed']);
  });

  it('a rejection on the device ends the round as rejected; a device that went away aborts it, and the operation fails', async () => {
    const recorder = new RoundRecorder();
    const { wrapped, answers } = fakeSigner(recorder);
    const rejected = recorder.runOperation('send', 'send of 5 sats', () => wrapped.signFrost(params(1)));
    await until(() => answers.length === 1);
    answers[0]?.reject(new UserRejectedError());
    await expect(rejected).rejects.toBeInstanceOf(UserRejectedError);
    const aborted = recorder.runOperation('claim-deposit', 'deposit claim', () => wrapped.signFrost(params(5)));
    await until(() => answers.length === 2);
    answers[1]?.reject(new Error('the device disconnected during the request'));
    await expect(aborted).rejects.toThrow(/disconnected/);
    const [r1, r2] = recorder.rounds();
    expect(r1?.outcome).toBe('rejected');
    expect(r2?.outcome).toBe('aborted');
    expect(r2?.steps.at(-1)).toMatchObject({ name: 'aborted', detail: expect.stringMatching(/disconnected/) as unknown });
    expect(recorder.operations().map((o) => o.outcome)).toEqual(['failed', 'failed']);
  });

  it('an operation that fails after the device approved aborts its rounds (the shares were not accepted)', async () => {
    const recorder = new RoundRecorder();
    const { wrapped, answer } = fakeSigner(recorder);
    const op = recorder.runOperation('claim-deposit', 'deposit claim', async () => {
      await wrapped.signFrost(params(1));
      throw new Error('14 UNAVAILABLE: No connection established');
    });
    await answer(0);
    await expect(op).rejects.toThrow(/UNAVAILABLE/);
    const [round] = recorder.rounds();
    expect(round?.steps.map((s) => s.name)).toEqual(['commitments-fetched', 'device-asked', 'waiting-for-user', 'approved', 'aborted']);
    expect(round?.outcome).toBe('aborted');
  });

  it('a background round stays open after the device answered until the wallet reports the end, then closes with "shares sent"', async () => {
    const recorder = new RoundRecorder();
    const { wrapped, answer } = fakeSigner(recorder);
    const sig = wrapped.signFrost(params(1));
    await answer(0);
    await sig;
    expect(recorder.rounds()[0]).toMatchObject({ operationKind: 'background', outcome: 'in-progress' });
    expect(recorder.operations()[0]).toMatchObject({ kind: 'background', outcome: 'running' });
    recorder.endBackground('succeeded', 'the wallet claimed the incoming transfer');
    const [round] = recorder.rounds();
    expect(round?.outcome).toBe('completed');
    expect(round?.steps.map((s) => s.name)).toEqual(['commitments-fetched', 'device-asked', 'waiting-for-user', 'approved', 'shares-sent']);
    expect(recorder.operations()[0]).toMatchObject({ kind: 'background', outcome: 'succeeded' });
    // Closed once: a second report changes nothing.
    recorder.endBackground('failed', 'late');
    expect(recorder.rounds()[0]?.steps).toHaveLength(5);
  });

  it('a background round whose share the wallet aggregates closes with "aggregated"', async () => {
    const recorder = new RoundRecorder();
    const { wrapped, answer } = fakeSigner(recorder);
    const p = params(3);
    const sig = wrapped.signFrost(p);
    await answer(0);
    await sig;
    await wrapped.aggregateFrost({ selfCommitment: p.selfCommitment } as AggregateFrostParams);
    const [round] = recorder.rounds();
    expect(round?.outcome).toBe('completed');
    expect(round?.steps.at(-1)?.name).toBe('aggregated');
    expect(recorder.operations()[0]?.outcome).toBe('succeeded');
  });

  it('a background round the wallet never reports on is closed as "unconfirmed" after the grace period; one the device failed is aborted at once', async () => {
    const recorder = new RoundRecorder({ backgroundGraceMs: 30 });
    const events = collect(recorder);
    const { wrapped, answers, answer } = fakeSigner(recorder);
    const ok = wrapped.signFrost(params(5));
    await answer(0);
    await ok;
    const failed = wrapped.signFrost(params(7));
    await until(() => answers.length === 2);
    answers[1]?.reject(new Error('tcp closed'));
    await expect(failed).rejects.toThrow('tcp closed');
    await until(() => recorder.rounds().every((r) => r.outcome !== 'in-progress'));
    const [first, second] = recorder.rounds();
    expect(first?.outcome).toBe('unconfirmed');
    expect(first?.steps.at(-1)).toMatchObject({ name: 'unconfirmed' });
    expect(second?.outcome).toBe('aborted');
    expect(second?.steps.at(-1)?.name).toBe('aborted');
    expect(recorder.operations().map((o) => o.outcome)).toEqual(['failed', 'failed']);
    // The last event the UI got of each round says it is closed.
    for (const r of recorder.rounds()) {
      const last = events.filter((e) => e.type === 'round-step' && e.round.id === r.id).at(-1);
      expect(last?.type === 'round-step' && last.round.outcome).not.toBe('in-progress');
    }
  });
  it('a share the device cannot sign clearly and is asked again blind stays with its round, while other rounds wait in the queue', async () => {
    const recorder = new RoundRecorder();
    const { wrapped, answers } = fakeSigner(recorder, { clearThenBlind: true });
    const work = recorder.runOperation('claim-deposit', 'deposit claim', () => Promise.all([wrapped.signFrost(params(1)), wrapped.signFrost(params(3))]));
    await until(() => answers.length === 1);
    let [first, second] = recorder.rounds();
    expect(first?.steps.map((s) => [s.name, s.detail])).toEqual([
      ['commitments-fetched', '2 operator commitments'],
      ['device-asked', 'clear signing: the transaction sent'],
      ['device-asked', 'asked again blind: the device does not classify this transaction'],
      ['waiting-for-user', undefined],
    ]);
    // The second round's clear-signing request reached the device between the first round's two
    // requests (the queue runs it before the first round's blind retry): each went to its own round.
    expect(second?.steps.map((s) => [s.name, s.detail])).toEqual([
      ['commitments-fetched', '2 operator commitments'],
      ['device-asked', 'clear signing: the transaction sent'],
    ]);
    answers[0]?.resolve(new Uint8Array(32));
    await until(() => answers.length === 2);
    [first, second] = recorder.rounds();
    expect(first?.steps.at(-1)?.name).toBe('approved');
    expect(second?.steps.map((s) => s.name)).toEqual(['commitments-fetched', 'device-asked', 'device-asked', 'waiting-for-user']);
    answers[1]?.resolve(new Uint8Array(32));
    await work;
    expect(recorder.rounds().map((r) => r.steps.at(-1)?.name)).toEqual(['shares-sent', 'shares-sent']);
  });

  it("a send's TRANSFER_INTENT is its approval round: asked, waiting for the user, approved, in the send before its shares", async () => {
    const recorder = new RoundRecorder();
    const { wrapped, answer } = fakeSigner(recorder);
    const split = { first: { type: 'leaf', path: 'a' }, second: { type: 'random' } } as unknown as SubtractSplitAndEncryptParams;
    const send = recorder.runOperation('send', 'send of 10 sats', async () => {
      await Promise.all([wrapped.subtractSplitAndEncrypt(split), wrapped.subtractSplitAndEncrypt(split)]);
      return await wrapped.signFrost(params(1));
    });
    await answer(0);
    await send;
    const [approval, share] = recorder.rounds();
    expect(approval).toMatchObject({ kind: 'transfer-approval', operationKind: 'send', keyKind: 'transfer', operatorCount: 0, outcome: 'completed' });
    expect(approval?.steps.map((s) => s.name)).toEqual(['device-asked', 'waiting-for-user', 'approved', 'shares-sent']);
    const waited = approval?.steps[2]?.elapsedMs ?? 0;
    expect(waited).toBeGreaterThan(approval?.steps[1]?.elapsedMs ?? Infinity);
    expect(share).toMatchObject({ kind: 'frost-share', outcome: 'completed' });
    expect(share?.startedAt).toBeGreaterThanOrEqual(approval?.steps[2]?.at ?? Infinity);
    expect(recorder.operations()[0]?.roundIds).toEqual([approval?.id, share?.id]);
  });

  it('a transfer rejected on the device ends its approval round as rejected and the send fails', async () => {
    const recorder = new RoundRecorder();
    const { wrapped } = fakeSigner(recorder, { intentSw: 0x6985 });
    const split = { first: { type: 'leaf', path: 'a' }, second: { type: 'random' } } as unknown as SubtractSplitAndEncryptParams;
    await expect(recorder.runOperation('send', 'send of 10 sats', () => wrapped.subtractSplitAndEncrypt(split))).rejects.toBeInstanceOf(UserRejectedError);
    const [approval] = recorder.rounds();
    expect(approval?.steps.map((s) => s.name)).toEqual(['device-asked', 'waiting-for-user', 'rejected']);
    expect(approval?.outcome).toBe('rejected');
    expect(recorder.operations()[0]?.outcome).toBe('failed');
  });

  it('untagged exchanges (probes, requests outside any round) change no round', () => {
    const recorder = new RoundRecorder();
    recorder.onExchange({ ins: FROST_SIGN, p1: 0, p2: 0, phase: 'sent', at: now() });
    recorder.onExchange({ ins: Ins.TRANSFER_INTENT, p1: 0, p2: 0, phase: 'sent', at: now() });
    expect(recorder.rounds()).toEqual([]);
  });
});
