/**
 * The key that sweeps a matured refund output: a BIP-341 key-path spend (BIP-86 tweak, empty
 * merkle root, SIGHASH_DEFAULT) by the key the refund pays — the leaf key LEAF(leafId) for an
 * owned leaf, the identity key for an unclaimed transfer. No SparkSigner method does this
 * (docs/transfers.md, "Unilateral exit"), hence this small interface: the software signer below
 * derives the key from the seed; a hardware signer implements the same two methods on the device.
 *
 * The signer is handed the whole unsigned sweep transaction and every prevout, not a digest: a
 * device can then compute the sighash itself and show where the coins go and how much.
 */
import { Transaction } from '@scure/btc-signer';
import { bytesToHex, SparkAccountKeys, sparkKeyPath, sparkKeyPathString, wipe, type SparkKeyPair } from '../crypto/index.js';
import { ExitError } from './errors.js';
import type { RefundKey } from './exit-data.js';

export interface Prevout {
  script: Uint8Array;
  amount: bigint;
}

export interface SweepSigningRequest {
  key: RefundKey;
  /** The unsigned sweep transaction (no witness). */
  tx: Uint8Array;
  /** The input to sign; it spends an output paying `key`'s BIP-86 P2TR. */
  inputIndex: number;
  /** The output every input spends, in input order (BIP-341 commits to all of them). */
  prevouts: Prevout[];
}

export interface ExitSweepSigner {
  /** The 33-byte public key at `key`'s derivation (compared with the key the refund pays). */
  publicKey(key: RefundKey): Promise<Uint8Array>;
  /** A 64-byte BIP-340 signature (SIGHASH_DEFAULT) for a key-path spend of `inputIndex`. */
  signKeyPath(req: SweepSigningRequest): Promise<Uint8Array>;
}

/** The expected BIP32 path of a refund key, from its kind (the file's `path` must agree). */
export function refundKeyPath(key: { kind: 'leaf'; account: number; leafId: string } | { kind: 'identity'; account: number }): string {
  return sparkKeyPathString(key.kind === 'leaf' ? sparkKeyPath(key.account, 'signing', key.leafId) : sparkKeyPath(key.account, 'identity'));
}

/**
 * Software signer from the wallet's seed, with the Spark key derivation (bit-exact with the SDK's
 * DefaultSparkSigner). For tests and for users without a device.
 */
export class SoftwareSweepSigner implements ExitSweepSigner {
  private readonly seed: Uint8Array;

  constructor(seed: Uint8Array) {
    this.seed = seed.slice();
  }

  private keyPair(key: RefundKey): SparkKeyPair {
    if (key.path !== refundKeyPath(key)) throw new ExitError('WRONG_KEY', `refund key path ${key.path} is not the ${key.kind} key's path ${refundKeyPath(key)}`);
    const account = SparkAccountKeys.fromSeed(this.seed, key.account);
    const pair = key.kind === 'leaf' ? account.leafKey(key.leafId) : account.identityKey();
    if (bytesToHex(pair.publicKey) !== key.publicKey) {
      wipe(pair.privateKey);
      throw new ExitError('WRONG_KEY', `the seed's ${key.kind} key at ${key.path} is ${bytesToHex(pair.publicKey)}, the refund pays ${key.publicKey}`);
    }
    return pair;
  }

  // async: a bad request rejects the promise instead of throwing at the call.
  async publicKey(key: RefundKey): Promise<Uint8Array> {
    const pair = this.keyPair(key);
    wipe(pair.privateKey);
    return pair.publicKey;
  }

  async signKeyPath(req: SweepSigningRequest): Promise<Uint8Array> {
    const tx = Transaction.fromRaw(req.tx, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true });
    if (req.prevouts.length !== tx.inputsLength) throw new ExitError('BAD_ARGUMENT', `${req.prevouts.length} prevouts for ${tx.inputsLength} inputs`);
    const pair = this.keyPair(req.key);
    try {
      req.prevouts.forEach((p, i) => tx.updateInput(i, { witnessUtxo: { script: p.script, amount: p.amount } }, true));
      tx.updateInput(req.inputIndex, { tapInternalKey: pair.publicKey.subarray(1) }, true);
      // @scure/btc-signer applies the BIP-86 tweak and refuses if the prevout is not that key's P2TR.
      if (!tx.signIdx(pair.privateKey, req.inputIndex)) throw new ExitError('WRONG_KEY', `input ${req.inputIndex} does not spend an output of key ${req.key.publicKey}`);
      const sig = tx.getInput(req.inputIndex).tapKeySig;
      if (sig === undefined || sig.length !== 64) throw new ExitError('WRONG_KEY', 'the key-path signature is missing');
      return sig;
    } finally {
      wipe(pair.privateKey);
    }
  }

  /** Forgets the seed. */
  wipe(): void {
    wipe(this.seed);
  }
}

