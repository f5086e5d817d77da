import { describe, expect, it } from 'vitest';
import type { AggregateFrostParams, SignFrostParams, SparkSigner } from '@buildonspark/spark-sdk';
import { UserRejectedError } from '../../../src/device/errors.js';
import type { ExchangeEvent } from '../device/device-manager.js';
import type { RoundStreamEvent } from './round-model.js';
import { RoundRecorder } from './round-recorder.js';

const FROST_SIGN = 0x31;

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
 * A signer that behaves like LedgerSparkSigner on the wire: each signFrost sends a FROST_SIGN in
 * two chunks (the device shows the request after the last) and waits for the test to answer.
 */
function fakeSigner(recorder: RoundRecorder) {
  const answers: { resolve: (v: Uint8Array) => void; reject: (e: unknown) => void }[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  const wire = (p1: number, p2: number): void => recorder.onExchange({ ins: FROST_SIGN, p1, p2, phase: 'sent', at: performance.timeOrigin + performance.now() } satisfies ExchangeEvent);
  const signer = {
    getIdentityPublicKey: () => Promise.resolve(new Uint8Array(33).fill(2)),
    signFrost: (_p: SignFrostParams) => {
      const run = queue.then(
        () =>
          new Promise<Uint8Array>((resolve, reject) => {
            wire(0x00, 0x01);
            wire(0x01, 0x00);
            answers.push({ resolve, reject });
          }),
      );
      queue = run.catch(() => undefined);
      return run;
    },
    aggregateFrost: (_p: AggregateFrostParams) => Promise.resolve(new Uint8Array(64).fill(9)),
  };
  return { signer: signer as unknown as SparkSigner, answers };
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
    const { signer, answers } = fakeSigner(recorder);
    const wrapped = recorder.wrapSigner(signer);
    // Methods the recorder does not watch pass through to the signer, with its `this`.
    expect(await wrapped.getIdentityPublicKey()).toEqual(new Uint8Array(33).fill(2));
    const claim = recorder.runOperation('claim-deposit', 'deposit claim', async () => {
      const p = params(1, 3);
      const share = await wrapped.signFrost(p);
      await wrapped.aggregateFrost({ ...p, selfSignature: share, statechainSignatures: {}, statechainPublicKeys: {} } as unknown as AggregateFrostParams);
      return share;
    });
    await until(() => answers.length === 1);
    answers[0]?.resolve(new Uint8Array(32).fill(7));
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
    const { signer, answers } = fakeSigner(recorder);
    const wrapped = recorder.wrapSigner(signer);
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
    const { signer, answers } = fakeSigner(recorder);
    const wrapped = recorder.wrapSigner(signer);
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
    const { signer, answers } = fakeSigner(recorder);
    const wrapped = recorder.wrapSigner(signer);
    const op = recorder.runOperation('claim-deposit', 'deposit claim', async () => {
      await wrapped.signFrost(params(1));
      throw new Error('14 UNAVAILABLE: No connection established');
    });
    await until(() => answers.length === 1);
    answers[0]?.resolve(new Uint8Array(32));
    await expect(op).rejects.toThrow(/UNAVAILABLE/);
    const [round] = recorder.rounds();
    expect(round?.steps.map((s) => s.name)).toEqual(['commitments-fetched', 'device-asked', 'waiting-for-user', 'approved', 'aborted']);
    expect(round?.outcome).toBe('aborted');
  });

  it('a background round stays open after the device answered until the wallet reports the end, then closes with "shares sent"', async () => {
    const recorder = new RoundRecorder();
    const { signer, answers } = fakeSigner(recorder);
    const wrapped = recorder.wrapSigner(signer);
    const sig = wrapped.signFrost(params(1));
    await until(() => answers.length === 1);
    answers[0]?.resolve(new Uint8Array(32));
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
    const { signer, answers } = fakeSigner(recorder);
    const wrapped = recorder.wrapSigner(signer);
    const p = params(3);
    const sig = wrapped.signFrost(p);
    await until(() => answers.length === 1);
    answers[0]?.resolve(new Uint8Array(32));
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
    const { signer, answers } = fakeSigner(recorder);
    const wrapped = recorder.wrapSigner(signer);
    const ok = wrapped.signFrost(params(5));
    await until(() => answers.length === 1);
    answers[0]?.resolve(new Uint8Array(32));
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
});
