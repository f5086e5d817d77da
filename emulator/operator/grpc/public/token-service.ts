/**
 * spark_token.SparkTokenService: this network has no tokens, and says so truthfully — empty
 * results for the queries the wallet makes (docs/sdk-wire.md, "Empty-network answers") — and
 * UNIMPLEMENTED for writes.
 */
import { SparkTokenServiceDefinition } from '@buildonspark/spark-sdk/proto/spark_token';
import type { SparkTokenServiceImplementation } from '@buildonspark/spark-sdk/proto/spark_token';
import { withUnimplemented } from './unimplemented.js';
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
  return withUnimplemented(SparkTokenServiceDefinition, impl, (name) => `spark_token.SparkTokenService/${name}: this local network has no tokens`);
}
