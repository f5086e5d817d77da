import { CodedError } from '../../src/errors/coded-error.js';

/**
 * What the service provider answers a wallet with. Each code becomes the GraphQL error's
 * `extensions.error_name` (the field the SDK's requester reads, docs/ssp.md, section "Errors").
 */
export type SspErrorCode =
  /** no or a bad session token: answered with HTTP 401, which makes the SDK authenticate again */
  | 'UNAUTHENTICATED'
  /** a bad challenge or signature at authentication */
  | 'INVALID_CHALLENGE'
  /** a request the provider understands but refuses: malformed input */
  | 'INVALID_INPUT'
  /** a service this local provider does not offer (Lightning, webhooks…) */
  | 'UNSUPPORTED'
  | 'INTERNAL';

export class SspError extends CodedError<SspErrorCode> {
  override readonly name = 'SspError';
}
