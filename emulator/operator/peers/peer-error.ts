/**
 * A call to a peer that did not succeed, told apart the way a domain service needs: the peer
 * judged the request (and said how, as an operator error code) or it could not be reached.
 */
import type { OperatorErrorCode } from '../errors.js';

export class PeerCallError extends Error {
  constructor(
    message: string,
    /** The peer's own error code when it judged the request; undefined when it did not answer. */
    readonly code: OperatorErrorCode | undefined,
    /** The peer's explanation (its error message without transport detail). */
    readonly details: string,
    /** True when the peer could not be reached (a retry may reach it). */
    readonly unreachable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PeerCallError';
  }
}
