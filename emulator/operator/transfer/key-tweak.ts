/**
 * A wallet's key tweak as one operator sees it (docs/keys-and-frost.md, "ECIES and VSS formats";
 * docs/transfers.md, "Key tweak"): its own ECIES-encrypted slice of the package, a Feldman share
 * of the tweak with the polynomial commitments ("proofs"), and every operator's public-share
 * tweak. Checked as upstream does (so/helper TweakLeafKeyUpdate, ValidatePubkeySharesTweak),
 * then applied to a keyshare: secret + tweak, group key + proofs[0], public share_j + tweak_j.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ClaimLeafKeyTweaks, SendLeafKeyTweaks } from '@buildonspark/spark-sdk/proto/spark';
import { bytesToHex, concatBytes, decryptEcies, identifierToScalar, isSparkCryptoError, pointFromBytes, validateShare } from '../crypto.js';
import { OperatorError } from '../errors.js';
import type { Keyshare } from '../signing/keyshares.js';

const N = secp256k1.CURVE.n;
const Point = secp256k1.Point;
const bad = (m: string): OperatorError => new OperatorError('INVALID_ARGUMENT', m);

export interface LeafTweak {
  leafId: string;
  /** this operator's share of the tweak (32-byte scalar) */
  share: Uint8Array;
  /** commitments to the tweak polynomial; proofs[0] = tweak·G */
  proofs: Uint8Array[];
  /** identifier → share_j·G for every operator */
  pubkeySharesTweak: Record<string, Uint8Array>;
}

export interface SendLeafTweak extends LeafTweak {
  secretCipher: Uint8Array;
  signature: Uint8Array;
}

export interface TweakedKeyshare {
  secretShare: Uint8Array;
  groupKey: Uint8Array;
  publicShares: Record<string, Uint8Array>;
}

function decrypt(blob: Uint8Array | undefined, privateKey: Uint8Array, self: string): Uint8Array {
  if (blob === undefined || blob.length === 0) throw bad(`key_tweak_package has no entry for operator ${self}`);
  try {
    return decryptEcies(blob, privateKey);
  } catch (e) {
    throw bad(`key_tweak_package entry for operator ${self} does not decrypt with its identity key: ${(e as Error).message}`);
  }
}

function decode<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw bad(`key_tweak_package entry is not a valid ${what}: ${(e as Error).message}`);
  }
}

/** What a send and a claim entry both carry: the leaf, this operator's share with its proofs, every public-share tweak. */
interface LeafTweakEntry {
  leafId: string;
  secretShareTweak?: { secretShare: Uint8Array; proofs: Uint8Array[] } | undefined;
  pubkeySharesTweak: Record<string, Uint8Array>;
}

function leafTweak(l: LeafTweakEntry): LeafTweak {
  return {
    leafId: l.leafId,
    share: l.secretShareTweak?.secretShare ?? new Uint8Array(0),
    proofs: l.secretShareTweak?.proofs ?? [],
    pubkeySharesTweak: l.pubkeySharesTweak,
  };
}

export function openSendTweaks(blob: Uint8Array | undefined, privateKey: Uint8Array, self: string): SendLeafTweak[] {
  const msg = decode('SendLeafKeyTweaks', () => SendLeafKeyTweaks.decode(decrypt(blob, privateKey, self)));
  return msg.leavesToSend.map((l) => ({ ...leafTweak(l), secretCipher: l.secretCipher, signature: l.signature }));
}

export function openClaimTweaks(blob: Uint8Array | undefined, privateKey: Uint8Array, self: string): LeafTweak[] {
  const msg = decode('ClaimLeafKeyTweaks', () => ClaimLeafKeyTweaks.decode(decrypt(blob, privateKey, self)));
  return msg.leavesToReceive.map(leafTweak);
}

function point(b: Uint8Array, what: string): InstanceType<typeof Point> {
  try {
    // Compressed points (all the wallet sends) through the core's curve backend, which
    // decompresses natively when libsecp256k1 loads; any other encoding as noble parses it.
    return b.length === 33 ? pointFromBytes(Uint8Array.from(b), what) : Point.fromBytes(Uint8Array.from(b));
  } catch {
    throw bad(`${what} is not a valid secp256k1 point`);
  }
}

