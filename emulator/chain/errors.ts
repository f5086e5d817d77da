import { CodedError } from '../../src/errors/coded-error.js';

/** Error codes raised by the chain emulator (btcd runner, RPC client, endpoints, funding wallet). */
export type ChainErrorCode =
  | 'BTCD_NOT_FOUND'
  | 'BTCD_START_FAILED'
  /** The block archive (blocks.txt) does not replay into the chain it recorded. */
  | 'ARCHIVE_DAMAGED'
  | 'BTCD_EXITED'
  | 'RPC_TRANSPORT'
  | 'RPC_ERROR'
  | 'INSUFFICIENT_FUNDS'
  | 'BAD_ADDRESS'
  | 'BAD_AMOUNT'
  | 'NOT_FOUND'
  | 'TIMEOUT';

/** A failure in the chain emulator, with a machine-readable code. */
export class ChainError extends CodedError<ChainErrorCode> {
  override readonly name = 'ChainError';

  constructor(
    code: ChainErrorCode,
    message: string,
    /** The JSON-RPC error code when the failure came from btcd (e.g. -5, -26). */
    readonly rpcCode?: number,
  ) {
    super(code, message);
  }
}
