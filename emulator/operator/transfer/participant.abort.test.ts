/**
 * What a failed claim may undo on an operator, on a real (PGlite, migrated) database: only a
 * claim prepared there. A send this operator has prepared but not committed yet (the
 * coordinator's commit still in its outbox) stays as it is, so the commit still applies when it
 * arrives. The coordinator's own abort decision, by contrast, returns such a send, after which a
 * commit is refused: that is why a claim's undo must never take that path.
 */
import { describe, expect, it } from 'vitest';
import type { TransferStatus } from '../db/transfer-repository.js';
import { participantForSuite } from './participant-fixture.js';

const TRANSFER = '3f7c2a10-5b6e-4c8d-9e0f-1a2b3c4d5e6f';
const LEAF = 'leaf-1';

describe('undoing a failed claim on an operator', { timeout: 120_000 }, () => {
  const op = participantForSuite('participant-abort-');

  const state = async (): Promise<{ transfer: string; leaf: string; claimKey: string | null }> => {
    const t = (await op.db.query<{ status: string }>('SELECT status FROM transfers WHERE id = $1', [TRANSFER]))[0];
    const n = (await op.db.query<{ status: string }>('SELECT status FROM tree_nodes WHERE id = $1', [LEAF]))[0];
    const l = (await op.db.query<{ claim_keyshare_id: string | null }>('SELECT claim_keyshare_id FROM transfer_leaves WHERE transfer_id = $1', [TRANSFER]))[0];
    return { transfer: t?.status ?? 'none', leaf: n?.status ?? 'none', claimKey: l?.claim_keyshare_id ?? null };
  };

  /** A one-leaf transfer in `status`, its leaf locked by it (and a prepared claim if the status says so). */
  async function transferIn(status: TransferStatus): Promise<void> {
    await op.db.script('DELETE FROM transfer_leaves; DELETE FROM transfers; DELETE FROM tree_nodes; DELETE FROM signing_keyshares;');
    for (const id of ['k-before', 'k-sent', 'k-claim']) {
      await op.db.execute(`INSERT INTO signing_keyshares (id, batch_id, threshold, secret_share, public_key, public_shares, status) VALUES ($1, 'b', 2, '00', '02', '{}', 'TWEAK')`, [id]);
    }
    const key = status === 'SENDER_KEY_TWEAK_PENDING' ? 'k-before' : 'k-sent';
    await op.db.execute(
      `INSERT INTO tree_nodes (id, tree_id, owner_identity_public_key, owner_signing_public_key, value, vout, verifying_public_key, keyshare_id,
         node_tx, refund_tx, direct_from_cpfp_refund_tx, deposit_txid, deposit_vout, status, network)
       VALUES ($1, 't', 'aa', 'bb', 1000, 0, 'cc', $2, '00', '00', '00', 'dd', 0, 'TRANSFER_LOCKED', 2)`,
      [LEAF, key],
    );
    await op.rows.transaction((sql) => op.rows.insert(sql, {
      id: TRANSFER, sender: 'aa', receiver: 'ee', status, type: 'TRANSFER', totalValue: 1000, network: 2, expiryTime: undefined,
      leaves: [{
        leafId: LEAF, position: 0, previousRefundTx: '00', previousDirectFromCpfpRefundTx: '00', previousDirectRefundTx: '', previousKeyshareId: 'k-before',
        intermediateRefundTx: '01', intermediateDirectFromCpfpRefundTx: '02', intermediateDirectRefundTx: '', secretCipher: '03', signature: '04',
        senderKeyshareId: 'k-sent', senderTweakDigest: '05', claim: undefined,
      }],
    }));
    if (status === 'RECEIVER_KEY_TWEAK_LOCKED') {
      await op.rows.transaction((sql) => op.rows.setClaim(sql, TRANSFER, LEAF, { keyshareId: 'k-claim', tweakDigest: '06', ownerSigningPublicKey: '07', refundTx: '08', directFromCpfpRefundTx: '09', directRefundTx: '' }));
    }
  }

  it('leaves a send that is prepared here but not yet committed exactly as it was', async () => {
    await transferIn('SENDER_KEY_TWEAK_PENDING');
    await op.participant.abortClaim(TRANSFER);
    expect(await state()).toEqual({ transfer: 'SENDER_KEY_TWEAK_PENDING', leaf: 'TRANSFER_LOCKED', claimKey: null });
  });

  it('undoes a claim prepared here: the transfer is claimable again', async () => {
    await transferIn('RECEIVER_KEY_TWEAK_LOCKED');
    expect((await state()).claimKey).toBe('k-claim');
    await op.participant.abortClaim(TRANSFER);
    expect(await state()).toEqual({ transfer: 'SENDER_KEY_TWEAKED', leaf: 'TRANSFER_LOCKED', claimKey: null });
  });

  it('changes nothing for a transfer it does not know (no tombstone, unlike a send abort)', async () => {
    await transferIn('SENDER_KEY_TWEAKED');
    await op.participant.abortClaim('9e9e9e9e-0000-4000-8000-000000000000');
    expect((await op.db.query('SELECT id FROM transfers')).length).toBe(1);
    expect(await state()).toEqual({ transfer: 'SENDER_KEY_TWEAKED', leaf: 'TRANSFER_LOCKED', claimKey: null });
  });

  it('the coordinator\'s abort decision returns a pending send, and a commit can no longer apply', async () => {
    await transferIn('SENDER_KEY_TWEAK_PENDING');
    await op.db.transaction((tx) => op.participant.applyAbort(tx, TRANSFER));
    expect(await state()).toEqual({ transfer: 'RETURNED', leaf: 'AVAILABLE', claimKey: null });
    const commit = op.db.transaction((tx) => op.participant.applyCommitSend(tx, { transferId: TRANSFER, tweakDigest: new Uint8Array(32), signed: [] }));
    await expect(commit).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });
});
