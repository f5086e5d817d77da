/**
 * The SSP's client of the coordinator's spark_ssp.SparkSspService (proto/spark_ssp.proto),
 * authenticated with the SSP wallet's identity key through spark_authn as any wallet is
 * (docs/sdk-wire.md, section "What the wallet does to authenticate").
 */
import { readFileSync } from 'node:fs';
import { ChannelCredentials } from '@grpc/grpc-js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Metadata, createChannel, createClient, type Channel } from 'nice-grpc';
import { StartTransferRequest, Transfer } from '@buildonspark/spark-sdk/proto/spark';
import { encodeChallenge } from '../operator/authn/challenge.js';
import { loadService } from '../operator/proto-load.js';
import { SspError } from './errors.js';

interface WireChallenge { version: number; timestamp: number; nonce: Buffer; public_key: Buffer }
interface AuthnApi {
  get_challenge(req: { public_key: Uint8Array }): Promise<{ protected_challenge: { challenge: WireChallenge } }>;
  verify_challenge(req: { protected_challenge: unknown; signature: Uint8Array; public_key: Uint8Array }): Promise<{ session_token: string; expiration_timestamp: number }>;
}
interface SspApi {
  counter_swap_transfer(req: { start_transfer_request: Uint8Array; primary_transfer_id: string; adaptor_public_key: Uint8Array }, opts: { metadata: Metadata }): Promise<{ transfer: Buffer }>;
}

export interface IdentitySigner {
  getIdentityPublicKey(): Promise<Uint8Array>;
  /** DER ECDSA over the 32-byte digest as given */
  signMessageWithIdentityKey(digest: Uint8Array): Promise<Uint8Array>;
}

export class CoordinatorClient {
  private readonly channel: Channel;
  private readonly authn: AuthnApi;
  private readonly ssp: SspApi;
  private session: { token: string; expiresAt: number } | undefined;

  constructor(address: string, caPath: string, private readonly signer: IdentitySigner) {
    this.channel = createChannel(address.replace(/^https:\/\//, ''), ChannelCredentials.createSsl(readFileSync(caPath)));
    this.authn = createClient(loadService('spark_authn.proto', 'spark_authn.SparkAuthnService'), this.channel) as unknown as AuthnApi;
    this.ssp = createClient(loadService('spark_ssp.proto', 'spark_ssp.SparkSspService'), this.channel) as unknown as SspApi;
  }

  private async token(): Promise<string> {
    if (this.session !== undefined && this.session.expiresAt > Date.now() / 1000 + 60) return this.session.token;
    const pub = await this.signer.getIdentityPublicKey();
    const { protected_challenge: pc } = await this.authn.get_challenge({ public_key: pub });
    const c = pc.challenge;
    const digest = sha256(encodeChallenge({ version: c.version, timestamp: c.timestamp, nonce: c.nonce, publicKey: c.public_key }));
    const res = await this.authn.verify_challenge({ protected_challenge: pc, signature: await this.signer.signMessageWithIdentityKey(digest), public_key: pub });
    this.session = { token: res.session_token, expiresAt: res.expiration_timestamp };
    return res.session_token;
  }

  async counterSwapTransfer(start: StartTransferRequest, primaryTransferId: string, adaptorPublicKey: Uint8Array): Promise<Transfer> {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${await this.token()}`);
    const res = await this.ssp.counter_swap_transfer({
      start_transfer_request: StartTransferRequest.encode(start).finish(), primary_transfer_id: primaryTransferId, adaptor_public_key: adaptorPublicKey,
    }, { metadata });
    try {
      return Transfer.decode(Uint8Array.from(res.transfer));
    } catch (e) {
      throw new SspError('INTERNAL', `the coordinator answered a counter transfer that does not decode: ${(e as Error).message}`);
    }
  }

  close(): void {
    this.channel.close();
  }
}