/** Σ proofs[k]·x^k (public data only). */
function evaluate(proofs: InstanceType<typeof Point>[], x: bigint): InstanceType<typeof Point> {
  let acc = Point.ZERO;
  let xk = 1n;
  for (const p of proofs) {
    acc = acc.add(p.multiplyUnsafe(xk));
    xk = (xk * x) % N;
  }
  return acc;
}

/**
 * This operator's share must match the commitments at its index (VSS), the polynomial must have
 * degree t−1, and the public-share tweaks must name exactly the operators, each equal to the
 * commitments evaluated at that operator's index.
 */
export function checkTweak(t: LeafTweak, self: string, threshold: number, operators: string[]): void {
  const where = `leaf ${t.leafId}`;
  if (t.proofs.length !== threshold) throw bad(`${where}: the tweak has ${t.proofs.length} commitments, the threshold is ${threshold}`);
  if (t.share.length !== 32) throw bad(`${where}: the secret share tweak must be 32 bytes`);
  try {
    validateShare({ threshold, index: Number(identifierToScalar(self)), share: Uint8Array.from(t.share), proofs: t.proofs.map((p) => Uint8Array.from(p)) });
  } catch (e) {
    if (isSparkCryptoError(e)) throw bad(`${where}: the secret share tweak for operator ${self} does not match its proofs (${e.message})`);
    throw e;
  }
  const names = Object.keys(t.pubkeySharesTweak).sort();
  if (names.length !== operators.length || names.some((n, i) => n !== [...operators].sort()[i])) {
    throw bad(`${where}: pubkey_shares_tweak must have exactly one entry per operator (${operators.length}), has ${names.length}`);
  }
  const commitments = t.proofs.map((p, k) => point(p, `${where}: proof ${k}`));
  for (const id of operators) {
    const given = point(t.pubkeySharesTweak[id] as Uint8Array, `${where}: pubkey share tweak of ${id}`);
    if (!given.equals(evaluate(commitments, identifierToScalar(id)))) {
      throw bad(`${where}: the public share tweak of operator ${id} does not match the tweak's commitments`);
    }
  }
}

/** SHA-256 over every leaf's commitments and public-share tweaks, in leaf order: equal on every operator iff they got shares of the same tweaks. */
export function tweakDigest(tweaks: LeafTweak[], operators: string[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const t of tweaks) {
    parts.push(new TextEncoder().encode(t.leafId), Uint8Array.of(0));
    for (const p of t.proofs) parts.push(Uint8Array.from(p));
    for (const id of [...operators].sort()) parts.push(Uint8Array.from(t.pubkeySharesTweak[id] as Uint8Array));
  }
  return sha256(concatBytes(...parts));
}

export function leafDigest(t: LeafTweak, operators: string[]): string {
  return bytesToHex(tweakDigest([t], operators));
}

export function applyTweak(key: Keyshare, t: LeafTweak): TweakedKeyshare {
  const s = (BigInt('0x' + bytesToHex(key.secretShare)) + BigInt('0x' + bytesToHex(Uint8Array.from(t.share)))) % N;
  const secretShare = new Uint8Array(32);
  secretShare.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex'));
  const groupKey = point(key.groupKey, 'group key').add(point(t.proofs[0] as Uint8Array, 'proof 0')).toBytes(true);
  const publicShares: Record<string, Uint8Array> = {};
  for (const [id, pub] of Object.entries(key.publicShares)) {
    const tw = t.pubkeySharesTweak[id];
    if (tw === undefined) throw bad(`leaf ${t.leafId}: no public share tweak for operator ${id}`);
    publicShares[id] = point(pub, 'public share').add(point(tw, `public share tweak of ${id}`)).toBytes(true);
  }
  return { secretShare, groupKey, publicShares };
}

/** The owner's signing key after a tweak: verifying key − new group key. */
export function ownerKeyAfter(verifyingKey: Uint8Array, newGroupKey: Uint8Array): Uint8Array {
  return point(verifyingKey, 'verifying key').subtract(point(newGroupKey, 'group key')).toBytes(true);
}
