/**
 * The SSP's client of the coordinator's spark_ssp.SparkSspService (proto/spark_ssp.proto): swap
 * counter transfers and leaf values,
 * authenticated with the SSP wallet's identity key through spark_authn as any wallet is
 * (docs/sdk-wire.md, section "What the wallet does to authenticate").
 */
import { readFileSync } from 'node:fs';
import { ChannelCredentials } from '@grpc/grpc-js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Metadata, createChannel, createClient, type Channel } from 'nice-grpc';
import { StartTransferRequest, Transfer } from '@buildonspark/spark-sdk/proto/spark';
import { encodeChallenge } from '../operator/authn/challenge.js';
import { SparkAuthnServiceDefinition, type SparkAuthnServiceClient } from '../operator/grpc/generated/spark_authn.js';
import { SparkSspServiceDefinition, type SparkSspServiceClient, type StaticDepositAddressKeysResponse, type StaticDepositUtxoSwapRequest } from '../operator/grpc/generated/spark_ssp.js';
import { SspError } from './errors.js';

export interface IdentitySigner {
  getIdentityPublicKey(): Promise<Uint8Array>;
  /** DER ECDSA over the 32-byte digest as given */
  signMessageWithIdentityKey(digest: Uint8Array): Promise<Uint8Array>;
}

function decodeTransfer(bytes: Uint8Array, what: string): Transfer {
  try {
    return Transfer.decode(bytes);
  } catch (e) {
    throw new SspError('INTERNAL', `the coordinator answered a ${what} that does not decode: ${(e as Error).message}`);
  }
}

export class CoordinatorClient {
  private readonly channel: Channel;
  private readonly authn: SparkAuthnServiceClient;
  private readonly ssp: SparkSspServiceClient;
  private session: { token: string; expiresAt: number } | undefined;

  constructor(address: string, caPath: string, private readonly signer: IdentitySigner) {
    this.channel = createChannel(address.replace(/^https:\/\//, ''), ChannelCredentials.createSsl(readFileSync(caPath)));
    this.authn = createClient(SparkAuthnServiceDefinition, this.channel);
    this.ssp = createClient(SparkSspServiceDefinition, this.channel);
  }

  private async token(): Promise<string> {
    if (this.session !== undefined && this.session.expiresAt > Date.now() / 1000 + 60) return this.session.token;
    const pub = await this.signer.getIdentityPublicKey();
    const { protected_challenge: pc } = await this.authn.get_challenge({ public_key: pub });
    const c = pc?.challenge;
    if (pc === undefined || c === undefined) throw new SspError('INTERNAL', 'the coordinator answered get_challenge without a challenge');
    const digest = sha256(encodeChallenge({ version: c.version, timestamp: c.timestamp, nonce: c.nonce, publicKey: c.public_key }));
    const res = await this.authn.verify_challenge({ protected_challenge: pc, signature: await this.signer.signMessageWithIdentityKey(digest), public_key: pub });
    this.session = { token: res.session_token, expiresAt: res.expiration_timestamp };
    return res.session_token;
  }

  /** The value, owner and status of each leaf named (spark_ssp leaf_values); leaves not found are left out. */
  async leafValues(leafIds: string[]): Promise<{ leafId: string; owner: string; value: number; status: string }[]> {
    const res = await this.ssp.leaf_values({ leaf_ids: leafIds }, { metadata: await this.metadata() });
    return res.leaves.map((l) => ({ leafId: l.leaf_id, owner: Buffer.from(l.owner_identity_public_key).toString('hex'), value: Number(l.value), status: l.status }));
  }

  private async metadata(): Promise<Metadata> {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${await this.token()}`);
    return metadata;
  }

  async counterSwapTransfer(start: StartTransferRequest, primaryTransferId: string, adaptorPublicKey: Uint8Array): Promise<Transfer> {
    const res = await this.ssp.counter_swap_transfer({
      start_transfer_request: StartTransferRequest.encode(start).finish(), primary_transfer_id: primaryTransferId, adaptor_public_key: adaptorPublicKey,
    }, { metadata: await this.metadata() });
    return decodeTransfer(res.transfer, 'counter transfer');
  }

  /** The keys of a static deposit address (the verifying key for the spend's FROST part). */
  /** The keys of a static address; with an output, also what holds that output (held_as). */
  async staticAddressKeys(address: string, output?: { txid: string; vout: number }): Promise<StaticDepositAddressKeysResponse> {
    return this.ssp.static_deposit_address_keys({ address, txid: output?.txid ?? '', vout: output?.vout ?? 0 }, { metadata: await this.metadata() });
  }

  /** A static deposit claim: the transfer to the owner, and the spend of the deposit output signed. */
  async staticDepositUtxoSwap(req: Omit<StaticDepositUtxoSwapRequest, 'start_transfer_request'>, start: StartTransferRequest): Promise<{ transfer: Transfer; signedSpendTx: Uint8Array }> {
    const res = await this.ssp.static_deposit_utxo_swap({ ...req, start_transfer_request: StartTransferRequest.encode(start).finish() }, { metadata: await this.metadata() });
    return { transfer: decodeTransfer(res.transfer, 'static deposit transfer'), signedSpendTx: res.signed_spend_tx };
  }

  close(): void {
    this.channel.close();
  }
}
