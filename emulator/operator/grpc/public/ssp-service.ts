/**
 * spark_ssp.SparkSspService (proto/spark_ssp.proto): the counter leg of a swap, sent by the
 * swap primary transfer's receiver (docs/ssp.md, section "The swap protocol (Swap V3)"), the
 * values of leaves named by id, for a cooperative exit's quote (section "Cooperative exits"), and
 * the static deposit claim (section "Static deposits"). Wire translation only: the transfer and
 * UTXO swap services check and settle.
 */
import { StartTransferRequest, Transfer } from '@buildonspark/spark-sdk/proto/spark';
import type { Transfer as TransferMessage } from '@buildonspark/spark-sdk/proto/spark';
import { bytesToHex, hexToBytes } from '../../crypto.js';
import type { Repository } from '../../db/repository.js';
import type { TransferRecord } from '../../db/transfer-repository.js';
import { OperatorError } from '../../errors.js';
import type { TransferService } from '../../transfer/transfer-service.js';
import type { SparkSspServiceImplementation } from '../generated/spark_ssp.js';
import type { UtxoSwapService } from '../../static-deposit/utxo-swap-service.js';
import type { SigningCommitment } from '../../crypto.js';
import type { AuthContext } from './middleware.js';
import { startTransferFromWire } from './transfer-wire.js';

function decodeStart(bytes: Uint8Array): StartTransferRequest {
  try {
    return StartTransferRequest.decode(bytes);
  } catch (e) {
    throw new OperatorError('INVALID_ARGUMENT', `start_transfer_request is not a spark.StartTransferRequest: ${(e as Error).message}`);
  }
}

const commitment = (c: { hiding: Uint8Array; binding: Uint8Array } | undefined, what: string): SigningCommitment => {
  if (c === undefined || c.hiding.length !== 33 || c.binding.length !== 33) throw new OperatorError('INVALID_ARGUMENT', `${what} must hold two 33-byte points`);
  return { hiding: Uint8Array.from(c.hiding), binding: Uint8Array.from(c.binding) };
};

export function createSspService(
  transfers: () => TransferService,
  toTransfer: (t: TransferRecord) => Promise<TransferMessage>,
  utxoSwaps: () => UtxoSwapService,
  repo: Repository,
): SparkSspServiceImplementation<AuthContext> {
  return {
    async leaf_values(req) {
      if (req.leaf_ids.length === 0 || req.leaf_ids.length > 1000) throw new OperatorError('INVALID_ARGUMENT', 'leaf_ids must name 1 to 1000 leaves');
      const rows = new Map((await repo.listTreeNodesByIds(req.leaf_ids, [])).map((r) => [r.id, r]));
      return {
        leaves: req.leaf_ids.flatMap((id) => {
          const r = rows.get(id);
          return r === undefined ? [] : [{ leaf_id: id, owner_identity_public_key: hexToBytes(r.owner_identity_public_key), value: r.value, status: r.status }];
        }),
      };
    },
    async static_deposit_address_keys(req) {
      const a = await repo.getDepositAddress(req.address);
      if (a?.is_static !== true) throw new OperatorError('NOT_FOUND', `${req.address} is not a static deposit address of this network`);
      if (req.txid !== '' && !/^[0-9a-f]{64}$/.test(req.txid)) throw new OperatorError('INVALID_ARGUMENT', 'txid must be a 64-hex transaction id (lowercase)');
      const heldAs = req.txid === '' ? undefined : await utxoSwaps().heldAs(req.txid, req.vout);
      return {
        verifying_public_key: hexToBytes(a.verifying_public_key), user_signing_public_key: hexToBytes(a.user_signing_public_key), owner_identity_public_key: hexToBytes(a.identity_public_key),
        held_as: heldAs ?? '',
      };
    },
    async static_deposit_utxo_swap(req, ctx) {
      if (req.txid.length !== 32) throw new OperatorError('INVALID_ARGUMENT', 'txid must be 32 bytes');
      if (req.user_share.length !== 32) throw new OperatorError('INVALID_ARGUMENT', 'user_share must be a 32-byte FROST share');
      const { prepare, jobs } = startTransferFromWire(decodeStart(req.start_transfer_request));
      const ops = Object.fromEntries(Object.entries(req.operator_commitments).map(([id, c]) => [id, commitment(c, `operator_commitments[${id}]`)]));
      const { transfer, signedSpendTx } = await utxoSwaps().claim({
        txid: bytesToHex(Uint8Array.from(req.txid)), vout: req.vout, creditAmountSats: BigInt(req.credit_amount_sats),
        sspSignature: Uint8Array.from(req.ssp_signature), userSignature: Uint8Array.from(req.user_signature), transfer: prepare, transferJobs: jobs,
        spend: {
          rawTx: Uint8Array.from(req.spend_tx), userShare: Uint8Array.from(req.user_share), operatorCommitments: ops,
          userCommitment: commitment({ hiding: req.user_commitment_hiding, binding: req.user_commitment_binding }, 'user commitment'),
        },
      }, ctx.session.identityPublicKeyHex);
      return { transfer: Transfer.encode(await toTransfer(transfer)).finish(), signed_spend_tx: signedSpendTx };
    },
    async counter_swap_transfer(req, ctx) {
      const start = decodeStart(req.start_transfer_request);
      if (bytesToHex(start.ownerIdentityPublicKey) !== ctx.session.identityPublicKeyHex) {
        throw new OperatorError('PERMISSION_DENIED', 'owner_identity_public_key is not the authenticated identity: use your own session');
      }
      const { prepare, jobs } = startTransferFromWire(start);
      const { counter } = await transfers().startCounterSwap({ ...prepare, counterOf: req.primary_transfer_id }, jobs, req.adaptor_public_key);
      return { transfer: Transfer.encode(await toTransfer(counter)).finish() };
    },
  };
}
