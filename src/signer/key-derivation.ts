import { KeyDerivationType, type KeyDerivation } from '@buildonspark/spark-sdk';
import type { KeyRef } from '../device/keyref.js';
import { LedgerSignerError } from './errors.js';

/**
 * The device key a SparkSigner KeyDerivation names. LEAF, DEPOSIT and STATIC_DEPOSIT are device
 * keys; ECIES (a key the operators sent encrypted to the identity key) and RANDOM (a fresh key)
 * are used on the device only inside the key-split command of a claim or a transfer
 * (device-app/PROTOCOL.md, KEY_SPLIT), which is not implemented yet; the public key of an ECIES
 * key is served by ECIES_PUBLIC_KEY (LedgerSparkSigner.decryptEcies).
 */
export function keyRefForDerivation(derivation: KeyDerivation, account: number): KeyRef {
  switch (derivation.type) {
    case KeyDerivationType.LEAF:
      return { kind: 'leaf', account, leafId: derivation.path };
    case KeyDerivationType.DEPOSIT:
      return { kind: 'deposit', account };
    case KeyDerivationType.STATIC_DEPOSIT:
      return { kind: 'staticDeposit', account, index: derivation.path };
    case KeyDerivationType.ECIES:
      throw new LedgerSignerError(
        'NOT_ON_DEVICE_YET',
        'a key given as an ECIES ciphertext (a received transfer) can only give its public key (ECIES_PUBLIC_KEY); signing or splitting with it needs KEY_SPLIT, which this app version does not have yet: claiming transfers is not supported on the device yet',
      );
    case KeyDerivationType.RANDOM:
      throw new LedgerSignerError(
        'NOT_ON_DEVICE_YET',
        'a RANDOM key is drawn on the device only inside KEY_SPLIT (transfer), which this app version does not have yet: sending, swapping and withdrawing are not supported on the device yet',
      );
  }
}
