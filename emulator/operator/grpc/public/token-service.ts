/**
 * spark_token.SparkTokenService: this network has no tokens, and says so truthfully — empty
 * results for the queries the wallet makes (docs/sdk-wire.md, "Empty-network answers") — and
 * UNIMPLEMENTED for writes.
 */
import type { SparkTokenServiceImplementation } from '@buildonspark/spark-sdk/proto/spark_token';
import { bytesToHex } from '../../crypto.js';
import { OperatorError } from '../../errors.js';
import type { AuthContext } from './middleware.js';

export function createTokenService(): SparkTokenServiceImplementation<AuthContext> {
  const impl: Partial<SparkTokenServiceImplementation<AuthContext>> = {
    async query_token_outputs(req, ctx) {
      for (const k of req.ownerPublicKeys) {
        if (bytesToHex(Uint8Array.from(k)) !== ctx.session.identityPublicKeyHex) {
          throw new OperatorError('PERMISSION_DENIED', 'owner_public_keys must be the authenticated identity');
        }
      }
      return { outputsWithPreviousTransactionData: [], pageResponse: { hasNextPage: false, hasPreviousPage: false, nextCursor: '', previousCursor: '' } };
    },
    async query_token_metadata() {
      return { tokenMetadata: [] };
    },
    async query_token_transactions() {
      return { tokenTransactionsWithStatus: [], offset: -1, pageResponse: { hasNextPage: false, hasPreviousPage: false, nextCursor: '', previousCursor: '' } };
    },
  };
  return new Proxy(impl, {
    get(target, name: string) {
      const f = (target as Record<string, unknown>)[name];
      if (f !== undefined) return f;
      return async () => {
        throw new OperatorError('UNIMPLEMENTED', `spark_token.SparkTokenService/${name}: this local network has no tokens`);
      };
    },
  }) as SparkTokenServiceImplementation<AuthContext>;
}
