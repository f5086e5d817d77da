import { CLA, Ins, MAX_APDU_DATA, chunkPayload, encodeApdu, expectOk } from './apdu.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { invalidArgument, malformedResponse } from './errors.js';
import { encodeKeyRef, type KeyRef } from './keyref.js';
import { encodeExitIntent, encodeFrostSignTx, encodeSignIdentityClear, encodeTransferIntent, type ExitIntent, type FrostSignTxRequest, type IdentityStatement, type TransferIntent } from './clear-sign.js';
import {
  SIGN_SCHEME_P1,
  decodeCommitments,
  decodeVersion,
  encodeFrostSign,
  decodeKeySplit,
  encodeEciesPublicKey,
  encodeExitSweep,
  type ExitSweepRequest,
  encodeKeySplit,
  keySplitResultLength,
  checkSplitPrepare,
  type KeySplitRequest,
  type KeySplitResult,
  encodeExportStaticKey,
  encodeHtlcHmac,
  encodeSignIdentity,
  type AppVersion,
  type DeviceCommitment,
  type FrostSignRequest,
  type IdentitySignatureScheme,
} from './messages.js';

/**
 * The part of an @ledgerhq/hw-transport Transport this client uses (any Transport instance
 * satisfies it: node-hid, WebHID, Speculos).
 */
export interface ApduTransport {
  exchange(apdu: Buffer): Promise<Buffer>;
}

/**
 * Client for the Spark Signer Ledger app over any @ledgerhq/hw-transport Transport (node-hid,
 * WebHID, Speculos). Every method sends whole APDU exchanges and maps status words to the typed
 * errors in ./errors.ts. Commands that need the user's approval resolve only after the user
 * approved (or throw UserRejectedError).
 */
export class SparkLedgerApp {
  private readonly transport: ApduTransport;
  /** Number of APDU exchanges made so far (for benchmarks). */
  exchanges = 0;

  constructor(transport: ApduTransport) {
    this.transport = transport;
  }

  private async send(ins: number, p1: number, p2: number, data: Uint8Array = new Uint8Array()): Promise<Uint8Array> {
    const apdu = encodeApdu({ cla: CLA, ins, p1, p2, data });
    this.exchanges++;
    const response = await this.transport.exchange(Buffer.from(apdu));
    return expectOk(new Uint8Array(response));
  }

  async getVersion(): Promise<AppVersion> {
    return decodeVersion(await this.send(Ins.GET_VERSION, 0, 0));
  }

  /** 33-byte compressed public key; with display, the user checks it on screen and approves. */
  async getPublicKey(key: KeyRef, opts: { display?: boolean } = {}): Promise<Uint8Array> {
    const data = await this.send(Ins.GET_PUBLIC_KEY, opts.display === true ? 1 : 0, 0, encodeKeyRef(key));
    if (data.length !== 33) {
      throw malformedResponse(`public key must be 33 bytes, got ${data.length}`);
    }
    return data;
  }

  /**
   * Identity-key signature over a 32-byte digest (blind signing: needs the setting on, then the
   * user's approval). DER ECDSA (≤72 bytes), compact ECDSA r||s, or BIP340 Schnorr (64 bytes).
   */
  async signIdentity(digest: Uint8Array, scheme: IdentitySignatureScheme, account = 0): Promise<Uint8Array> {
    const sig = await this.send(Ins.SIGN_IDENTITY, SIGN_SCHEME_P1[scheme], 0, encodeSignIdentity(account, digest));
    const ok = scheme === 'ecdsa-der' ? sig.length >= 8 && sig.length <= 72 : sig.length === 64;
    if (!ok) {
      throw malformedResponse(`${scheme} signature has an impossible length ${sig.length}`);
    }
    return sig;
  }

