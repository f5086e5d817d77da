import { concatBytes } from '@noble/hashes/utils.js';
import { readU32be, u32be } from './bytes.js';
import { invalidArgument, malformedResponse } from './errors.js';
import { encodeKeyRef, type KeyRef } from './keyref.js';

/** GET_VERSION reply (device-app/PROTOCOL.md, 0x01). */
export interface AppVersion {
  major: number;
  minor: number;
  patch: number;
  blindSigningEnabled: boolean;
  /** SIGN_IDENTITY_CLEAR signs the service provider's login (mode 0x04, flag bit1). */
  providerLogin: boolean;
  maxCommitmentsPerCall: number;
  nonceWindow: number;
  maxOperators: number;
}

export function decodeVersion(data: Uint8Array): AppVersion {
  if (data.length !== 8) {
    throw malformedResponse(`GET_VERSION reply must be 8 bytes, got ${data.length}`);
  }
  const b = (i: number): number => data[i] ?? 0;
  return {
    major: b(0),
    minor: b(1),
    patch: b(2),
    blindSigningEnabled: (b(3) & 1) === 1,
    providerLogin: (b(3) & 2) === 2,
    maxCommitmentsPerCall: b(4),
    nonceWindow: (b(5) << 8) | b(6),
    maxOperators: b(7),
  };
}

export type IdentitySignatureScheme = 'ecdsa-der' | 'ecdsa-compact' | 'schnorr';

export const SIGN_SCHEME_P1: Record<IdentitySignatureScheme, number> = {
  'ecdsa-der': 0x00,
  'ecdsa-compact': 0x01,
  schnorr: 0x02,
};

export function encodeSignIdentity(account: number, digest: Uint8Array): Uint8Array {
  if (digest.length !== 32) {
    throw invalidArgument(`identity signatures are over a 32-byte digest, got ${digest.length} bytes`);
  }
  return concatBytes(u32be(account), digest);
}

/** A FROST commitment issued by the device; `ref` names its nonces, which never leave it. */
export interface DeviceCommitment {
  ref: number;
  hiding: Uint8Array;
  binding: Uint8Array;
}

export function decodeCommitments(data: Uint8Array, expected: number): DeviceCommitment[] {
  if (data.length !== 4 + 66 * expected) {
    throw malformedResponse(`FROST_COMMIT reply for ${expected} commitments must be ${4 + 66 * expected} bytes, got ${data.length}`);
  }
  const first = readU32be(data, 0);
  const out: DeviceCommitment[] = [];
  for (let i = 0; i < expected; i++) {
    const off = 4 + 66 * i;
    out.push({ ref: first + i, hiding: data.slice(off, off + 33), binding: data.slice(off + 33, off + 66) });
  }
  return out;
}

/** One signing operator's commitment, keyed by its FROST identifier (32-byte scalar). */
export interface OperatorCommitment {
  identifier: Uint8Array;
  hiding: Uint8Array;
  binding: Uint8Array;
}

export interface FrostSignRequest {
  key: KeyRef;
  /** The 32-byte message (sighash). */
  message: Uint8Array;
  /** Untweaked verifying key: user public key + operators' group key (33 bytes). */
  verifyingKey: Uint8Array;
  /** The device commitment whose nonces sign (as returned by FROST_COMMIT). */
  userCommitment: DeviceCommitment;
  operators: readonly OperatorCommitment[];
  adaptorPublicKey?: Uint8Array;
}

export function checkLen(name: string, b: Uint8Array, n: number): void {
  if (b.length !== n) {
    throw invalidArgument(`${name} must be ${n} bytes, got ${b.length}`);
  }
}

export function encodeFrostSign(req: FrostSignRequest): Uint8Array {
  checkLen('message', req.message, 32);
  return encodeFrostPackage(req, req.message);
}

