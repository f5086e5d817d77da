export { SparkLedgerApp, type ApduTransport } from './app.js';
export { CLA, Ins, chunkPayload, decodeResponse, encodeApdu, expectOk, type Chunk } from './apdu.js';
export * from './errors.js';
export { encodeKeyRef, HARDENED, SPARK_PURPOSE, type KeyRef } from './keyref.js';
export {
  ECIES_KEY_CIPHERTEXT_LEN,
  KEY_SPLIT_MAX_SHARES,
  decodeCommitments,
  decodeKeySplit,
  decodeVersion,
  encodeEciesPublicKey,
  encodeExitSweep,
  encodeExportStaticKey,
  encodeFrostSign,
  encodeHtlcHmac,
  encodeKeySplit,
  keySplitResultLength,
  type ExitSweepRequest,
  type KeySplitRequest,
  type KeySplitResult,
  SPLIT_PREPARE_MAX_COUNT,
  SPLIT_PREPARE_MAX_THRESHOLD,
  type SweepNetwork,
  type AppVersion,
  type DeviceCommitment,
  type FrostSignRequest,
  type IdentitySignatureScheme,
  type OperatorCommitment,
} from './messages.js';
export {
  FROST_SIGN_TX_MAX_TX,
  INTENT_MAX_LEAVES,
  EXIT_INTENT_MAX_PAYLOAD,
  encodeExitIntent,
  encodeFrostSignTx,
  encodeSignIdentityClear,
  encodeTransferIntent,
  type ExitIntent,
  type FrostSignTxRequest,
  type IdentityStatement,
  type IntentLeaf,
  type Prevout,
  type SparkNetwork,
  type TransferIntent,
} from './clear-sign.js';
export { StatusWord, statusName } from './status.js';
export { openNodeHidTransport, openSpeculosTransport, openWebHidTransport, type LedgerTransport } from './transports.js';