  /**
   * Identity-key signature over a preimage the device parses (login challenge, a transfer's
   * per-leaf or package payload under the approved transfer, a claim package): no screen; a
   * statement that does not parse is BadDataError, one outside the approved transfer
   * IntentMismatchError. Compact r||s for 'leaf', DER for the others, as the SDK signs them.
   */
  async signIdentityClear(statement: IdentityStatement, preimage: Uint8Array, account = 0): Promise<Uint8Array> {
    const sig = await this.sendChunked(Ins.SIGN_IDENTITY_CLEAR, encodeSignIdentityClear(statement, preimage, account));
    const ok = statement === 'leaf' ? sig.length === 64 : sig.length >= 8 && sig.length <= 72;
    if (!ok) {
      throw malformedResponse(`${statement} signature has an impossible length ${sig.length}`);
    }
    return sig;
  }

  /** One FROST_COMMIT exchange: k fresh commitments (1..maxCommitmentsPerCall). */
  async frostCommit(k: number): Promise<DeviceCommitment[]> {
    if (!Number.isInteger(k) || k < 1 || k > 255) {
      throw invalidArgument(`commitment count must be 1..255, got ${k}`);
    }
    return decodeCommitments(await this.send(Ins.FROST_COMMIT, k, 0), k);
  }

  /** `count` commitments in as few exchanges as the device allows. */
  async frostCommitBatch(count: number, perCall?: number): Promise<DeviceCommitment[]> {
    const step = perCall ?? (await this.getVersion()).maxCommitmentsPerCall;
    if (step < 1) {
      throw malformedResponse('device reports 0 commitments per call');
    }
    const out: DeviceCommitment[] = [];
    while (out.length < count) {
      out.push(...(await this.frostCommit(Math.min(step, count - out.length))));
    }
    return out;
  }

  /** Sends a chunked payload (device-app/PROTOCOL.md, "Chunked payloads"); the last chunk's reply. */
  private async sendChunked(ins: number, payload: Uint8Array): Promise<Uint8Array> {
    let last: Uint8Array = new Uint8Array();
    for (const c of chunkPayload(payload)) {
      last = await this.send(ins, c.p1, c.p2, c.data);
    }
    return last;
  }

  /** The user's 32-byte FROST signature share, sent in chunks; resolves after the user approved. */
  async frostSign(req: FrostSignRequest): Promise<Uint8Array> {
    return share(await this.sendChunked(Ins.FROST_SIGN, encodeFrostSign(req)));
  }

  /**
   * The same share over the BIP341 sighash the device computes from the transaction and its
   * prevouts: no screen when every output stays with the user, none under an approved transfer
   * it fits (IntentMismatchError if it does not), else a review naming amount and address.
   * TxUnsupportedError for a transaction the device does not classify (nothing consumed).
   */
  async frostSignTx(req: FrostSignTxRequest): Promise<Uint8Array> {
    return share(await this.sendChunked(Ins.FROST_SIGN_TX, encodeFrostSignTx(req)));
  }

  /**
   * Shows the transfer (total of its leaves, receiver as a Spark address) and resolves once the
   * user approved it; the key splits and refunds that fit it then run without a screen.
   */
  async transferIntent(intent: TransferIntent): Promise<void> {
    await this.intent(Ins.TRANSFER_INTENT, 'TRANSFER_INTENT', intent);
  }

  /**
   * Shows a leaf swap with the service provider (total of the leaves, the provider as a Spark
   * address) and resolves once the user approved it; the key splits and the adaptor-signed
   * refunds that fit it then run without a screen (device-app/PROTOCOL.md, "SWAP_INTENT").
   */
  async swapIntent(intent: TransferIntent): Promise<void> {
    await this.intent(Ins.SWAP_INTENT, 'SWAP_INTENT', intent);
  }

  /**
   * Shows a cooperative exit (the amount the withdrawal address receives and the fee, read from
   * the exit transaction; the address; the provider as a Spark address) and resolves once the
   * user approved it; the key splits and the connector refunds that fit it then run without a
   * screen (device-app/PROTOCOL.md, "0x38 EXIT_INTENT"). TxUnsupportedError for transactions the
   * device does not read.
   */
  async exitIntent(intent: ExitIntent): Promise<void> {
    const reply = await this.sendChunked(Ins.EXIT_INTENT, encodeExitIntent(intent));
    if (reply.length !== 0) {
      throw malformedResponse(`EXIT_INTENT replies with no data, got ${reply.length} bytes`);
    }
  }