/** The signing package of FROST_SIGN, with the message field (FROST_SIGN) or without (FROST_SIGN_TX). */
export function encodeFrostPackage(req: Omit<FrostSignRequest, 'message'>, message?: Uint8Array): Uint8Array {
  checkLen('verifying key', req.verifyingKey, 33);
  checkLen('user hiding commitment', req.userCommitment.hiding, 33);
  checkLen('user binding commitment', req.userCommitment.binding, 33);
  if (req.operators.length < 1 || req.operators.length > 255) {
    throw invalidArgument(`operator count ${req.operators.length} does not fit the encoding`);
  }
  const ops = req.operators.map((op, i) => {
    checkLen(`operators[${i}].identifier`, op.identifier, 32);
    checkLen(`operators[${i}].hiding`, op.hiding, 33);
    checkLen(`operators[${i}].binding`, op.binding, 33);
    return concatBytes(op.identifier, op.hiding, op.binding);
  });
  const adaptor =
    req.adaptorPublicKey === undefined
      ? new Uint8Array([0])
      : (checkLen('adaptor public key', req.adaptorPublicKey, 33), concatBytes(new Uint8Array([1]), req.adaptorPublicKey));
  return concatBytes(
    encodeKeyRef(req.key),
    message ?? new Uint8Array(),
    req.verifyingKey,
    u32be(req.userCommitment.ref),
    req.userCommitment.hiding,
    req.userCommitment.binding,
    new Uint8Array([req.operators.length]),
    ...ops,
    adaptor,
  );
}

/** HTLC_HMAC request: account || len || transfer id (device-app/PROTOCOL.md, 0x40). */
export function encodeHtlcHmac(account: number, transferId: string): Uint8Array {
  const id = new TextEncoder().encode(transferId);
  if (id.length < 1 || id.length > 64) {
    throw invalidArgument(`HTLC transfer id must be 1..64 bytes, got ${id.length}`);
  }
  return concatBytes(u32be(account), new Uint8Array([id.length]), id);
}

/** EXPORT_STATIC_KEY request: account || index (device-app/PROTOCOL.md, 0x50). */
export function encodeExportStaticKey(account: number, index: number): Uint8Array {
  return concatBytes(u32be(account), u32be(index));
}

/** Length of an ECIES ciphertext of a 32-byte key: 65 + 16 + 16 + 32 (docs/keys-and-frost.md, "ECIES"). */
export const ECIES_KEY_CIPHERTEXT_LEN = 129;

/** ECIES_PUBLIC_KEY request: account || ciphertext (device-app/PROTOCOL.md, 0x33). */
export function encodeEciesPublicKey(account: number, ciphertext: Uint8Array): Uint8Array {
  if (ciphertext.length !== ECIES_KEY_CIPHERTEXT_LEN) {
    throw invalidArgument(`an ECIES ciphertext of a key is ${ECIES_KEY_CIPHERTEXT_LEN} bytes, got ${ciphertext.length}`);
  }
  return concatBytes(u32be(account), ciphertext);
}

/** KEY_SPLIT (device-app/PROTOCOL.md, 0x32): the key tweak of a transfer or of a claim. */
export type KeySplitRequest =
  | { mode: 'transfer'; leaf: KeyRef; receiverPublicKey: Uint8Array; threshold: number; numShares: number }
  | { mode: 'claim'; account: number; ciphertext: Uint8Array; leaf: KeyRef; threshold: number; numShares: number };

/** Feldman VSS of the difference: t proofs (a_j·G), shares for indices 1..n; the transfer's ciphertext. */
export interface KeySplitResult {
  proofs: Uint8Array[];
  shares: Uint8Array[];
  ciphertext?: Uint8Array;
}

export const KEY_SPLIT_MAX_SHARES = 8;

export function encodeKeySplit(req: KeySplitRequest): Uint8Array {
  const { threshold: t, numShares: n } = req;
  if (!Number.isInteger(t) || !Number.isInteger(n) || t < 1 || t > n || n > KEY_SPLIT_MAX_SHARES) {
    throw invalidArgument(`key split needs 1 <= threshold <= shares <= ${KEY_SPLIT_MAX_SHARES}, got threshold ${t}, shares ${n}`);
  }
  if (req.mode === 'transfer') {
    checkLen('receiver public key', req.receiverPublicKey, 33);
    return concatBytes(new Uint8Array([0x00, t, n]), encodeKeyRef(req.leaf), req.receiverPublicKey);
  }
  checkLen('ECIES ciphertext', req.ciphertext, ECIES_KEY_CIPHERTEXT_LEN);
  return concatBytes(new Uint8Array([0x01, t, n]), u32be(req.account), req.ciphertext, encodeKeyRef(req.leaf));
}

