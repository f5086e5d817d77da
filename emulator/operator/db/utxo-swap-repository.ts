/**
 * The claims and refunds of static deposit outputs (migration 006; docs/ssp.md, section "Static
 * deposits"): one row per output, which is what makes an output claimable once.
 */
import type { Sql } from './database.js';

export type UtxoSwapKind = 'claim' | 'refund';

export interface UtxoSwapRow {
  txid: string;
  vout: number;
  kind: UtxoSwapKind;
  address: string;
  owner_identity_public_key: string;
  /** the transfer paying the owner (claim); '' for a refund */
  transfer_id: string;
  credit_amount_sats: number;
  /** the sighash of the spend the operators may sign (refund); '' for a claim, whose spend is the provider's */
  spend_sighash: string;
  user_signature: string;
  ssp_signature: string;
}

export async function getUtxoSwap(sql: Sql, txid: string, vout: number, lock = false): Promise<UtxoSwapRow | undefined> {
  const rows = await sql.query<UtxoSwapRow>(`SELECT * FROM utxo_swaps WHERE txid = $1 AND vout = $2${lock ? ' FOR UPDATE' : ''}`, [txid, vout]);
  const r = rows[0];
  return r === undefined ? undefined : { ...r, vout: Number(r.vout), credit_amount_sats: Number(r.credit_amount_sats) };
}

/** Stores the row, or replaces the one for the same output (a claim whose transfer was returned). */
export async function putUtxoSwap(sql: Sql, r: UtxoSwapRow): Promise<void> {
  await sql.execute('DELETE FROM utxo_swaps WHERE txid = $1 AND vout = $2', [r.txid, r.vout]);
  await sql.execute(
    `INSERT INTO utxo_swaps (txid, vout, kind, address, owner_identity_public_key, transfer_id, credit_amount_sats, spend_sighash, user_signature, ssp_signature)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
    [r.txid, r.vout, r.kind, r.address, r.owner_identity_public_key, r.transfer_id, r.credit_amount_sats, r.spend_sighash, r.user_signature, r.ssp_signature],
  );
}
