import { describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1';
import { getSparkFrost } from '@buildonspark/spark-sdk';
import {
  hex,
  makeOperatorGroup,
  operatorNonces,
  operatorShare,
  randomAdaptor,
  schnorrVerify,
  signingContext,
  verifyUserShare,
  verifyingKeyFor,
} from './frost-operators.js';

/**
 * Checks the test-side operator simulation itself against the SDK (signFrost for the user with
 * known nonces, aggregateFrost for the whole), so a failing device test points at the device.
 */
describe('simulated operator group (test helper) against the SDK', () => {
  for (const withAdaptor of [false, true]) {
    it(`aggregates with an SDK user share into a valid signature${withAdaptor ? ' (adaptor)' : ''}`, async () => {
      const frost = getSparkFrost();
      const group = makeOperatorGroup(2, 3);
      const signers = group.operators.slice(0, 2);
      const userSecret = secp256k1.utils.randomPrivateKey();
      const userPub = secp256k1.getPublicKey(userSecret, true);
      const verifyingKey = verifyingKeyFor(userPub, group);
      const nonce = { hiding: secp256k1.utils.randomPrivateKey(), binding: secp256k1.utils.randomPrivateKey() };
      const selfCommitment = {
        hiding: secp256k1.getPublicKey(nonce.hiding, true),
        binding: secp256k1.getPublicKey(nonce.binding, true),
      };
      const message = secp256k1.utils.randomPrivateKey();
      const ops = operatorNonces(signers);
      const adaptor = withAdaptor ? randomAdaptor() : undefined;
      const statechainCommitments = Object.fromEntries(ops.map((o) => [hex(o.commitment.identifier), { hiding: o.commitment.hiding, binding: o.commitment.binding }]));
      const userShare = await frost.signFrost({
        message,
        keyPackage: { secretKey: userSecret, publicKey: userPub, verifyingKey },
        nonce,
        selfCommitment,
        statechainCommitments,
        adaptorPubKey: adaptor?.point,
      });
      const ctx = signingContext(message, verifyingKey, { ref: 0, ...selfCommitment }, ops, adaptor?.point);
      expect(verifyUserShare(ctx, userShare, { ref: 0, ...selfCommitment }, userPub)).toBe(true);
      const ids = signers.map((s) => s.id);
      const sig = await frost.aggregateFrost({
        message,
        statechainCommitments,
        selfCommitment,
        statechainSignatures: Object.fromEntries(ops.map((o) => [hex(o.commitment.identifier), operatorShare(ctx, o, ids)])),
        selfSignature: userShare,
        statechainPublicKeys: Object.fromEntries(ops.map((o) => [hex(o.commitment.identifier), o.op.publicShare])),
        selfPublicKey: userPub,
        verifyingKey,
        adaptorPubKey: adaptor?.point,
      });
      if (adaptor === undefined) {
        expect(schnorrVerify(sig, message, ctx.Q)).toBe(true);
      } else {
        const full = frost.applyAdaptorToSignature(ctx.Q.toRawBytes(true).slice(1), message, sig, adaptor.secret);
        expect(schnorrVerify(full, message, ctx.Q)).toBe(true);
      }
    });
  }
});
