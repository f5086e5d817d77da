/**
 * A cooperative exit on one operator, on a real (PGlite, migrated) database
 * (docs/transfers.md, section "cooperative_exit_v2 on the operators"): committed, it waits for its
 * exit transaction with the user's key and refunds (no abort, no send commit can move it); the
 * chain watcher's confirmation applies the tweak once, in one transaction; the receiver's claim
 * waits for 6 confirmations. Before its commit, the watcher leaves it alone and an abort returns it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '../crypto.js';
import type { Database } from '../db/database.js';
import { openDatabase } from '../db/open.js';
import { Repository } from '../db/repository.js';
import { TransferRepository, type TransferStatus } from '../db/transfer-repository.js';
import type { IdentityKey } from '../identity.js';
import { KeyshareCache } from '../signing/keyshares.js';
import { EXIT_CLAIM_CONFIRMATIONS, TransferParticipant } from './participant.js';

const TRANSFER = '4a7c2a10-5b6e-4c8d-9e0f-1a2b3c4d5e6f';
const LEAF = 'leaf-exit';
const OPERATORS = ['0'.repeat(63) + '1', '0'.repeat(63) + '2', '0'.repeat(63) + '3'];
const SENDER = '02' + 'aa'.repeat(32);
const SSP = '03' + 'ee'.repeat(32);
const EXIT_TXID = 'ab'.repeat(32);
const point = (k: bigint): string => bytesToHex(secp256k1.Point.BASE.multiply(k).toBytes(true));

describe('a cooperative exit on an operator', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'participant-exit-'));
  let db: Database;
  let rows: TransferRepository;
  let participant: TransferParticipant;
  let tip = 0;

  const state = async (): Promise<{ transfer: string; key: string; refund: string; leaf: string; height: number | null }> => {
    const t = (await db.query<{ status: string; exit_confirmation_height: number | null }>('SELECT status, exit_confirmation_height FROM transfers WHERE id = $1', [TRANSFER]))[0];
    const n = (await db.query<{ status: string; keyshare_id: string; refund_tx: string }>('SELECT status, keyshare_id, refund_tx FROM tree_nodes WHERE id = $1', [LEAF]))[0];
    return { transfer: t?.status ?? 'none', key: n?.keyshare_id ?? '', refund: n?.refund_tx ?? '', leaf: n?.status ?? '', height: t?.exit_confirmation_height === null || t === undefined ? null : Number(t.exit_confirmation_height) };
  };

  /** A one-leaf cooperative exit in `status`, its leaf locked by it with the user's key and refund. */
  async function exitIn(status: TransferStatus): Promise<void> {
    await db.script('DELETE FROM transfer_leaves; DELETE FROM transfers; DELETE FROM tree_nodes; DELETE FROM signing_keyshares;');
    for (const [id, k] of [['k-before', 7n], ['k-sent', 11n]] as const) {
      await db.execute(`INSERT INTO signing_keyshares (id, batch_id, threshold, secret_share, public_key, public_shares, status) VALUES ($1, 'b', 2, '00', $2, '{}', 'TWEAK')`, [id, point(k)]);
    }
    await db.execute(
      `INSERT INTO tree_nodes (id, tree_id, owner_identity_public_key, owner_signing_public_key, value, vout, verifying_public_key, keyshare_id,
         node_tx, refund_tx, direct_from_cpfp_refund_tx, deposit_txid, deposit_vout, status, network)
       VALUES ($1, 't', $2, 'bb', 1000, 0, $3, 'k-before', '00', 'old-refund', 'old-direct', 'dd', 0, 'TRANSFER_LOCKED', 2)`,
      [LEAF, SENDER, point(100n)],
    );
    await rows.transaction((sql) => rows.insert(sql, {
      id: TRANSFER, sender: SENDER, receiver: SSP, status, type: 'COOPERATIVE_EXIT', totalValue: 1000, network: 2, expiryTime: undefined,
      exit: { exitTxid: EXIT_TXID, connectorTx: '00', confirmationHeight: undefined },
      leaves: [{
        leafId: LEAF, position: 0, previousRefundTx: 'old-refund', previousDirectFromCpfpRefundTx: 'old-direct', previousKeyshareId: 'k-before',
        previousDirectRefundTx: '', intermediateRefundTx: 'connector-refund', intermediateDirectFromCpfpRefundTx: 'connector-direct', intermediateDirectRefundTx: '', secretCipher: '03', signature: '04',
        senderKeyshareId: 'k-sent', senderTweakDigest: '05', claim: undefined,
      }],
    }));
  }

  beforeAll(async () => {
    db = await openDatabase({ kind: 'pglite', dir: join(dir, 'db') });
    rows = new TransferRepository(db);
    participant = new TransferParticipant({
      self: OPERATORS[2] as string, isCoordinator: false, threshold: 2, operators: OPERATORS,
      identity: {} as IdentityKey, transfers: rows, keys: new KeyshareCache(new Repository(db)), chainHeight: async () => tip,
    });
  }, 120_000);

  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('committed and unconfirmed: the user keeps key and refund, nothing returns or commits it, the receiver cannot claim', async () => {
    await exitIn('SENDER_KEY_TWEAK_PENDING');
    expect(await rows.listUnconfirmedExits()).toEqual([TRANSFER]);
    await expect(db.transaction((tx) => participant.applyAbort(tx, TRANSFER))).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(db.transaction((tx) => participant.applyCommitSend(tx, { transferId: TRANSFER, tweakDigest: new Uint8Array(32), signed: [] })))
      .rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(participant.claimable(TRANSFER, SSP)).rejects.toThrow(/is not confirmed/);
    expect(await state()).toEqual({ transfer: 'SENDER_KEY_TWEAK_PENDING', key: 'k-before', refund: 'old-refund', leaf: 'TRANSFER_LOCKED', height: null });
  });

  it('mined: the tweak is applied once (key, connector refund, height), and the claim waits for 6 confirmations', async () => {
    await exitIn('SENDER_KEY_TWEAK_PENDING');
    expect(await participant.applyExitConfirmed(TRANSFER, 101)).toBe(true);
    const applied = await state();
    expect(applied).toEqual({ transfer: 'SENDER_KEY_TWEAKED', key: 'k-sent', refund: 'connector-refund', leaf: 'TRANSFER_LOCKED', height: 101 });
    // The owner's signing key moved by the tweak: V − (group key after).
    const owner = (await db.query<{ owner_signing_public_key: string }>('SELECT owner_signing_public_key FROM tree_nodes WHERE id = $1', [LEAF]))[0];
    expect(owner?.owner_signing_public_key).toBe(point(100n - 11n));
    // A second confirmation (a watcher's repeated poll, another restart) changes nothing.
    expect(await participant.applyExitConfirmed(TRANSFER, 102)).toBe(false);
    expect(await state()).toEqual(applied);
    expect(await rows.listUnconfirmedExits()).toEqual([]);

    tip = 101 + EXIT_CLAIM_CONFIRMATIONS - 2;
    await expect(participant.claimable(TRANSFER, SSP)).rejects.toThrow(/has 5 confirmations .*; 6 are needed to claim/);
    tip = 101 + EXIT_CLAIM_CONFIRMATIONS - 1;
    expect((await participant.claimable(TRANSFER, SSP)).id).toBe(TRANSFER);
  });

  it('not committed yet: the watcher leaves it alone, and an abort returns the leaf to the user', async () => {
    await exitIn('SENDER_INITIATED');
    expect(await rows.listUnconfirmedExits()).toEqual([]);
    expect(await participant.applyExitConfirmed(TRANSFER, 101)).toBe(false);
    await db.transaction((tx) => participant.applyAbort(tx, TRANSFER));
    expect(await state()).toEqual({ transfer: 'RETURNED', key: 'k-before', refund: 'old-refund', leaf: 'AVAILABLE', height: null });
  });
});
