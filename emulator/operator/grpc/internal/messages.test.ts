/**
 * The mapping between the internal service's messages and the domain records loses nothing and
 * changes no byte: a message decoded, mapped to its record and back encodes exactly as it came,
 * with its optional fields set and left empty.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ClaimPrepareRequest, DepositAddressRecord, DkgBatchInfo, DkgFinalizeResponse, FrostJob, FrostShare, HealthResponse, TransferPrepareRequest,
} from '../generated/spark_operator_internal.js';
import type { MessageFns } from '../generated/spark_operator_internal.js';
import {
  addressFromWire, addressToWire, batchInfoFromWire, batchInfoToWire, claimPrepareFromWire, claimPrepareToWire, finalizedFromWire, finalizedToWire,
  healthFromWire, healthToWire, jobFromWire, jobToWire, sendPrepareFromWire, sendPrepareToWire, shareFromWire, shareToWire,
} from './messages.js';

const b = (n: number): Uint8Array => Uint8Array.from(randomBytes(n));
const commitment = (): { hiding: Uint8Array; binding: Uint8Array } => ({ hiding: b(33), binding: b(33) });
const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

/** Encodes `m`, decodes it as the server would, maps it through the record and back; both encodings must match. */
function roundTrip<M, R>(fns: MessageFns<M>, m: M, from: (m: M) => R, to: (r: R) => M): R {
  const bytes = fns.encode(fns.fromPartial(m as never)).finish();
  const record = from(fns.decode(bytes));
  expect(hex(fns.encode(fns.fromPartial(to(record) as never)).finish())).toBe(hex(bytes));
  return record;
}

const refunds = (direct = 0): { leaf_id: string; refund_tx: Uint8Array; direct_from_cpfp_refund_tx: Uint8Array; direct_refund_tx: Uint8Array } => ({
  leaf_id: 'leaf', refund_tx: b(90), direct_from_cpfp_refund_tx: b(80), direct_refund_tx: b(direct),
});

describe('internal messages ↔ domain records', () => {
  it('signing jobs, with a transaction and an adaptor point and without either', () => {
    const full = FrostJob.fromPartial({
      job_id: 'j', keyshare_id: 'k', message: b(32), verifying_key: b(33), operator_commitments: { a: commitment(), b: commitment() }, user_commitment: commitment(),
      tx: { kind: 'transfer_refund', tx: b(100), parent_tx: b(120), parent_vout: 1, transfer_id: 't', leaf_id: '' }, adaptor_public_key: b(33),
    });
    const job = roundTrip(FrostJob, full, jobFromWire, jobToWire);
    expect(job.tx?.transferId).toBe('t');
    expect(job.adaptorPublicKey).toHaveLength(33);
    const bare = roundTrip(FrostJob, FrostJob.fromPartial({ job_id: 'j', keyshare_id: 'k', message: b(32), verifying_key: b(33), operator_commitments: { a: commitment() } }), jobFromWire, jobToWire);
    expect(bare.tx).toBeUndefined();
    expect(bare.adaptorPublicKey).toBeUndefined();
    expect(bare.userCommitment).toBeUndefined();
    roundTrip(FrostShare, { job_id: 'j', share: b(32) }, shareFromWire, shareToWire);
  });

  it('transfer and claim prepares, with and without the swap fields, the cooperative exit fields and an expiry', () => {
    const send = roundTrip(TransferPrepareRequest, TransferPrepareRequest.fromPartial({
      transfer_id: 't', sender_identity_public_key: b(33), receiver_identity_public_key: b(33), expiry_unix_ms: 1_900_000_000_000,
      leaves: [refunds(), refunds(79)], key_tweak_package: { a: b(200), b: b(200) }, user_signature: b(71), adaptor_public_key: b(33), counter_of: 'p',
    }), sendPrepareFromWire, sendPrepareToWire);
    expect(send.expiry?.getTime()).toBe(1_900_000_000_000);
    expect(send.counterOf).toBe('p');
    const plain = roundTrip(TransferPrepareRequest, TransferPrepareRequest.fromPartial({
      transfer_id: 't', sender_identity_public_key: b(33), receiver_identity_public_key: b(33), leaves: [refunds()], key_tweak_package: { a: b(10) }, user_signature: b(70),
    }), sendPrepareFromWire, sendPrepareToWire);
    expect(plain.expiry).toBeUndefined();
    expect('adaptorPublicKey' in plain || 'counterOf' in plain || 'exit' in plain).toBe(false);
    const exit = roundTrip(TransferPrepareRequest, TransferPrepareRequest.fromPartial({
      transfer_id: 't', sender_identity_public_key: b(33), receiver_identity_public_key: b(33), leaves: [refunds()], key_tweak_package: { a: b(10) }, user_signature: b(70),
      exit_txid: b(32), connector_tx: b(120),
    }), sendPrepareFromWire, sendPrepareToWire);
    expect(exit.exit?.exitTxid).toHaveLength(32);
    expect(exit.exit?.connectorTx).toHaveLength(120);
    roundTrip(ClaimPrepareRequest, ClaimPrepareRequest.fromPartial({
      transfer_id: 't', receiver_identity_public_key: b(33), leaves: [refunds()], key_tweak_package: { a: b(10) }, user_signature: b(70),
    }), claimPrepareFromWire, claimPrepareToWire);
  });

  it('deposit addresses, DKG answers and health', () => {
    roundTrip(DepositAddressRecord, {
      address: 'bcrt1p', leaf_id: 'l', identity_public_key: b(33), user_signing_public_key: b(33), verifying_public_key: b(33), keyshare_id: 'k', network: 2, proof_of_possession: b(64), is_static: true,
    }, (m) => addressFromWire(m), addressToWire);
    expect(() => addressFromWire(undefined)).toThrow(/record is required/);
    roundTrip(DkgFinalizeResponse, { digest: b(32), count: 4, first_group_key: b(33) }, finalizedFromWire, finalizedToWire);
    roundTrip(DkgBatchInfo, { batch_id: 'x', digest: b(32), key_count: 4, committed: true }, batchInfoFromWire, batchInfoToWire);
    roundTrip(HealthResponse, { identifier: 'i', identity_public_key: b(33), ready: true, group_public_key: b(33), key_pool_available: 7, public_address: 'https://h:1' }, healthFromWire, healthToWire);
  });
});
