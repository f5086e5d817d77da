/**
 * Kind "utxo_swap": a claim or refund of a static deposit output (docs/ssp.md, section "Static
 * deposits"), from the coordinator to every other operator. Each operator signs a spend of the
 * output only against this row (static-deposit/spend-check.ts), so the receiver checks it on its
 * own: the output's address is a static address it holds, of the row's owner, and the owner
 * signed the statement the row records.
 */
import type { Sql } from '../../db/database.js';
import type { DepositAddressRow } from '../../db/repository.js';
import { getUtxoSwap, putUtxoSwap, type UtxoSwapRow } from '../../db/utxo-swap-repository.js';
import { OperatorError } from '../../errors.js';
import { checkRecordedStatement } from '../../static-deposit/statement.js';
import { field, type RecordKind } from '../kinds.js';

export const UTXO_SWAP = 'utxo_swap';

/** One record per output and transfer: a claim that replaces a returned one is a new record. */
export const utxoSwapRecordId = (r: UtxoSwapRow): string => `${UTXO_SWAP}:${r.txid}:${r.vout}:${r.kind}:${r.transfer_id}:${r.spend_sighash}`;

export function utxoSwapKind(): RecordKind<UtxoSwapRow> {
  return {
    name: UTXO_SWAP,
    decode(json: unknown): UtxoSwapRow {
      const o = field.object(json);
      const kind = field.string(o, 'kind');
      if (kind !== 'claim' && kind !== 'refund') throw new OperatorError('INVALID_ARGUMENT', 'replicated record: kind must be claim or refund');
      return {
        txid: field.hex(o, 'txid'), vout: field.int(o, 'vout'), kind, address: field.string(o, 'address'),
        owner_identity_public_key: field.hex(o, 'owner_identity_public_key'), transfer_id: field.string(o, 'transfer_id'),
        credit_amount_sats: field.int(o, 'credit_amount_sats'), spend_sighash: field.hex(o, 'spend_sighash'),
        user_signature: field.hex(o, 'user_signature'), ssp_signature: field.hex(o, 'ssp_signature'),
      };
    },
    async apply(tx: Sql, r: UtxoSwapRow): Promise<void> {
      const addr = (await tx.query<DepositAddressRow>('SELECT * FROM deposit_addresses WHERE address = $1', [r.address]))[0];
      if (addr?.is_static !== true) throw new OperatorError('FAILED_PRECONDITION', `${r.address} is not a static deposit address on this operator`);
      if (addr.identity_public_key !== r.owner_identity_public_key) throw new OperatorError('INVALID_ARGUMENT', `${r.address} belongs to another identity`);
      checkRecordedStatement(r);
      // An output is claimed or refunded, never both: this operator's own check of what it holds.
      const held = await getUtxoSwap(tx, r.txid, r.vout);
      if (held?.kind === 'refund' && r.kind === 'claim') throw new OperatorError('FAILED_PRECONDITION', `${r.txid}:${r.vout} was refunded to its owner on this operator; it cannot be claimed`);
      if (held?.kind === 'claim' && r.kind === 'refund') {
        const t = (await tx.query<{ status: string }>('SELECT status FROM transfers WHERE id = $1', [held.transfer_id]))[0];
        if (t !== undefined && t.status !== 'RETURNED' && t.status !== 'EXPIRED') {
          throw new OperatorError('FAILED_PRECONDITION', `${r.txid}:${r.vout} is claimed on this operator (transfer ${held.transfer_id}); it cannot be refunded`);
        }
      }
      await putUtxoSwap(tx, r);
    },
  };
}
