/**
 * The provider's side of static deposits (docs/ssp.md, section "Static deposits"): a quote for a
 * deposit output paying a wallet's static address, and its claim, in which the provider pays the
 * wallet a leaf worth the quoted credit and takes the output (upstream: the SSP's
 * static_deposit_quote / claim_static_deposit, the operators' InitiateUtxoSwap).
 *
 * The credit is the output's value less the fee of the provider's spend of it, so the books
 * balance to the satoshi: what the provider pays out equals what its spend receives.
 */
import { randomUUID } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Transaction } from '@scure/btc-signer';
import { ClientError, Status } from 'nice-grpc';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import type { StartTransferRequest } from '@buildonspark/spark-sdk/proto/spark';
import { generateNonce, signFrost } from '../../src/crypto/index.js';
import { REGTEST, addressOfScript } from '../operator/deposit/address.js';
import { NETWORK_NAME, REQUEST_FIXED, ownerSigned } from '../operator/static-deposit/statement.js';
import { parsePublicKey } from './auth.js';
import { SspError } from './errors.js';
import { STATIC_SPEND_FEE_SATS } from './fees.js';
import { mintLeaves, transferTo, type ProviderDeps } from './leaf-mint.js';
import type { StaticDepositUtxoSwapRequest } from '../operator/grpc/generated/spark_ssp.js';
import { internals } from './sdk-internals.js';

/** Below this a credit is not worth a leaf. */
const MIN_CREDIT_SATS = 546n;
const NETWORK = 'REGTEST';

const bad = (m: string): SspError => new SspError('INVALID_INPUT', m);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export type StaticDepositDeps = ProviderDeps;

interface Outpoint {
  txid: string;
  vout: number;
}

function outpoint(i: Record<string, unknown>): Outpoint {
  const txid = i.transaction_id;
  const vout = i.output_index;
  if (typeof txid !== 'string' || !/^[0-9a-f]{64}$/.test(txid)) throw bad('transaction_id must be a 64-hex transaction id (lowercase)');
  if (typeof vout !== 'number' || !Number.isInteger(vout) || vout < 0) throw bad('output_index must be a non-negative integer');
  if (i.network !== NETWORK) throw bad(`network ${String(i.network)} is not served: this provider serves ${NETWORK}`);
  return { txid, vout };
}

/** What the provider signs in a quote: SHA-256 of "static_deposit_quote" ‖ network ‖ txid ‖ vout (u32 LE) ‖ credit (u64 LE). */
function quoteDigest(o: Outpoint, credit: bigint): Uint8Array {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt32LE(o.vout, 0);
  fixed.writeBigUInt64LE(credit, 4);
  return sha256(Buffer.concat([Buffer.from(`static_deposit_quote${NETWORK_NAME}${o.txid}`), fixed]));
}

export class StaticDepositDesk {
  constructor(private readonly d: StaticDepositDeps) {}

  /** The deposit output, paying a static address of `user` (the operators know whose it is), unspent. */
  private async depositOutput(user: string, o: Outpoint): Promise<{ amount: bigint; script: Uint8Array; address: string; keys: { verifying: Uint8Array; user: Uint8Array } }> {
    let tx: Transaction;
    try {
      tx = Transaction.fromRaw(Buffer.from(await this.d.btcd.getRawTransactionHex(o.txid), 'hex'), { allowUnknownOutputs: true });
    } catch (e) {
      throw bad(`transaction ${o.txid} is not known to the chain: ${(e as Error).message}`);
    }
    if (o.vout >= tx.outputsLength) throw bad(`transaction ${o.txid} has no output ${o.vout}`);
    const out = tx.getOutput(o.vout);
    if (out.script === undefined || out.amount === undefined) throw bad(`output ${o.vout} of ${o.txid} is malformed`);
    const address = addressOfScript(out.script);
    if (address === undefined) throw bad(`output ${o.vout} of ${o.txid} pays no address`);
    let keys;
    try {
      keys = await this.d.coordinator.staticAddressKeys(address, o);
    } catch (e) {
      throw bad(`${address} is not a static deposit address: ${(e as Error).message}`);
    }
    if (hex(keys.owner_identity_public_key) !== user) throw new SspError('INVALID_INPUT', `${o.txid}:${o.vout} pays a static deposit address of another wallet`);
    // Refused before any leaf is made for it: an output its owner refunds, or one claimed already.
    if (keys.held_as === 'refund') throw bad(`${o.txid}:${o.vout} was refunded to its owner; it cannot be claimed`);
    if (keys.held_as === 'claim') throw bad(`${o.txid}:${o.vout} was already claimed`);
    if ((await this.d.btcd.getTxOut(o.txid, o.vout, true)) === null) throw bad(`${o.txid}:${o.vout} is already spent`);
    return { amount: out.amount, script: out.script, address, keys: { verifying: keys.verifying_public_key, user: keys.user_signing_public_key } };
  }

