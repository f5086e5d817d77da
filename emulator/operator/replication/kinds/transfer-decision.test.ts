/**
 * The transfer_decision record kind without a network: its payload survives the JSON round trip
 * the outbox puts it through, a malformed payload is refused by field, and only the coordinator's
 * decisions are applied, each by the matching step of the participant (whose own checks the
 * network tests exercise in test/network/transfer-faults.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Sql } from '../../db/database.js';
import { OperatorError } from '../../errors.js';
import type { Decision } from '../../transfer/types.js';
import { toTransferDecisionPayload, transferDecisionKind, transferDecisionRecordId, type DecisionApplier } from './transfer-decision.js';

const COORDINATOR = '0'.repeat(63) + '1';
const PEER = '0'.repeat(63) + '2';
const TRANSFER = '0b9f3c1e-6a44-4d2a-9c39-5d2f3e7a8b10';

const decision: Decision = {
  transferId: TRANSFER,
  tweakDigest: Uint8Array.from({ length: 32 }, (_, i) => i),
  signed: [
    { leafId: 'leaf-1', refundTx: Uint8Array.of(1, 2, 3), directFromCpfpRefundTx: Uint8Array.of(4, 5), directRefundTx: Uint8Array.of(6) },
    { leafId: 'leaf-2', refundTx: Uint8Array.of(0xff), directFromCpfpRefundTx: Uint8Array.of(0xee, 0x00), directRefundTx: new Uint8Array(0) },
  ],
};

/** Records which step was applied with what, in place of the participant. */
function recordingApplier(): { applier: DecisionApplier; calls: { step: string; arg: unknown }[] } {
  const calls: { step: string; arg: unknown }[] = [];
  return {
    calls,
    applier: {
      applyCommitSend: async (_sql, d) => void calls.push({ step: 'commit', arg: d }),
      applyCommitClaim: async (_sql, d) => void calls.push({ step: 'claim_commit', arg: d }),
      applyAbort: async (_sql, id) => void calls.push({ step: 'abort', arg: id }),
      applyCommitPrimary: async (_sql, d) => void calls.push({ step: 'primary_commit', arg: d }),
      applyCommitExit: async (_sql, d) => void calls.push({ step: 'exit_commit', arg: d }),
    },
  };
}

const noSql = {} as Sql;
const viaJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('transfer_decision record kind', () => {
  it('decodes what the coordinator recorded, and the peer applies the same decision', async () => {
    const { applier, calls } = recordingApplier();
    const kind = transferDecisionKind(applier, COORDINATOR, 2);
    for (const action of ['commit', 'claim_commit', 'primary_commit', 'exit_commit'] as const) {
      const payload = kind.decode(viaJson(toTransferDecisionPayload(action, decision)));
      await kind.apply(noSql, payload, COORDINATOR);
    }
    await kind.apply(noSql, kind.decode(viaJson(toTransferDecisionPayload('abort', { transferId: TRANSFER, tweakDigest: new Uint8Array(0), signed: [] }))), COORDINATOR);
    expect(calls.map((c) => c.step)).toEqual(['commit', 'claim_commit', 'primary_commit', 'exit_commit', 'abort']);
    for (const i of [0, 1, 2, 3]) expect(calls[i]?.arg).toEqual(decision);
    expect(calls[4]?.arg).toBe(TRANSFER);
  });

  it('refuses a decision from an operator other than the coordinator, applying nothing', async () => {
    const { applier, calls } = recordingApplier();
    const kind = transferDecisionKind(applier, COORDINATOR, 2);
    const payload = kind.decode(viaJson(toTransferDecisionPayload('commit', decision)));
    const err = await kind.apply(noSql, payload, PEER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperatorError);
    expect((err as OperatorError).code).toBe('PERMISSION_DENIED');
    expect(calls).toEqual([]);
  });

  it('refuses malformed payloads, naming the field', () => {
    const kind = transferDecisionKind(recordingApplier().applier, COORDINATOR, 2);
    const good = toTransferDecisionPayload('commit', decision);
    const cases: [unknown, RegExp][] = [
      [{ ...good, action: 'steal' }, /action must be one of/],
      [{ ...good, tweak_digest: 'XYZ' }, /tweak_digest must be lowercase hex/],
      [{ ...good, signed: 'none' }, /signed must be an array/],
      [{ ...good, signed: [{ leaf_id: 'l', refund_tx: 7, direct_from_cpfp_refund_tx: '' }] }, /refund_tx must be a string/],
      [{ ...good, transfer_id: undefined }, /transfer_id must be a string/],
      [{ ...good, signed: [{ leaf_id: 'l', refund_tx: '', direct_from_cpfp_refund_tx: '', direct_refund_tx: 'zz' }] }, /direct_refund_tx must be lowercase hex/],
      [[], /payload must be a JSON object/],
    ];
    for (const [json, message] of cases) {
      expect(() => kind.decode(viaJson(json))).toThrow(message);
    }
  });

  it('reads a record written before direct refunds were carried as one without a direct refund', () => {
    const kind = transferDecisionKind(recordingApplier().applier, COORDINATOR, 2);
    const old = { action: 'commit', transfer_id: TRANSFER, tweak_digest: 'ab', signed: [{ leaf_id: 'l', refund_tx: '01', direct_from_cpfp_refund_tx: '02' }] };
    expect(kind.decode(old).signed).toEqual([{ leaf_id: 'l', refund_tx: '01', direct_from_cpfp_refund_tx: '02', direct_refund_tx: '' }]);
  });

  it('names one record per transfer and action, so a repeated decision is the same record', () => {
    expect(transferDecisionRecordId('commit', TRANSFER)).toBe(transferDecisionRecordId('commit', TRANSFER));
    expect(new Set((['commit', 'claim_commit', 'abort'] as const).map((a) => transferDecisionRecordId(a, TRANSFER))).size).toBe(3);
  });
});
