import { KeyDerivationType, type KeyDerivation } from '@buildonspark/spark-sdk';
import type { KeyRef } from '../device/keyref.js';
import { LedgerSignerError } from './errors.js';

/**
 * The device key a SparkSigner KeyDerivation names. LEAF, DEPOSIT and STATIC_DEPOSIT are device
 * keys; ECIES (a key the operators sent encrypted to the identity key) and RANDOM (a fresh key)
 * are used on the device only inside the key split of a claim or a transfer
 * (device-app/PROTOCOL.md, KEY_SPLIT); the public key of an ECIES key is served by
 * ECIES_PUBLIC_KEY (LedgerSparkSigner.decryptEcies).
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
        'NOT_A_DEVICE_KEY',
        'a key given as an ECIES ciphertext (a received transfer) is used on the device only to give its public key (decryptEcies) and in the claim key split; it never signs: claim the transfer first, then sign with the leaf key',
      );
    case KeyDerivationType.RANDOM:
      throw new LedgerSignerError(
        'NOT_A_DEVICE_KEY',
        'a RANDOM key exists only inside the device, drawn by the transfer key split (subtractSplitAndEncrypt); it has no public key to ask for and never signs',
      );
  }
}
