/**
 * The oracle: @buildonspark/spark-sdk's own Spark FROST (WASM) and helpers, loaded once.
 * Importing the SDK's Node entry point installs its WASM bindings (setSparkFrostOnce).
 */
import { getSparkFrost } from '@buildonspark/spark-sdk';

export type SdkFrost = ReturnType<typeof getSparkFrost>;

export function sdkFrost(): SdkFrost {
  return getSparkFrost();
}

export {
  splitSecretWithProofs as sdkSplitSecretWithProofs,
  recoverSecret as sdkRecoverSecret,
  validateShare as sdkValidateShare,
  DefaultSparkSigner,
  KeyDerivationType,
} from '@buildonspark/spark-sdk';
