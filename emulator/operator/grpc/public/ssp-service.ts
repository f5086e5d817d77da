/**
 * spark_ssp.SparkSspService (proto/spark_ssp.proto): the counter leg of a swap, sent by the
 * swap primary transfer's receiver (docs/ssp.md, section "The swap protocol (Swap V3)").
 * Wire translation only: the transfer service checks and settles both legs.
 */
import { StartTransferRequest, Transfer } from '@buildonspark/spark-sdk/proto/spark';
import type { Transfer as TransferMessage } from '@buildonspark/spark-sdk/proto/spark';
import { bytesToHex } from '../../crypto.js';
import type { TransferRecord } from '../../db/transfer-repository.js';
import { OperatorError } from '../../errors.js';
import type { TransferService } from '../../transfer/transfer-service.js';
import type { SparkSspServiceImplementation } from '../generated/spark_ssp.js';
import type { AuthContext } from './middleware.js';
import { startTransferFromWire } from './transfer-wire.js';

export function createSspService(
  transfers: () => TransferService,
  toTransfer: (t: TransferRecord) => Promise<TransferMessage>,
): SparkSspServiceImplementation<AuthContext> {
  return {
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