  async quote(user: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const o = outpoint(input);
    const { amount } = await this.depositOutput(user, o);
    const credit = amount - STATIC_SPEND_FEE_SATS;
    if (credit < MIN_CREDIT_SATS) throw bad(`the deposit of ${amount} sat is too small: the spend fee is ${STATIC_SPEND_FEE_SATS} sat`);
    const signature = await internals(this.d.wallet).config.signer.signMessageWithIdentityKey(quoteDigest(o, credit));
    return { transaction_id: o.txid, output_index: o.vout, network: NETWORK, credit_amount_sats: Number(credit), signature: hex(signature) };
  }

  claim(user: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.d.serial.run(() => this.claimNow(user, input));
  }

  private async claimNow(user: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { d } = this;
    const o = outpoint(input);
    if (input.request_type !== 'FIXED_AMOUNT') throw bad(`request_type ${String(input.request_type)} is not served: this provider claims at the quoted FIXED_AMOUNT`);
    const c = input.credit_amount_sats;
    if (typeof c !== 'number' || !Number.isSafeInteger(c) || c <= 0) throw bad('credit_amount_sats must be a positive integer');
    const credit = BigInt(c);
    const quoteSig = hexField(input.quote_signature, 'quote_signature');
    if (!verifyDer(quoteSig, quoteDigest(o, credit), Buffer.from(d.identityPublicKey, 'hex'))) throw bad('quote_signature is not this provider\'s quote for this output and credit');
    const secret = hexField(input.deposit_secret_key, 'deposit_secret_key');
    if (secret.length !== 32) throw bad('deposit_secret_key must be 32 bytes');
    const userSignature = hexField(input.signature, 'signature');
    const statement = { network: NETWORK_NAME, txid: o.txid, vout: o.vout, requestType: REQUEST_FIXED, creditAmountSats: credit, tail: quoteSig };
    if (!ownerSigned(statement, userSignature, parsePublicKey(user, 'user'))) throw bad('signature is not your identity key\'s signature of this claim');
    const dep = await this.depositOutput(user, o);
    if (credit !== dep.amount - STATIC_SPEND_FEE_SATS) throw bad(`credit_amount_sats ${credit} is not the quote for this output`);
    let publicKey: Uint8Array;
    try {
      publicKey = secp256k1.getPublicKey(secret, true);
    } catch {
      throw bad('deposit_secret_key is not a valid secret key');
    }
    if (hex(publicKey) !== hex(dep.keys.user)) throw bad('deposit_secret_key is not the key of the static deposit address');

    // A leaf worth the credit, the spend with our FROST part, then the operators' swap: the
    // transfer to the wallet and the signed spend.
    const leaves = await mintLeaves(d, [Number(credit)]);
    // The same claim (same transfer id) again while the coordinator is unreachable: the operators
    // resume it where it stopped (claim row, transfer, spend), so a crash between their steps
    // cannot leave the wallet paid and the output unsigned. The transfer package and the spend
    // are signed over fresh commitments each time: a restarted operator no longer holds the
    // nonces behind the old ones (a transfer already committed is not signed again).
    const transferId = randomUUID();
    let start: StartTransferRequest | undefined;
    const { transfer, signedSpendTx } = await retryUnavailable(async () => {
      try {
        start = await transferTo(d.wallet, parsePublicKey(d.identityPublicKey, 'identity'), parsePublicKey(user, 'user'), leaves, transferId);
      } catch (e) {
        // The leaves are no longer ours: the transfer was committed before the coordinator stopped,
        // and the operators will not sign it again (the earlier package goes along unused).
        if (start === undefined || !(e instanceof ClientError && e.code === Status.NOT_FOUND)) throw e;
      }
      return d.coordinator.staticDepositUtxoSwap({
        txid: Buffer.from(o.txid, 'hex'), vout: o.vout, credit_amount_sats: Number(credit), ssp_signature: quoteSig, user_signature: userSignature,
        ...(await spendOfDeposit(d.wallet, { ...o, ...dep }, secret, d.l1.address)),
      }, start);
    }, (e) => d.log(`static deposit ${o.txid}:${o.vout}: the coordinator is unreachable, claiming again: ${e.message}`));
    const signedHex = hex(signedSpendTx);
    d.books.record({ kind: 'static_claim', user, utxo: `${o.txid}:${o.vout}`, transfer: transfer.id, paidSats: Number(credit), receivedSats: Number(dep.amount - STATIC_SPEND_FEE_SATS), spendTx: signedHex });
    try {
      await d.btcd.sendRawTransaction(signedHex);
    } catch (e) {
      // The claim is settled and the spend signed: it stays in the books to broadcast again.
      d.log(`static deposit ${o.txid}:${o.vout}: broadcasting the spend failed, kept in the books: ${(e as Error).message}`);
    }
    return { transfer_id: transfer.id };
  }
}

