/** The page bundle of the wallet-in-page test: the browser entry and the SDK's wallet (one copy of the SDK). */
export * from '../../src/browser/index.js';
export { SparkWallet } from '@buildonspark/spark-sdk';