  private async intent(ins: number, name: string, intent: TransferIntent): Promise<void> {
    const reply = await this.sendChunked(ins, encodeTransferIntent(intent));
    if (reply.length !== 0) {
      throw malformedResponse(`${name} replies with no data, got ${reply.length} bytes`);
    }
  }

  /**
   * HMAC-SHA256 of the transfer id under the HTLC preimage base key (the SDK's htlcHMAC; no
   * screen). The id is the text the SDK passes: lowercase, dashes removed.
   */
  async htlcHmac(transferId: string, account = 0): Promise<Uint8Array> {
    const mac = await this.send(Ins.HTLC_HMAC, 0, 0, encodeHtlcHmac(account, transferId));
    if (mac.length !== 32) {
      throw malformedResponse(`HTLC HMAC must be 32 bytes, got ${mac.length}`);
    }
    return mac;
  }

  /**
   * The static deposit private key m/8797555'/A'/3'/I' — the only key the device exports, and
   * only after the user approved the export on screen (UserRejectedError otherwise).
   */
  async exportStaticDepositKey(index: number, account = 0): Promise<Uint8Array> {
    const key = await this.send(Ins.EXPORT_STATIC_KEY, 0, 0, encodeExportStaticKey(account, index));
    if (key.length !== 32) {
      throw malformedResponse(`exported key must be 32 bytes, got ${key.length}`);
    }
    return key;
  }

  /**
   * The public key of the scalar an ECIES ciphertext (129 bytes, to the identity key) carries;
   * the scalar stays on the device. BadDataError if it was not encrypted to this identity key,
   * was tampered with, or does not hold a key.
   */
  async eciesPublicKey(ciphertext: Uint8Array, account = 0): Promise<Uint8Array> {
    const pub = await this.send(Ins.ECIES_PUBLIC_KEY, 0, 0, encodeEciesPublicKey(account, ciphertext));
    if (pub.length !== 33) {
      throw malformedResponse(`public key must be 33 bytes, got ${pub.length}`);
    }
    return pub;
  }

  /**
   * KEY_SPLIT: a transfer's key tweak (a fresh key made on the device, the difference split,
   * the new key ECIES-encrypted to the receiver — the user approves the receiver on screen) or a
   * claim's (the ciphertext decrypted again on the device, no screen). Reads every result page.
   */
  async keySplit(req: KeySplitRequest): Promise<KeySplitResult> {
    const total = keySplitResultLength(req);
    const pages = [await this.send(Ins.KEY_SPLIT, 0x00, 0, encodeKeySplit(req))];
    for (let page = 1; page * MAX_APDU_DATA < total; page++) {
      pages.push(await this.send(Ins.KEY_SPLIT, 0x01, page));
    }
    return decodeKeySplit(req, concatBytes(...pages));
  }

  /**
   * SPLIT_PREPARE: has the device draw the randomness of up to `count` future transfer key splits
   * of `threshold` and compute its public points, so those splits run faster; nothing leaves the
   * device. Resolves with the number ready for `threshold` (count 0 only asks).
   * InsNotSupportedError from an app without it.
   */
  async splitPrepare(count: number, threshold: number): Promise<number> {
    checkSplitPrepare(count, threshold);
    const reply = await this.send(Ins.SPLIT_PREPARE, count, 0, new Uint8Array([threshold]));
    if (reply.length !== 1) {
      throw malformedResponse(`SPLIT_PREPARE replies with 1 byte, got ${reply.length}`);
    }
    return reply[0]!;
  }

  /**
   * BIP340 signature of the exit sweep by the tweaked leaf key, after the user checked fee,
   * amount and destination address on screen. The device computes the BIP341 sighash itself.
   */
  async signExitSweep(req: ExitSweepRequest): Promise<Uint8Array> {
    const sig = await this.send(Ins.SIGN_EXIT_SWEEP, 0, 0, encodeExitSweep(req));
    if (sig.length !== 64) {
      throw malformedResponse(`sweep signature must be 64 bytes, got ${sig.length}`);
    }
    return sig;
  }
}

function share(reply: Uint8Array): Uint8Array {
  if (reply.length !== 32) {
    throw malformedResponse(`FROST share must be 32 bytes, got ${reply.length}`);
  }
  return reply;
}
