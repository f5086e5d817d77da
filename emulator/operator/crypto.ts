/**
 * The one place the operator imports the Spark crypto core, through its two public entry
 * points (the library's and the operators'), so that a change there is a one-file fix here.
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
  signFrostOperator,
  signFrost,
  verifySignatureShare,
  aggregateFrost,
  dkgRound1,
  dkgRound2,
  dkgFinish,
  decryptEcies,
  validateShare,
  USER_IDENTIFIER,
  CURVE_ORDER,
} from '../../src/crypto/index.js';
export {
  buildSigningContext,
  operatorShareWithOwnNonce,
  standInShareInContext,
  aggregateInContext,
  verifyTaprootSignature,
} from '../../src/crypto/operator/index.js';
export type {
  CommitmentMap,
  SigningCommitment,
  SigningNonce,
  NonceWithCommitment,
  DkgRound1Package,
  DkgRound2Package,
  DkgRound1Secret,
  DkgRound2Secret,
  DkgResult,
} from '../../src/crypto/index.js';
export type { AggregationShare, SigningContext } from '../../src/crypto/operator/index.js';
