/**
 * Test helper: a raw gRPC client for one operator's public port, trusting the network CA,
 * with the authn handshake done by hand (so tests can also do it wrong).
 */
import { readFileSync } from 'node:fs';
import { ChannelCredentials } from '@grpc/grpc-js';
import { sha256 } from '@noble/hashes/sha2.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Metadata, createChannel, createClient } from 'nice-grpc';
import type { Channel } from 'nice-grpc';
import { SparkServiceDefinition } from '@buildonspark/spark-sdk/proto/spark';
import type { SparkServiceClient } from '@buildonspark/spark-sdk/proto/spark';
import { encodeChallenge } from '../authn/challenge.js';
import { SparkAuthnServiceDefinition } from '../grpc/generated/spark_authn.js';
import type { Challenge, ProtectedChallenge, SparkAuthnServiceClient } from '../grpc/generated/spark_authn.js';

/** The authn client, get_challenge's answer checked to hold a challenge (so tests can alter it). */
export interface AuthnClient {
  get_challenge(req: { public_key: Uint8Array }): Promise<{ protected_challenge: ProtectedChallenge & { challenge: Challenge } }>;
  verify_challenge: SparkAuthnServiceClient['verify_challenge'];
}

export class TestClient {
  readonly channel: Channel;
  readonly authn: AuthnClient;
  constructor(address: string, caPath: string) {
    this.channel = createChannel(address.replace(/^https:\/\//, ''), ChannelCredentials.createSsl(readFileSync(caPath)));
    const authn = createClient(SparkAuthnServiceDefinition, this.channel);
    this.authn = {
      async get_challenge(req) {
        const { protected_challenge: pc } = await authn.get_challenge(req);
        if (pc?.challenge === undefined) throw new Error('the operator answered get_challenge without a challenge');
        return { protected_challenge: { ...pc, challenge: pc.challenge } };
      },
      verify_challenge: (req, options) => authn.verify_challenge(req, options),
    };
  }

  /** Signs a challenge as the SDK does: DER ECDSA over SHA-256 of the canonical Challenge bytes. */
  static sign(challenge: Challenge, priv: Uint8Array): Uint8Array {
    const digest = sha256(encodeChallenge({ version: challenge.version, timestamp: challenge.timestamp, nonce: challenge.nonce, publicKey: challenge.public_key }));
    return secp256k1.sign(digest, priv).toDERRawBytes();
  }

  async login(priv: Uint8Array): Promise<string> {
    const pub = secp256k1.getPublicKey(priv, true);
    const { protected_challenge: pc } = await this.authn.get_challenge({ public_key: pub });
    const res = await this.authn.verify_challenge({ protected_challenge: pc, signature: TestClient.sign(pc.challenge, priv), public_key: pub });
    return res.session_token;
  }

  spark(token?: string): SparkServiceClient {
    const metadata = new Metadata();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    return createClient(SparkServiceDefinition, this.channel, { '*': { metadata } }) as SparkServiceClient;
  }

  close(): void {
    this.channel.close();
  }
}
