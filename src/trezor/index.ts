/**
 * The Trezor tier: a Spark seed protected at rest by a Trezor, with signing on this computer.
 * Nothing here imports @trezor/connect until `loadTrezorConnect` is called.
 */
export { TrezorError, type TrezorErrorCode } from './errors.js';
export type { TrezorConnectApi } from './connect-api.js';
export { loadTrezorConnect, type ConnectManifest, type LoadedTrezorConnect, type LoadTrezorConnectOptions } from './connect-loader.js';
export { DEFAULT_CALL_TIMEOUT_MS } from './call.js';
export { sealPath } from './paths.js';
export { SEALED_SEED_FORMAT, SEALED_SEED_VERSION, parseSealedSeed, serializeSealedSeed, type SealedSeed } from './sealed-seed.js';
export { DEFAULT_KEY_STRING, sealSeed, unsealSeed, type SealOptions, type UnsealOptions } from './seed-sealer.js';
export { readSealedSeedFile, writeSealedSeedFile } from './sealed-seed-file.js';
export { DEFAULT_IDLE_TIMEOUT_MS, TREZOR_TIER_LABEL, TrezorSealedSeedSigner, type LockReason, type TrezorSealedSeedSignerOptions } from './sealed-seed-signer.js';
export { readTaprootAccount, signDepositFunding, taprootAddressOf, type FundDepositRequest, type SignedFunding, type TrezorUtxo } from './l1-funding.js';
