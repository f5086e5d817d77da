/**
 * The one place the operator imports the Spark crypto core (src/crypto, engineer A's public API),
 * so that a change there is a one-file fix here.
 */
export {
  SparkCryptoError,
  isSparkCryptoError,
  bytesToHex,
  hexToBytes,
  concatBytes,
  equalBytes,
  scalarFromBytes,
  scalarToBytes,
  pointFromBytes,
  pointToBytes,
  identifierToScalar,
  tweakedKey,
  taprootOutputKey,
  generateNonce,
  commitmentFromNonce,
  buildSigningContext,
  signFrostOperator,
  signFrost,
  verifySignatureShare,
  aggregateFrost,
  dkgRound1,
  dkgRound2,
  dkgFinish,
  decryptEcies,
  validateShare,
} from '../../src/crypto/index.js';
// Lower-level pieces of the same core, for the coordinator's single-context hot path.
export { findOperator } from '../../src/crypto/frost/context.js';
export { operatorShareInContext } from '../../src/crypto/frost/operator-share.js';
export { verifyShareInContext } from '../../src/crypto/frost/verify-share.js';
export { nonceMatchingCommitment } from '../../src/crypto/frost/user-share.js';
export type {
  CommitmentMap,
  SigningCommitment,
  SigningNonce,
  DkgRound1Package,
  DkgRound2Package,
  DkgRound1Secret,
  DkgRound2Secret,
  DkgResult,
  SigningContext,
} from '../../src/crypto/index.js';
