/**
 * Typed operator errors. Each carries a stable `code` and the gRPC status a caller sees, so a
 * handler can throw one and the server middleware turns it into a clear gRPC error.
 */
import { Status } from 'nice-grpc';

export type OperatorErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'UNAVAILABLE'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'SIGNATURE_SHARE_INVALID'
  | 'NONCE_REUSED'
  | 'KEY_POOL_EMPTY'
  | 'DKG_FAILED'
  | 'DB_ERROR';

const STATUS: Record<OperatorErrorCode, Status> = {
  INVALID_ARGUMENT: Status.INVALID_ARGUMENT,
  UNAUTHENTICATED: Status.UNAUTHENTICATED,
  PERMISSION_DENIED: Status.PERMISSION_DENIED,
  NOT_FOUND: Status.NOT_FOUND,
  ALREADY_EXISTS: Status.ALREADY_EXISTS,
  FAILED_PRECONDITION: Status.FAILED_PRECONDITION,
  ABORTED: Status.ABORTED,
  UNAVAILABLE: Status.UNAVAILABLE,
  UNIMPLEMENTED: Status.UNIMPLEMENTED,
  INTERNAL: Status.INTERNAL,
  SIGNATURE_SHARE_INVALID: Status.ABORTED,
  NONCE_REUSED: Status.FAILED_PRECONDITION,
  KEY_POOL_EMPTY: Status.RESOURCE_EXHAUSTED,
  DKG_FAILED: Status.INTERNAL,
  DB_ERROR: Status.INTERNAL,
};

export class OperatorError extends Error {
  readonly code: OperatorErrorCode;
  readonly status: Status;
  constructor(code: OperatorErrorCode, message: string) {
    super(message);
    this.name = 'OperatorError';
    this.code = code;
    this.status = STATUS[code];
  }
}

export const invalidArgument = (message: string): OperatorError => new OperatorError('INVALID_ARGUMENT', message);
