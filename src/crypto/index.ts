/**
 * The Spark crypto core: Spark key derivation, Spark FROST in both roles (the user's share and
 * t-of-n operator shares, nested Lagrange coefficients, Taproot tweak, adaptor signatures),
 * share verification and aggregation, Pedersen DKG for operators, Feldman VSS and ECIES —
 * bit-exact with @buildonspark/spark-sdk 0.8.8 (its WASM signFrost / aggregateFrost and helpers).
 *
 * Conventions: bytes are Uint8Array; scalars are 32-byte big-endian; points are 33-byte
 * compressed; participant identifiers are 64-hex strings (operators "00…01", "00…02", …; the
 * user is USER_IDENTIFIER). Bad input throws SparkCryptoError with a `code` (and `culprit` when
 * a participant is at fault), never a signature. Inputs owned by the caller are never mutated;
 * the caller wipes its own secrets (nonces must never be reused). Secret bytes created here are
 * wiped after use; secret bigints cannot be wiped in JS and are kept short-lived.
 *
 * Curve backend (ec/): libsecp256k1's N-API addon where it loads, pure JS on @noble/curves
 * elsewhere (browsers, platforms without a prebuilt binary) or when SPARK_CRYPTO_BACKEND=js;
 * `curveBackend()` says which. Importing the core never fails because the addon is missing.
 *
 * Timing: secret scalars (keys, shares, nonces, DKG coefficients, ECIES keys) are multiplied
 * only with constant-time routines (libsecp256k1's ecmult_gen, noble's `multiply`). The
 * variable-time routines (libsecp256k1's ecmult and combine, noble's `multiplyUnsafe`) only
 * ever see public data: commitments, binding factors, challenges, public keys, signature shares
 * being verified.
 * JS bigint arithmetic is not strictly constant-time either way; user secrets belong on the device.
 */

// Curve backend
export { curveBackend } from './ec/index.js';
export type { EcBackendName } from './ec/index.js';

// Errors
export { SparkCryptoError, isSparkCryptoError } from './errors.js';
export type { SparkCryptoErrorCode } from './errors.js';

// Bytes, scalars, points
export {
  CURVE_ORDER,
  bytesToHex,
  hexToBytes,
  concatBytes,
  equalBytes,
  scalarFromBytes,
  scalarToBytes,
  pointFromBytes,
  pointToBytes,
  publicKeyOf,
  wipe,
} from './bytes.js';

// Spark keys
export {
  SPARK_PURPOSE,
  HARDENED_OFFSET,
  SparkAccountKeys,
  leafKeyIndex,
  sparkKeyPath,
  sparkKeyPathString,
} from './keys.js';
export type { SparkKeyKind, SparkKeyPair } from './keys.js';

// Spark FROST
export type { SigningNonce, SigningCommitment, KeyPackage, CommitmentMap } from './frost/types.js';
export { USER_IDENTIFIER, operatorIdentifier, identifierToScalar } from './frost/identifiers.js';
export { tweakedKey, taprootOutputKey } from './frost/tweak.js';
export type { TweakedKey } from './frost/tweak.js';
export { generateNonce, commitmentFromNonce } from './frost/nonces.js';
export type { NonceWithCommitment } from './frost/nonces.js';
export type { SigningContextInput } from './frost/context.js';
/** The user's share; same parameters as the SDK's signFrost binding. */
export { signFrost } from './frost/user-share.js';
export type { SignFrostParams } from './frost/user-share.js';
/** An operator's share. */
export { signFrostOperator } from './frost/operator-share.js';
export type { SignFrostOperatorParams } from './frost/operator-share.js';
export { verifySignatureShare } from './frost/verify-share.js';
export type { ShareSigner, VerifySignatureShareParams } from './frost/verify-share.js';
/** Aggregation; same parameters as the SDK's aggregateFrost binding. */
export { aggregateFrost } from './frost/aggregate.js';
export type { AggregateFrostParams } from './frost/aggregate.js';

// Pedersen DKG (operators)
export { dkgRound1, dkgRound2, dkgFinish, runDkgInProcess } from './dkg.js';
export type { DkgRound1Package, DkgRound2Package, DkgRound1Secret, DkgRound2Secret, DkgResult, DkgRound1Params } from './dkg.js';

// Verifiable secret sharing
export { splitSecretWithProofs, validateShare, recoverSecret } from './vss.js';
export type { VerifiableSecretShare, SecretShare } from './vss.js';
export type { RandomSource } from './polynomial.js';

// ECIES
export { encryptEcies, decryptEcies, ECIES_OVERHEAD } from './ecies.js';

// ECDSA (identity-key signatures of transfer and claim packages)
export { verifyEcdsaDigest } from './ecdsa.js';
export type { EciesOptions } from './ecies.js';
