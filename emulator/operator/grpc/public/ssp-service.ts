/**
 * spark_ssp.SparkSspService (proto/spark_ssp.proto): the counter leg of a swap, sent by the
 * swap primary transfer's receiver (docs/ssp.md, section "The swap protocol (Swap V3)"), and the
 * values of leaves named by id, for a cooperative exit's quote (section "Cooperative exits").
 * Wire translation only: the transfer service checks and settles both legs.
 */
import { StartTransferRequest, Transfer } from '@buildonspark/spark-sdk/proto/spark';
import type { Transfer as TransferMessage } from '@buildonspark/spark-sdk/proto/spark';
import { bytesToHex, hexToBytes } from '../../crypto.js';
import type { TransferRecord } from '../../db/transfer-repository.js';
import type { Repository } from '../../db/repository.js';
import { OperatorError } from '../../errors.js';
import type { TransferService } from '../../transfer/transfer-service.js';
import type { SparkSspServiceImplementation } from '../generated/spark_ssp.js';
import type { AuthContext } from './middleware.js';
import { startTransferFromWire } from './transfer-wire.js';

export function createSspService(
  transfers: () => TransferService,
  toTransfer: (t: TransferRecord) => Promise<TransferMessage>,
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
    async counter_swap_transfer(req, ctx) {
      let start: StartTransferRequest;
      try {
        start = StartTransferRequest.decode(req.start_transfer_request);
      } catch (e) {
        throw new OperatorError('INVALID_ARGUMENT', `start_transfer_request is not a spark.StartTransferRequest: ${(e as Error).message}`);
      }
      if (bytesToHex(start.ownerIdentityPublicKey) !== ctx.session.identityPublicKeyHex) {
        throw new OperatorError('PERMISSION_DENIED', 'owner_identity_public_key is not the authenticated identity: use your own session');
      }
      const { prepare, jobs } = startTransferFromWire(start);
      const { counter } = await transfers().startCounterSwap({ ...prepare, counterOf: req.primary_transfer_id }, jobs, req.adaptor_public_key);
      return { transfer: Transfer.encode(await toTransfer(counter)).finish() };
    },
  };
}
