export { SparkLedgerApp, type ApduTransport } from './app.js';
export { CLA, Ins, chunkPayload, decodeResponse, encodeApdu, expectOk, type Chunk } from './apdu.js';
export * from './errors.js';
export { encodeKeyRef, HARDENED, SPARK_PURPOSE, type KeyRef } from './keyref.js';
export {
  decodeCommitments,
  decodeVersion,
  encodeFrostSign,
  type AppVersion,
  type DeviceCommitment,
  type FrostSignRequest,
  type IdentitySignatureScheme,
  type OperatorCommitment,
} from './messages.js';
export { StatusWord, statusName } from './status.js';
export { openNodeHidTransport, openSpeculosTransport, openWebHidTransport, type LedgerTransport } from './transports.js';
