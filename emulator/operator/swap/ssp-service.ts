/**
 * spark_ssp.SparkSspService (proto/spark_ssp.proto): the counter leg of a swap, sent by the
 * swap primary transfer's receiver (docs/ssp.md, section "The swap protocol (Swap V3)").
 */
import { StartTransferRequest, Transfer } from '@buildonspark/spark-sdk/proto/spark';
import type { Transfer as TransferMessage } from '@buildonspark/spark-sdk/proto/spark';
import type { TransferRecord } from '../db/transfer-repository.js';
import { OperatorError } from '../errors.js';
import type { AuthContext } from '../public/middleware.js';
import { startTransferFromWire } from '../public/transfer-wire.js';
import type { TransferService } from '../transfer/transfer-service.js';
import { bytesToHex } from '../crypto.js';

export const SSP_SERVICE = 'spark_ssp.SparkSspService';

interface CounterSwapTransferRequest {
  start_transfer_request: Buffer;
  primary_transfer_id: string;
  adaptor_public_key: Buffer;
}

export function createSspService(
  transfers: () => TransferService,
  toTransfer: (t: TransferRecord) => Promise<TransferMessage>,
): Record<string, (req: never, ctx: AuthContext) => Promise<unknown>> {
  return {
    async counter_swap_transfer(req: CounterSwapTransferRequest, ctx: AuthContext) {
      let start: StartTransferRequest;
      try {
        start = StartTransferRequest.decode(Uint8Array.from(req.start_transfer_request));
      } catch (e) {
        throw new OperatorError('INVALID_ARGUMENT', `start_transfer_request is not a spark.StartTransferRequest: ${(e as Error).message}`);
      }
      if (bytesToHex(start.ownerIdentityPublicKey) !== ctx.session.identityPublicKeyHex) {
        throw new OperatorError('PERMISSION_DENIED', 'owner_identity_public_key is not the authenticated identity: use your own session');
      }
      const { prepare, jobs } = startTransferFromWire(start);
      const { counter } = await transfers().startCounterSwap({ ...prepare, counterOf: req.primary_transfer_id }, jobs, Uint8Array.from(req.adaptor_public_key));
      return { transfer: Buffer.from(Transfer.encode(await toTransfer(counter)).finish()) };
    },
  } as unknown as Record<string, (req: never, ctx: AuthContext) => Promise<unknown>>;
}
