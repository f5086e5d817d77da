import { getSparkFrost } from '@buildonspark/spark-sdk';
import {
  generateNonce,
  hexToBytes,
  operatorIdentifier,
  pointFromBytes,
  pointToBytes,
  runDkgInProcess,
  signFrostOperator,
  verifySignatureShare,
} from '../../src/crypto/index.js';
import type { CommitmentMap, SigningCommitment, SigningContextInput, SigningNonce } from '../../src/crypto/index.js';
import type { OperatorCommitment } from '../../src/device/messages.js';

/**
 * The operators' side of a Spark nested-FROST signature for the device tests: a t-of-n operator
 * group from the project's Pedersen DKG signs with the device (the user), so a device share can be
 * aggregated by the SDK's aggregateFrost and the result checked as a BIP340 signature. All the
 * FROST arithmetic is src/crypto's (bit-exact with the SDK, proven by its oracle suites); this
 * file only wires it to the device client's shapes.
 */

export interface Operator {
  /** 64-hex FROST identifier ("00…01", "00…02", …). */
  identifier: string;
  secretShare: Uint8Array;
  /** Untweaked s_i·G. */
  publicShare: Uint8Array;
}

export interface OperatorGroup {
  operators: Operator[];
  groupPublicKey: Uint8Array;
}

/** A t-of-n operator group from an in-process DKG; identifiers 1..n. */
export function makeOperatorGroup(threshold: number, n: number): OperatorGroup {
  const results = runDkgInProcess(
    Array.from({ length: n }, (_, i) => operatorIdentifier(i + 1)),
    threshold,
  );
  const first = results[0];
  if (first === undefined) {
    throw new Error(`DKG of ${n} operators returned no result`);
  }
  return {
    operators: results.map((r) => ({ identifier: r.identifier, secretShare: r.secretShare, publicShare: r.publicShare })),
    groupPublicKey: first.groupPublicKey,
  };
}

export interface OperatorNonce {
  op: Operator;
  nonce: SigningNonce;
  /** The commitment in the device client's shape (32-byte identifier). */
  commitment: OperatorCommitment;
}

/** A fresh nonce pair and commitment for each signing operator. */
export function operatorNonces(ops: Operator[]): OperatorNonce[] {
  return ops.map((op) => {
    const { nonce, commitment } = generateNonce(op.secretShare);
    return { op, nonce, commitment: { identifier: hexToBytes(op.identifier), hiding: commitment.hiding, binding: commitment.binding } };
  });
}

/** P = user public key + operator group public key (untweaked), as Spark forms it. */
export function verifyingKeyFor(userPublicKey: Uint8Array, group: OperatorGroup): Uint8Array {
  return pointToBytes(pointFromBytes(userPublicKey, 'user public key').add(pointFromBytes(group.groupPublicKey, 'group public key')));
}

/** One signing round as the operators see it: the public data every share is computed over. */
export interface OperatorRound {
  message: Uint8Array;
  verifyingKey: Uint8Array;
  userCommitment: SigningCommitment;
  ops: readonly OperatorNonce[];
  adaptorPubKey?: Uint8Array | undefined;
}

/** A value per signing operator, keyed by 64-hex identifier (the SDK's statechain* maps). */
function byOperator<T>(ops: readonly OperatorNonce[], f: (o: OperatorNonce) => T): Record<string, T> {
  return Object.fromEntries(ops.map((o) => [o.op.identifier, f(o)]));
}

export function operatorCommitmentMap(ops: readonly OperatorNonce[]): CommitmentMap {
  return byOperator(ops, (o) => ({ hiding: o.commitment.hiding, binding: o.commitment.binding }));
}

export function operatorPublicShares(ops: readonly OperatorNonce[]): Record<string, Uint8Array> {
  return byOperator(ops, (o) => o.op.publicShare);
}

function contextInput(round: OperatorRound): SigningContextInput {
  return {
    message: round.message,
    verifyingKey: round.verifyingKey,
    operatorCommitments: operatorCommitmentMap(round.ops),
    userCommitment: { hiding: round.userCommitment.hiding, binding: round.userCommitment.binding },
    adaptorPubKey: round.adaptorPubKey,
  };
}

/** Every signing operator's share z_i, keyed by identifier. */
export function operatorShares(round: OperatorRound): Record<string, Uint8Array> {
  const ctx = contextInput(round);
  return byOperator(round.ops, (o) =>
    signFrostOperator({ ...ctx, identifier: o.op.identifier, secretShare: o.op.secretShare, publicShare: o.op.publicShare, nonce: o.nonce }),
  );
}

/** The single-share verification equation for the user's (device's) share. */
export function verifyUserShare(round: OperatorRound, share: Uint8Array, userPublicKey: Uint8Array): boolean {
  return verifySignatureShare({ ...contextInput(round), signer: { role: 'user', publicKey: userPublicKey }, share });
}

/**
 * The user's (device's) share aggregated with every signing operator's share by the SDK's
 * aggregateFrost: a BIP340 signature (adaptor-tweaked when the round has an adaptor point).
 */
export async function aggregateWithOperators(round: OperatorRound, share: Uint8Array, userPublicKey: Uint8Array): Promise<Uint8Array> {
  return getSparkFrost().aggregateFrost({
    message: round.message,
    statechainCommitments: operatorCommitmentMap(round.ops),
    selfCommitment: { hiding: round.userCommitment.hiding, binding: round.userCommitment.binding },
    statechainSignatures: operatorShares(round),
    selfSignature: share,
    statechainPublicKeys: operatorPublicShares(round.ops),
    selfPublicKey: userPublicKey,
    verifyingKey: round.verifyingKey,
    adaptorPubKey: round.adaptorPubKey,
  });
}
