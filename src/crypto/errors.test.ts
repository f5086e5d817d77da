/**
 * Bad input gives a typed SparkCryptoError with the right code (and culprit where a
 * participant is at fault) — never a signature. One or more cases per error code.
 */
import { describe, expect, it } from 'vitest';
import { CURVE_ORDER, G, bytesToHex, hexToBytes, publicKeyOf, scalarToBytes } from './bytes.js';
import type { SparkCryptoErrorCode } from './errors.js';
import { aggregateFrost } from './frost/aggregate.js';
import { buildSigningContext } from './frost/context.js';
import { identifierToScalar, operatorIdentifier, USER_IDENTIFIER } from './frost/identifiers.js';
import { lagrangeCoefficient } from './frost/lagrange.js';
import { generateNonce } from './frost/nonces.js';
import { signFrostOperator } from './frost/operator-share.js';
import { signFrost } from './frost/user-share.js';
import { verifySignatureShare } from './frost/verify-share.js';
import { aggregateParams, makeGroup, makeRound, operatorSignParams, userSignParams } from './testing/frost-fixtures.js';
import type { FrostRound } from './testing/frost-fixtures.js';
import { SeededRandom } from './testing/prng.js';
import { recoverSecret, splitSecretWithProofs, validateShare } from './vss.js';

/** `fn` throws a SparkCryptoError with `code` (named in its message too) and, when given, `culprit`. */
function expectError(fn: () => unknown, code: SparkCryptoErrorCode, culprit?: string): void {
  const expected = { name: 'SparkCryptoError', code, message: expect.stringContaining(code), ...(culprit === undefined ? {} : { culprit }) };
  expect(fn, `expected ${code}`).toThrow(expect.objectContaining(expected));
}

const rng = new SeededRandom('errors-1');
const group = makeGroup(rng, 3, 2, 'dealer');
const OFF_CURVE = Uint8Array.of(2, ...new Uint8Array(31), 5); // x = 5: 5³ + 7 is not a square mod p
const ID1 = operatorIdentifier(1);
const ID2 = operatorIdentifier(2);


/** Our aggregate input for a round with honest shares everywhere. */
const aggregateInput = (r: FrostRound) => aggregateParams(r, signFrost(userSignParams(r)));

