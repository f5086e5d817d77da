/** Refusals of the local API: a code a client program can act on, an HTTP status, a message. */
export type ApiErrorCode =
  | 'UNPAIRED'
  | 'REVOKED'
  | 'BAD_SIGNATURE'
  | 'REPLAYED'
  | 'STALE_REQUEST'
  | 'WRONG_ORIGIN'
  | 'WRONG_HOST'
  | 'RATE_LIMITED'
  | 'PAIRING_PENDING'
  | 'PAIRING_DENIED'
  | 'PAIRING_UNKNOWN'
  | 'NOT_FOUND'
  | 'BAD_REQUEST';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