/** Length of the KEY_SPLIT result for a request. */
export function keySplitResultLength(req: KeySplitRequest): number {
  return 33 * req.threshold + 32 * req.numShares + (req.mode === 'transfer' ? ECIES_KEY_CIPHERTEXT_LEN : 0);
}

export function decodeKeySplit(req: KeySplitRequest, data: Uint8Array): KeySplitResult {
  const expected = keySplitResultLength(req);
  if (data.length !== expected) {
    throw malformedResponse(`KEY_SPLIT result must be ${expected} bytes, got ${data.length}`);
  }
  const proofs = Array.from({ length: req.threshold }, (_, j) => data.slice(33 * j, 33 * j + 33));
  const base = 33 * req.threshold;
  const shares = Array.from({ length: req.numShares }, (_, i) => data.slice(base + 32 * i, base + 32 * i + 32));
  const end = base + 32 * req.numShares;
  return req.mode === 'transfer' ? { proofs, shares, ciphertext: data.slice(end, end + ECIES_KEY_CIPHERTEXT_LEN) } : { proofs, shares };
}

/**
 * SPLIT_PREPARE (device-app/PROTOCOL.md, 0x3A): the device makes the randomness of up to
 * `count` future transfer splits of threshold `threshold` ahead, in a pool of
 * SPLIT_PREPARE_MAX_COUNT; thresholds above SPLIT_PREPARE_MAX_THRESHOLD are never prepared.
 */
export const SPLIT_PREPARE_MAX_COUNT = 8;
export const SPLIT_PREPARE_MAX_THRESHOLD = 3;

export function checkSplitPrepare(count: number, threshold: number): void {
  if (!Number.isInteger(count) || count < 0 || count > SPLIT_PREPARE_MAX_COUNT) {
    throw invalidArgument(`split prepare count must be 0..${SPLIT_PREPARE_MAX_COUNT}, got ${count}`);
  }
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > SPLIT_PREPARE_MAX_THRESHOLD) {
    throw invalidArgument(`split prepare threshold must be 1..${SPLIT_PREPARE_MAX_THRESHOLD}, got ${threshold}`);
  }
}

/** Address prefix the device shows for the sweep's destination (SIGN_EXIT_SWEEP network byte). */
export type SweepNetwork = 'bitcoin' | 'testnet' | 'regtest';
const SWEEP_NETWORK_BYTE: Record<SweepNetwork, number> = { bitcoin: 0, testnet: 1, regtest: 2 };

/**
 * SIGN_EXIT_SWEEP (device-app/PROTOCOL.md, 0x51): a one-input, one-output sweep of a leaf's exit
 * output (P2TR of the tweaked leaf key, which the device derives itself).
 */
export interface ExitSweepRequest {
  /** The key the exit output pays: a leaf key, or the identity key (unclaimed transfer). */
  refundKey: KeyRef;
  network: SweepNetwork;
  version: number;
  locktime: number;
  /** The spent output: txid as displayed (big-endian hex order), vout, amount in sats. */
  prevout: { txid: Uint8Array; vout: number; amount: bigint };
  sequence: number;
  output: { script: Uint8Array; amount: bigint };
}

export function u64be(v: bigint, name: string): Uint8Array {
  if (v < 0n || v >= 1n << 64n) {
    throw invalidArgument(`${name} must be a u64, got ${v}`);
  }
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, v, false);
  return out;
}

export function encodeExitSweep(req: ExitSweepRequest): Uint8Array {
  checkLen('prevout txid', req.prevout.txid, 32);
  if (req.output.script.length < 1 || req.output.script.length > 255) {
    throw invalidArgument(`output script must be 1..255 bytes, got ${req.output.script.length}`);
  }
  return concatBytes(
    encodeKeyRef(req.refundKey),
    new Uint8Array([SWEEP_NETWORK_BYTE[req.network]]),
    u32be(req.version),
    u32be(req.locktime),
    req.prevout.txid.slice().reverse(), // serialized order on the wire
    u32be(req.prevout.vout),
    u64be(req.prevout.amount, 'prevout amount'),
    u32be(req.sequence),
    u64be(req.output.amount, 'output amount'),
    new Uint8Array([req.output.script.length]),
    req.output.script,
  );
}
