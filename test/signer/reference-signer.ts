import { DefaultSparkSigner } from '@buildonspark/spark-sdk';
import { TEST_SEED } from './seed-keys.js';

/** The SDK's own software signer on the same seed: the oracle for everything deterministic. */
export async function referenceSigner(account = 0): Promise<DefaultSparkSigner> {
  const signer = new DefaultSparkSigner();
  await signer.createSparkWalletFromSeed(TEST_SEED, account);
  return signer;
}
