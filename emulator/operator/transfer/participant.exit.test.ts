/**
 * A cooperative exit on one operator, on a real (PGlite, migrated) database
 * (docs/transfers.md, section "cooperative_exit_v2 on the operators"): committed, it waits for its
 * exit transaction with the user's key and refunds (no abort, no send commit can move it); the
 * chain watcher's confirmation applies the tweak once, in one transaction; the receiver's claim
 * waits for 6 confirmations. Before its commit, the watcher leaves it alone and an abort returns it.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../crypto.js';
import type { TransferStatus } from '../db/transfer-repository.js';
import { EXIT_CLAIM_CONFIRMATIONS } from './participant.js';
import { participantForSuite } from './participant-fixture.js';

const TRANSFER = '4a7c2a10-5b6e-4c8d-9e0f-1a2b3c4d5e6f';
const LEAF = 'leaf-exit';
const SENDER = '02' + 'aa'.repeat(32);
const SSP = '03' + 'ee'.repeat(32);
const EXIT_TXID = 'ab'.repeat(32);
const point = (k: bigint): string => bytesToHex(secp256k1.Point.BASE.multiply(k).toBytes(true));

describe('a cooperative exit on an operator', { timeout: 120_000 }, () => {
  let tip = 0;
  const op = participantForSuite('participant-exit-', { chainHeight: async () => tip });

  const state = async (): Promise<{ transfer: string; key: string; refund: string; leaf: string; height: number | null }> => {
    const t = (await op.db.query<{ status: string; exit_confirmation_height: number | null }>('SELECT status, exit_confirmation_height FROM transfers WHERE id = $1', [TRANSFER]))[0];
    const n = (await op.db.query<{ status: string; keyshare_id: string; refund_tx: string }>('SELECT status, keyshare_id, refund_tx FROM tree_nodes WHERE id = $1', [LEAF]))[0];
    return { transfer: t?.status ?? 'none', key: n?.keyshare_id ?? '', refund: n?.refund_tx ?? '', leaf: n?.status ?? '', height: t?.exit_confirmation_height === null || t === undefined ? null : Number(t.exit_confirmation_height) };
  };

  /** A one-leaf cooperative exit in `status`, its leaf locked by it with the user's key and refund. */
  async function exitIn(status: TransferStatus): Promise<void> {
    await op.db.script('DELETE FROM transfer_leaves; DELETE FROM transfers; DELETE FROM tree_nodes; DELETE FROM signing_keyshares;');
    for (const [id, k] of [['k-before', 7n], ['k-sent', 11n]] as const) {
      await op.db.execute(`INSERT INTO signing_keyshares (id, batch_id, threshold, secret_share, public_key, public_shares, status) VALUES ($1, 'b', 2, '00', $2, '{}', 'TWEAK')`, [id, point(k)]);
    }
    await op.db.execute(
      `INSERT INTO tree_nodes (id, tree_id, owner_identity_public_key, owner_signing_public_key, value, vout, verifying_public_key, keyshare_id,
         node_tx, refund_tx, direct_from_cpfp_refund_tx, deposit_txid, deposit_vout, status, network)
       VALUES ($1, 't', $2, 'bb', 1000, 0, $3, 'k-before', '00', 'old-refund', 'old-direct', 'dd', 0, 'TRANSFER_LOCKED', 2)`,
      [LEAF, SENDER, point(100n)],
    );
    await op.rows.transaction((sql) => op.rows.insert(sql, {
      id: TRANSFER, sender: SENDER, receiver: SSP, status, type: 'COOPERATIVE_EXIT', totalValue: 1000, network: 2, expiryTime: undefined,
      exit: { exitTxid: EXIT_TXID, connectorTx: '00', confirmationHeight: undefined },
      leaves: [{
        leafId: LEAF, position: 0, previousRefundTx: 'old-refund', previousDirectFromCpfpRefundTx: 'old-direct', previousKeyshareId: 'k-before',
        previousDirectRefundTx: '', intermediateRefundTx: 'connector-refund', intermediateDirectFromCpfpRefundTx: 'connector-direct', intermediateDirectRefundTx: '', secretCipher: '03', signature: '04',
        senderKeyshareId: 'k-sent', senderTweakDigest: '05', claim: undefined,
      }],
    }));
  }

  it('committed and unconfirmed: the user keeps key and refund, nothing returns or commits it, the receiver cannot claim', async () => {
    await exitIn('SENDER_KEY_TWEAK_PENDING');
    expect(await op.rows.listUnconfirmedExits()).toEqual([TRANSFER]);
    await expect(op.db.transaction((tx) => op.participant.applyAbort(tx, TRANSFER))).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(op.db.transaction((tx) => op.participant.applyCommitSend(tx, { transferId: TRANSFER, tweakDigest: new Uint8Array(32), signed: [] })))
      .rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(op.participant.claimable(TRANSFER, SSP)).rejects.toThrow(/is not confirmed/);
    expect(await state()).toEqual({ transfer: 'SENDER_KEY_TWEAK_PENDING', key: 'k-before', refund: 'old-refund', leaf: 'TRANSFER_LOCKED', height: null });
  });

  it('mined: the tweak is applied once (key, connector refund, height), and the claim waits for 6 confirmations', async () => {
    await exitIn('SENDER_KEY_TWEAK_PENDING');
    expect(await op.participant.applyExitConfirmed(TRANSFER, 101)).toBe(true);
    const applied = await state();
    expect(applied).toEqual({ transfer: 'SENDER_KEY_TWEAKED', key: 'k-sent', refund: 'connector-refund', leaf: 'TRANSFER_LOCKED', height: 101 });
    // The owner's signing key moved by the tweak: V − (group key after).
    const owner = (await op.db.query<{ owner_signing_public_key: string }>('SELECT owner_signing_public_key FROM tree_nodes WHERE id = $1', [LEAF]))[0];
    expect(owner?.owner_signing_public_key).toBe(point(100n - 11n));
    // A second confirmation (a watcher's repeated poll, another restart) changes nothing.
    expect(await op.participant.applyExitConfirmed(TRANSFER, 102)).toBe(false);
    expect(await state()).toEqual(applied);
    expect(await op.rows.listUnconfirmedExits()).toEqual([]);

    tip = 101 + EXIT_CLAIM_CONFIRMATIONS - 2;
    await expect(op.participant.claimable(TRANSFER, SSP)).rejects.toThrow(/has 5 confirmations .*; 6 are needed to claim/);
    tip = 101 + EXIT_CLAIM_CONFIRMATIONS - 1;
    expect((await op.participant.claimable(TRANSFER, SSP)).id).toBe(TRANSFER);
  });

  it('not committed yet: the watcher leaves it alone, and an abort returns the leaf to the user', async () => {
    await exitIn('SENDER_INITIATED');
    expect(await op.rows.listUnconfirmedExits()).toEqual([]);
    expect(await op.participant.applyExitConfirmed(TRANSFER, 101)).toBe(false);
    await op.db.transaction((tx) => op.participant.applyAbort(tx, TRANSFER));
    expect(await state()).toEqual({ transfer: 'RETURNED', key: 'k-before', refund: 'old-refund', leaf: 'AVAILABLE', height: null });
  });
});
