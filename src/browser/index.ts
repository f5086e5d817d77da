/**
 * The hardware signer in a web page: bundle this entry for the browser (esbuild, platform
 * browser). It gives the unmodified SDK's SparkSigner on the Ledger app (`LedgerSparkSigner` over
 * `SparkLedgerApp`), the device's transports a page can use — WebHID for users, Speculos's HTTP
 * API for developers — and the crypto core, which in a page runs on its pure-JS curve backend
 * (`curveBackend()` says 'js': the libsecp256k1 addon is Node's).
 */
import './buffer-global.js';

export { LedgerSparkSigner, type LedgerSparkSignerOptions } from '../signer/ledger-signer.js';
export { LedgerSignerError } from '../signer/errors.js';
export { SparkLedgerApp } from '../device/app.js';
export { SparkDeviceError } from '../device/errors.js';
export { SpeculosHttpTransport } from './speculos-http-transport.js';
export { openWebHid } from './webhid.js';
export * as crypto from '../crypto/index.js';
