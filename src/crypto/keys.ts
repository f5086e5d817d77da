/**
 * Spark key derivation (SDK `signer/signer.ts` DefaultSparkKeysGenerator; docs/keys-and-frost.md,
 * section "Spark keys"): BIP32 from the seed, purpose 8797555' (the last 3 bytes of sha256("spark")),
 * all hardened:
 *   identity m/8797555'/A'/0', signing base m/8797555'/A'/1', deposit m/8797555'/A'/2',
 *   static deposit m/8797555'/A'/3'/I', HTLC preimage base m/8797555'/A'/4';
 *   leaf key = signing base / ((u32be(sha256(leafId)[0..4]) mod 2^31) + 2^31).
 */
import { HDKey } from '@scure/bip32';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertBytes, wipe } from './bytes.js';
import { SparkCryptoError } from './errors.js';

export const SPARK_PURPOSE = 8797555;
export const HARDENED_OFFSET = 0x80000000;

/** The kinds of Spark key below an account. */
export type SparkKeyKind = 'identity' | 'signing' | 'deposit' | 'staticDeposit' | 'htlcPreimage';

const KIND_INDEX: Record<SparkKeyKind, number> = { identity: 0, signing: 1, deposit: 2, staticDeposit: 3, htlcPreimage: 4 };

export interface SparkKeyPair {
  /** 32-byte secret key. */
  privateKey: Uint8Array;
  /** 33-byte compressed public key. */
  publicKey: Uint8Array;
}

function assertIndex(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0 || n >= HARDENED_OFFSET) {
    throw new SparkCryptoError('INVALID_DERIVATION', `${what} must be an integer in [0, 2^31), got ${String(n)}`);
  }
}

/** The hardened child index of a leaf key: (u32be(sha256(utf8(leafId))[0..4]) mod 2^31) + 2^31. */
export function leafKeyIndex(leafId: string): number {
  if (typeof leafId !== 'string' || leafId.length === 0) {
    throw new SparkCryptoError('INVALID_DERIVATION', 'leaf id must be a non-empty string');
  }
  const h = sha256(new TextEncoder().encode(leafId));
  const u32 = (((h[0] ?? 0) << 24) | ((h[1] ?? 0) << 16) | ((h[2] ?? 0) << 8) | (h[3] ?? 0)) >>> 0;
  return (u32 % HARDENED_OFFSET) + HARDENED_OFFSET;
}

/**
 * The BIP32 path of a Spark key as a list of child indices (hardened offset included) — what the
 * device is asked to derive. `index` is the static-deposit index, or the leaf id for a leaf key.
 */
export function sparkKeyPath(account: number, kind: SparkKeyKind, index?: number | string): number[] {
  assertIndex(account, 'account number');
  const base = [SPARK_PURPOSE + HARDENED_OFFSET, account + HARDENED_OFFSET, KIND_INDEX[kind] + HARDENED_OFFSET];
  if (kind === 'staticDeposit') {
    if (typeof index !== 'number') throw new SparkCryptoError('INVALID_DERIVATION', 'static deposit key needs a numeric index');
    assertIndex(index, 'static deposit index');
    return [...base, index + HARDENED_OFFSET];
  }
  if (kind === 'signing' && typeof index === 'string') return [...base, leafKeyIndex(index)];
  if (index !== undefined) throw new SparkCryptoError('INVALID_DERIVATION', `a ${kind} key takes no index`);
  return base;
}

/** The path as a string, e.g. m/8797555'/1'/0'. */
export function sparkKeyPathString(path: readonly number[]): string {
  return 'm' + path.map((i) => (i >= HARDENED_OFFSET ? `/${i - HARDENED_OFFSET}'` : `/${i}`)).join('');
}

function keyPairOf(node: HDKey, what: string): SparkKeyPair {
  if (!node.privateKey || !node.publicKey) throw new SparkCryptoError('INVALID_DERIVATION', `${what}: derivation gave no key`);
  return { privateKey: node.privateKey.slice(), publicKey: node.publicKey.slice() };
}

/**
 * The Spark keys of one account of a seed. Holds the account-level BIP32 nodes so that leaf and
 * static-deposit keys cost one child derivation each. Call wipe() when done.
 */
export class SparkAccountKeys {
  private readonly nodes: Record<SparkKeyKind, HDKey>;
  readonly account: number;

  private constructor(nodes: Record<SparkKeyKind, HDKey>, account: number) {
    this.nodes = nodes;
    this.account = account;
  }

  /** Derives the account's keys from a BIP39 seed (16..64 bytes, as BIP32 allows). */
  static fromSeed(seed: Uint8Array, account: number): SparkAccountKeys {
    assertBytes(seed, undefined, 'seed');
    if (seed.length < 16 || seed.length > 64) {
      throw new SparkCryptoError('INVALID_LENGTH', `seed must be 16..64 bytes, got ${seed.length}`);
    }
    assertIndex(account, 'account number');
    const master = HDKey.fromMasterSeed(seed);
    const acct = master.derive(`m/${SPARK_PURPOSE}'/${account}'`);
    const nodes = {} as Record<SparkKeyKind, HDKey>;
    for (const kind of Object.keys(KIND_INDEX) as SparkKeyKind[]) {
      nodes[kind] = acct.deriveChild(KIND_INDEX[kind] + HARDENED_OFFSET);
    }
    master.wipePrivateData();
    acct.wipePrivateData();
    return new SparkAccountKeys(nodes, account);
  }

  identityKey(): SparkKeyPair {
    return keyPairOf(this.nodes.identity, 'identity key');
  }

  /** The signing base (the parent of every leaf key). */
  signingBaseKey(): SparkKeyPair {
    return keyPairOf(this.nodes.signing, 'signing base key');
  }

  depositKey(): SparkKeyPair {
    return keyPairOf(this.nodes.deposit, 'deposit key');
  }

  staticDepositKey(index: number): SparkKeyPair {
    assertIndex(index, 'static deposit index');
    const child = this.nodes.staticDeposit.deriveChild(index + HARDENED_OFFSET);
    try {
      return keyPairOf(child, 'static deposit key');
    } finally {
      child.wipePrivateData();
    }
  }

  htlcPreimageBaseKey(): SparkKeyPair {
    return keyPairOf(this.nodes.htlcPreimage, 'HTLC preimage base key');
  }

  /** The key of a leaf, from its id string. */
  leafKey(leafId: string): SparkKeyPair {
    const child = this.nodes.signing.deriveChild(leafKeyIndex(leafId));
    try {
      return keyPairOf(child, 'leaf key');
    } finally {
      child.wipePrivateData();
    }
  }

  /** HMAC-SHA256(key = HTLC preimage base secret, msg = utf8(transferId)), as the SDK's htlcHMAC. */
  htlcHmac(transferId: string): Uint8Array {
    const k = this.htlcPreimageBaseKey();
    try {
      return hmac(sha256, k.privateKey, new TextEncoder().encode(transferId));
    } finally {
      wipe(k.privateKey);
    }
  }

  /** Overwrites the account's private key material. */
  wipe(): void {
    for (const n of Object.values(this.nodes)) n.wipePrivateData();
  }
}
