const t0 = Date.now();
import { getSparkFrost, splitSecretWithProofs, recoverSecret, validateShare, UnsafeStatelessSparkSigner } from '@buildonspark/spark-sdk';
const f = getSparkFrost();
console.log('import ms', Date.now()-t0, typeof f.signFrost, typeof splitSecretWithProofs, typeof recoverSecret, typeof validateShare, typeof UnsafeStatelessSparkSigner);
const s = await splitSecretWithProofs(new Uint8Array(32).fill(7), 2, 3);
console.log(s[0]);
