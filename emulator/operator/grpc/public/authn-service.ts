/**
 * spark_authn.SparkAuthnService on the wire: translates its messages (proto/spark_authn.proto) to
 * and from the authn domain service (authn/authn-service.ts).
 */
import type { AuthnService, IssuedChallenge } from '../../authn/authn-service.js';
import { OperatorError } from '../../errors.js';
import type { ProtectedChallenge, SparkAuthnServiceImplementation } from '../generated/spark_authn.js';

function toWire(c: IssuedChallenge): ProtectedChallenge {
  const { version, timestamp, nonce, publicKey } = c.challenge;
  return { version: c.version, challenge: { version, timestamp, nonce, public_key: publicKey }, server_hmac: c.serverHmac };
}

function fromWire(pc: ProtectedChallenge | undefined): IssuedChallenge {
  const c = pc?.challenge;
  if (pc === undefined || c === undefined) throw new OperatorError('INVALID_ARGUMENT', 'protected_challenge.challenge is missing');
  return { version: pc.version, challenge: { version: c.version, timestamp: c.timestamp, nonce: c.nonce, publicKey: c.public_key }, serverHmac: pc.server_hmac };
}

export function createAuthnService(authn: AuthnService): SparkAuthnServiceImplementation {
  return {
    async get_challenge(req) {
      return { protected_challenge: toWire(authn.issueChallenge(req.public_key)) };
    },
    async verify_challenge(req) {
      const session = await authn.verifyChallenge(fromWire(req.protected_challenge), req.signature, req.public_key);
      return { session_token: session.token, expiration_timestamp: session.expiresAt };
    },
  };
}