describe('typed errors', () => {
  const r = makeRound(rng, group, [0, 1], true);

  it('the honest round signs (so each failure below is caused by its one change)', () => {
    expect(aggregateFrost(aggregateInput(r))).toHaveLength(64);
  });

  it('INVALID_LENGTH: wrong-length keys, shares, commitments', () => {
    expectError(() => signFrost({ ...userSignParams(r), keyPackage: { ...userSignParams(r).keyPackage, secretKey: new Uint8Array(31) } }), 'INVALID_LENGTH');
    expectError(() => signFrost({ ...userSignParams(r), keyPackage: { ...userSignParams(r).keyPackage, verifyingKey: new Uint8Array(65) } }), 'INVALID_LENGTH');
    expectError(() => aggregateFrost({ ...aggregateInput(r), selfSignature: new Uint8Array(33) }), 'INVALID_LENGTH');
    expectError(() => signFrost({ ...userSignParams(r), selfCommitment: { ...r.userCommitment, binding: new Uint8Array(32) } }), 'INVALID_LENGTH');
  });

  it('INVALID_HEX', () => {
    expectError(() => hexToBytes('0g'), 'INVALID_HEX');
    expectError(() => hexToBytes('abc'), 'INVALID_HEX');
  });

  it('INVALID_POINT: off-curve commitment (culprit named), verifying key, adaptor, public share; x ≥ p; bad prefix', () => {
    const bad = { ...r.operatorCommitments, [ID2]: { hiding: OFF_CURVE, binding: r.operatorCommitments[ID2]?.binding ?? new Uint8Array() } };
    expectError(() => signFrost({ ...userSignParams(r), statechainCommitments: bad }), 'INVALID_POINT', ID2);
    expectError(() => signFrost({ ...userSignParams(r), keyPackage: { ...userSignParams(r).keyPackage, verifyingKey: OFF_CURVE } }), 'INVALID_POINT');
    expectError(() => signFrost({ ...userSignParams(r), adaptorPubKey: OFF_CURVE }), 'INVALID_POINT');
    const input = aggregateInput(r);
    expectError(() => aggregateFrost({ ...input, statechainPublicKeys: { ...input.statechainPublicKeys, [ID1]: OFF_CURVE } }), 'INVALID_POINT', ID1);
    expectError(() => aggregateFrost({ ...input, selfPublicKey: Uint8Array.of(3, ...new Uint8Array(32).fill(0xff)) }), 'INVALID_POINT');
    expectError(() => signFrost({ ...userSignParams(r), selfCommitment: { ...r.userCommitment, hiding: Uint8Array.of(4, ...r.userCommitment.hiding.subarray(1)) } }), 'INVALID_POINT', USER_IDENTIFIER);
  });

  it('INVALID_SCALAR: zero or ≥ n secret key, nonce, share', () => {
    const kp = userSignParams(r).keyPackage;
    expectError(() => signFrost({ ...userSignParams(r), keyPackage: { ...kp, secretKey: new Uint8Array(32) } }), 'INVALID_SCALAR');
    expectError(() => signFrost({ ...userSignParams(r), keyPackage: { ...kp, secretKey: new Uint8Array(32).fill(0xff) } }), 'INVALID_SCALAR');
    expectError(() => signFrost({ ...userSignParams(r), nonce: { ...r.userNonce, hiding: new Uint8Array(32) } }), 'INVALID_SCALAR');
    expectError(() => aggregateFrost({ ...aggregateInput(r), selfSignature: hexToBytes(CURVE_ORDER.toString(16)) }), 'INVALID_SCALAR');
    expectError(() => splitSecretWithProofs(new Uint8Array(32), 2, 3), 'INVALID_SCALAR');
  });

  it('INVALID_IDENTIFIER: short, zero, ≥ n, non-hex identifiers', () => {
    for (const id of ['01', '0'.repeat(64), 'f'.repeat(64), 'z'.repeat(64)]) expectError(() => identifierToScalar(id), 'INVALID_IDENTIFIER');
    expectError(() => signFrost({ ...userSignParams(r), statechainCommitments: { '01': r.userCommitment } }), 'INVALID_IDENTIFIER');
    expectError(() => operatorIdentifier(0), 'INVALID_IDENTIFIER');
  });

  it('DUPLICATE_PARTICIPANT: an identifier in two spellings, an operator using the user id, duplicate share indices', () => {
    const c1 = r.operatorCommitments[ID1];
    if (c1 === undefined) throw new Error('fixture');
    expectError(() => signFrost({ ...userSignParams(r), statechainCommitments: { ...r.operatorCommitments, ['0'.repeat(62) + '0A']: c1, ['0'.repeat(62) + '0a']: c1 } }), 'DUPLICATE_PARTICIPANT');
    expectError(() => signFrost({ ...userSignParams(r), statechainCommitments: { ...r.operatorCommitments, [USER_IDENTIFIER]: c1 } }), 'DUPLICATE_PARTICIPANT', USER_IDENTIFIER);
    const shares = splitSecretWithProofs(rng.scalar(), 2, 3, rng.source());
    expectError(() => recoverSecret([shares[0], shares[0]].filter((s) => s !== undefined)), 'DUPLICATE_PARTICIPANT');
    expectError(() => lagrangeCoefficient(1n, [1n, 2n, 1n]), 'DUPLICATE_PARTICIPANT');
  });

  it('MISSING_PARTICIPANT: no operators, a committed operator without a share or public share', () => {
    expectError(() => signFrost({ ...userSignParams(r), statechainCommitments: {} }), 'MISSING_PARTICIPANT');
    const input = aggregateInput(r);
    const { [ID2]: _dropped, ...oneSig } = input.statechainSignatures;
    expectError(() => aggregateFrost({ ...input, statechainSignatures: oneSig }), 'MISSING_PARTICIPANT', ID2);
    const { [ID1]: _droppedPub, ...onePub } = input.statechainPublicKeys;
    expectError(() => aggregateFrost({ ...input, statechainPublicKeys: onePub }), 'MISSING_PARTICIPANT', ID1);
    expectError(() => lagrangeCoefficient(3n, [1n, 2n]), 'MISSING_PARTICIPANT');
  });

  it('UNKNOWN_PARTICIPANT: a share from an operator without a commitment; signing as a non-signer', () => {
    const input = aggregateInput(r);
    const ID3 = operatorIdentifier(3);
    expectError(() => aggregateFrost({ ...input, statechainSignatures: { ...input.statechainSignatures, [ID3]: new Uint8Array(32) } }), 'UNKNOWN_PARTICIPANT', ID3);
    expectError(() => signFrostOperator({ ...operatorSignParams(r, 0), identifier: ID3, secretShare: group.secretShares[2] ?? new Uint8Array(), publicShare: undefined }), 'UNKNOWN_PARTICIPANT', ID3);
  });

  it('INVALID_THRESHOLD: VSS t < 2, t > n, too few shares to recover', () => {
    expectError(() => splitSecretWithProofs(rng.scalar(), 1, 3), 'INVALID_THRESHOLD');
    expectError(() => splitSecretWithProofs(rng.scalar(), 4, 3), 'INVALID_THRESHOLD');
    const shares = splitSecretWithProofs(rng.scalar(), 3, 5, rng.source());
    expectError(() => recoverSecret(shares.slice(0, 2)), 'INVALID_THRESHOLD');
    expectError(() => recoverSecret([]), 'INVALID_THRESHOLD');
  });

  it('INVALID_SIGNATURE_SHARE names the cheating operator or the user', () => {
    const input = aggregateInput(r);
    const bump = (b: Uint8Array): Uint8Array => scalarToBytes(BigInt('0x' + bytesToHex(b)) + 1n);
    expectError(() => aggregateFrost({ ...input, statechainSignatures: { ...input.statechainSignatures, [ID2]: bump(input.statechainSignatures[ID2] ?? new Uint8Array(32)) } }), 'INVALID_SIGNATURE_SHARE', ID2);
    expectError(() => aggregateFrost({ ...input, selfSignature: bump(input.selfSignature) }), 'INVALID_SIGNATURE_SHARE', USER_IDENTIFIER);
  });

  it('INVALID_SIGNATURE: every share verifies against its public share, but the shares belong to another group', () => {
    const other = makeGroup(rng, 3, 2, 'dealer');
    const input = aggregateInput(r);
    const sigs: Record<string, Uint8Array> = {};
    const pubs: Record<string, Uint8Array> = {};
    for (const i of r.signers) {
      const id = other.ids[i] ?? '';
      sigs[id] = signFrostOperator({ ...operatorSignParams(r, i), secretShare: other.secretShares[i] ?? new Uint8Array(), publicShare: other.publicShares[i] });
      pubs[id] = other.publicShares[i] ?? new Uint8Array();
      const ok = verifySignatureShare({ message: r.message, verifyingKey: r.verifyingKey, operatorCommitments: r.operatorCommitments, userCommitment: r.userCommitment, adaptorPubKey: r.adaptorPubKey, signer: { role: 'operator', identifier: id, publicShare: pubs[id] ?? new Uint8Array() }, share: sigs[id] ?? new Uint8Array() });
      expect(ok).toBe(true);
    }
    expectError(() => aggregateFrost({ ...input, statechainSignatures: sigs, statechainPublicKeys: pubs }), 'INVALID_SIGNATURE');
  });

  it('INVALID_SHARE: a VSS share that does not match its proofs, or with the wrong number of proofs', () => {
    const shares = splitSecretWithProofs(rng.scalar(), 3, 5, rng.source());
    const s = shares[1];
    if (s === undefined) throw new Error('fixture');
    expectError(() => validateShare({ ...s, index: 3 }), 'INVALID_SHARE');
    expectError(() => validateShare({ ...s, proofs: s.proofs.slice(0, 2) }), 'INVALID_SHARE');
    expectError(() => validateShare({ ...s, proofs: [G.multiply(5n).toBytes(true), ...s.proofs.slice(1)] }), 'INVALID_SHARE');
  });

  it('INVALID_COMMITMENT: a missing commitment object', () => {
    expectError(() => signFrost({ ...userSignParams(r), statechainCommitments: { ...r.operatorCommitments, [ID2]: undefined as never } }), 'INVALID_COMMITMENT', ID2);
  });

  it('NONCE_MISMATCH: a nonce that is not the one committed to (user and operator)', () => {
    const other = generateNonce(rng.scalar());
    expectError(() => signFrost({ ...userSignParams(r), nonce: other.nonce }), 'NONCE_MISMATCH');
    expectError(() => signFrostOperator({ ...operatorSignParams(r, 1), nonce: other.nonce }), 'NONCE_MISMATCH');
  });

  it('INVALID_KEY_PACKAGE: missing key package; operator public share not matching its secret share', () => {
    expectError(() => signFrost({ ...userSignParams(r), keyPackage: null as never }), 'INVALID_KEY_PACKAGE');
    expectError(() => signFrostOperator({ ...operatorSignParams(r, 0), publicShare: publicKeyOf(rng.scalar()) }), 'INVALID_KEY_PACKAGE', ID1);
  });

  it('the signing context is deterministic and order-independent in the commitment map', () => {
    const reversed = Object.fromEntries(Object.entries(r.operatorCommitments).reverse());
    const a = buildSigningContext({ message: r.message, verifyingKey: r.verifyingKey, operatorCommitments: r.operatorCommitments, userCommitment: r.userCommitment });
    const b = buildSigningContext({ message: r.message, verifyingKey: r.verifyingKey, operatorCommitments: reversed, userCommitment: r.userCommitment });
    expect(a.c).toBe(b.c);
    expect(bytesToHex(a.rx)).toBe(bytesToHex(b.rx));
  });
});
