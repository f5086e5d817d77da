export { LedgerSparkSigner, type LedgerSparkSignerOptions } from './ledger-signer.js';
export { LedgerSignerError, type LedgerSignerErrorCode } from './errors.js';
export { keyRefForDerivation } from './key-derivation.js';
export { LedgerExitSweepSigner, deviceExitSweepSigner, exitSweepRequest, sweepNetworkOf, type SweepKey, type SweepSigningRequest } from './exit-sweep.js';
export { type ClearSigningOptions } from './ledger-signer.js';
export { walletLeafSource, walletParentSource } from './wallet-leaves.js';
export { initializeClearSigned } from './clear-signed-wallet.js';
export { TxCatalog, type SignableTx } from './tx-catalog.js';
export { currentRequestTag, useRequestTagContext, withRequestTag } from './request-tag.js';