/** A deposit output of a static address, with the address's keys. */
export interface StaticOutput {
  txid: string;
  vout: number;
  amount: bigint;
  script: Uint8Array;
  keys: { verifying: Uint8Array; user: Uint8Array };
}

/**
 * The spend of a static deposit output to `payTo` (its value less the spend fee), with the FROST
 * part of the address's user key (`secret`) over one set of operator commitments taken from the
 * coordinator through `wallet`: the spend fields of a static_deposit_utxo_swap request.
 */
export async function spendOfDeposit(wallet: SparkWallet, out: StaticOutput, secret: Uint8Array, payTo: string): Promise<Pick<StaticDepositUtxoSwapRequest, 'spend_tx' | 'user_commitment_hiding' | 'user_commitment_binding' | 'user_share' | 'operator_commitments'>> {
  const spend = new Transaction({ version: 2 });
  spend.addInput({ txid: out.txid, index: out.vout, witnessUtxo: { script: out.script, amount: out.amount } });
  spend.addOutputAddress(payTo, out.amount - STATIC_SPEND_FEE_SATS, REGTEST);
  const message = spend.preimageWitnessV1(0, [out.script], 0, [out.amount]);
  const client = await internals(wallet).connectionManager.createSparkClient(internals(wallet).config.getCoordinatorAddress());
  const [set] = (await client.get_signing_commitments({ nodeIds: [], count: 1 })).signingCommitments;
  const operatorCommitments = set?.signingNonceCommitments;
  if (operatorCommitments === undefined) throw new SspError('INTERNAL', 'the coordinator answered no signing commitments');
  const { nonce, commitment } = generateNonce(secret);
  const share = signFrost({
    message, keyPackage: { secretKey: secret, publicKey: out.keys.user, verifyingKey: out.keys.verifying }, nonce, selfCommitment: commitment, statechainCommitments: operatorCommitments,
  });
  return {
    spend_tx: spend.toBytes(true, false), user_commitment_hiding: commitment.hiding, user_commitment_binding: commitment.binding, user_share: share,
    operator_commitments: Object.fromEntries(Object.entries(operatorCommitments).map(([id, x]) => [id, { hiding: x.hiding, binding: x.binding }])),
  };
}

/** How long the provider keeps repeating a claim the coordinator could not answer. */
const RETRY_FOR_MS = 90_000;

async function retryUnavailable<T>(call: () => Promise<T>, log: (e: Error) => void): Promise<T> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (;;) {
    try {
      return await call();
    } catch (e) {
      const unavailable = (e instanceof ClientError && e.code === Status.UNAVAILABLE) || /UNAVAILABLE|ECONNREFUSED|No connection/.test((e as Error).message);
      if (!unavailable || Date.now() > deadline) throw e;
      log(e as Error);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

function hexField(v: unknown, what: string): Uint8Array {
  if (typeof v !== 'string' || !/^(?:[0-9a-fA-F]{2})+$/.test(v)) throw bad(`${what} must be hex`);
  return new Uint8Array(Buffer.from(v, 'hex'));
}

function verifyDer(sig: Uint8Array, digest: Uint8Array, pub: Uint8Array): boolean {
  try {
    return secp256k1.verify(sig, digest, pub, { format: 'der', prehash: false });
  } catch {
    return false;
  }
}
