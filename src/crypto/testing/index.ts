/**
 * The crypto core's entry point for tests and benchmarks (never for production code): seeded
 * randomness, FROST round fixtures, and the SDK's own implementations as oracles.
 */
export { SeededRandom } from './prng.js';
export { nativeCurveBackendAvailable, useCurveBackend } from '../ec/index.js';
export { aggregateParams, makeGroup, makeRound, operatorShares, operatorSignParams, signingSubsets, userSignParams } from './frost-fixtures.js';
export type { FrostRound, OperatorGroup } from './frost-fixtures.js';
export { sdkFrost, sdkSplitSecretWithProofs, sdkRecoverSecret, sdkValidateShare, DefaultSparkSigner, KeyDerivationType } from './sdk-oracle.js';
export type { SdkFrost } from './sdk-oracle.js';
