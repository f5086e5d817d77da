/**
 * The crypto core's entry point for Spark operators: what an operator's signer and
 * coordinator need beyond the library entry (src/crypto/index.ts), and wallets never do —
 * shares computed in a context built once per job, operator-only signing, and the one
 * "sum, verify, blame" aggregation. Everything here has the library's conventions and errors.
 */
export { buildSigningContext } from '../frost/context.js';
export type { SigningContext } from '../frost/context.js';
export { operatorShareWithOwnNonce } from '../frost/operator-share.js';
export { standInShareInContext } from '../frost/operator-only.js';
export { aggregateInContext } from '../frost/aggregate.js';
export type { Aggregation, AggregationShare } from '../frost/aggregate.js';
export { verifyTaprootSignature } from '../frost/verify-taproot.js';
export { verifyShareInContext } from '../frost/verify-share.js';
