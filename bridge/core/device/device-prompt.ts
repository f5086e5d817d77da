import { randomUUID } from 'node:crypto';
import { bytesToHex } from '@noble/hashes/utils';
import { SparkLedgerApp, type ApduTransport } from '../../../src/device/app.js';
import type { SparkNetwork, TransferIntent } from '../../../src/device/clear-sign.js';
import { UserRejectedError } from '../../../src/device/errors.js';
import type { KeyRef } from '../../../src/device/keyref.js';
import type { FrostSignRequest, IdentitySignatureScheme, KeySplitRequest } from '../../../src/device/messages.js';
import { messageOf } from '../errors.js';

/**
 * What the device's screen shows while a request waits for the user, described from the request
 * the host sends (never read back from the device): the same title and lines the app draws
 * (device-app/PROTOCOL.md, sections "SIGN_IDENTITY", "FROST_SIGN", "KEY_SPLIT",
 * "EXPORT_STATIC_KEY" and "TRANSFER_INTENT").
 */
export interface DevicePrompt {
  id: string;
  kind: 'transfer' | 'blind-frost' | 'blind-identity' | 'send-leaf' | 'export-key';
  account: number;
  /** The first page's title and lines, as on the device. */
  title: string;
  lines: string[];
  /** A transfer's total (decimal sats) and receiver (Spark address), shown on the device too. */
  amountSats?: string;
  to?: string;
  /** One sentence for the UI: "Confirm on your Ledger: …". */
  text: string;
}

export type PromptState = 'showing' | 'approved' | 'rejected' | 'aborted';

/** A prompt appears when the request is sent and ends with the device's answer. */
export interface PromptEvent {
  prompt: DevicePrompt;
  state: PromptState;
  /** Why it ended without an approval (the device went away, an error). */
  message?: string;
}

export type PromptSink = (e: PromptEvent) => void;

/** Encodes a receiver's identity key as the Spark address the device shows (the SDK's encodeSparkAddress). */
export type SparkAddressEncoder = (identityPublicKeyHex: string, network: SparkNetwork) => string;

/** The device's name of each key kind (device-app/PROTOCOL.md, "Key kinds" table, "shown as"). */
const KEY_NAME: Record<KeyRef['kind'], string> = {
  identity: 'Identity',
  signingBase: 'Signing base',
  deposit: 'Deposit',
  staticDeposit: 'Static deposit',
  htlcPreimage: 'HTLC base',
  leaf: 'Leaf',
  path: 'Key path',
};

const SCHEME_NAME: Record<IdentitySignatureScheme, string> = { 'ecdsa-der': 'ECDSA', 'ecdsa-compact': 'ECDSA compact', schnorr: 'Schnorr' };

function accountOf(key: KeyRef): number {
  return key.kind === 'path' ? -1 : key.account;
}

export function transferPrompt(intent: TransferIntent, encode: SparkAddressEncoder): DevicePrompt {
  const total = intent.leaves.reduce((sum, l) => sum + l.value, 0n).toString();
  const to = encode(bytesToHex(intent.receiver), intent.network);
  return {
    id: randomUUID(),
    kind: 'transfer',
    account: intent.account,
    title: 'Send',
    lines: [`${total} sats`, `Leaves ${intent.leaves.length}`, `Account ${intent.account}`],
    amountSats: total,
    to,
    text: `Confirm on your Ledger: Send ${total} sats to ${to}`,
  };
}

export function blindFrostPrompt(key: KeyRef): DevicePrompt {
  const lines = ['FROST share', KEY_NAME[key.kind], `Account ${accountOf(key)}`];
  const leaf = key.kind === 'leaf' ? ` (leaf ${key.leafId})` : '';
  return {
    id: randomUUID(),
    kind: 'blind-frost',
    account: accountOf(key),
    title: 'Blind signing',
    lines,
    text: `Confirm on your Ledger: Blind signing of a FROST share with the ${KEY_NAME[key.kind]} key${leaf}. The device cannot show what it signs: approve only a request you started here.`,
  };
}

export function identityPrompt(scheme: IdentitySignatureScheme, account: number): DevicePrompt {
  return {
    id: randomUUID(),
    kind: 'blind-identity',
    account,
    title: 'Blind signing',
    lines: ['Identity key', `Account ${account}`, SCHEME_NAME[scheme]],
    text: `Confirm on your Ledger: Blind signing with your Identity key (${SCHEME_NAME[scheme]}), the wallet signing in to the Spark operators.`,
  };
}

export function sendLeafPrompt(req: Extract<KeySplitRequest, { mode: 'transfer' }>): DevicePrompt {
  const leafId = req.leaf.kind === 'leaf' ? req.leaf.leafId : '';
  return {
    id: randomUUID(),
    kind: 'send-leaf',
    account: accountOf(req.leaf),
    title: 'Send leaf',
    lines: [leafId],
    text: `Confirm on your Ledger: Send leaf ${leafId} to receiver ${bytesToHex(req.receiverPublicKey)}`,
  };
}

export function exportKeyPrompt(index: number, account: number): DevicePrompt {
  return {
    id: randomUUID(),
    kind: 'export-key',
    account,
    title: 'Export key',
    lines: ['Static deposit', `Account ${account}`, `Index ${index}`],
    text: `Confirm on your Ledger: Export key of static deposit address ${index} (account ${account}).`,
  };
}

/**
 * The Spark Signer app, reporting each request that puts a review on the device's screen: the
 * prompt when it is sent, and its end (approved, rejected, or aborted) with the device's answer.
 * Requests the device answers without a screen (public keys, commitments, clear-signed shares of
 * the user's own transactions, the key splits an approved transfer covers, claims) report nothing.
 * The signer serializes device calls, so at most one prompt is showing at a time.
 */
export class PromptingLedgerApp extends SparkLedgerApp {
  /** Leaves the last approved TRANSFER_INTENT covers: their key splits run without a screen. */
  private intentLeaves = new Set<string>();

  constructor(
    transport: ApduTransport,
    private readonly sink: PromptSink,
    private readonly encode: SparkAddressEncoder,
  ) {
    super(transport);
  }

  private async prompted<T>(prompt: DevicePrompt, work: () => Promise<T>): Promise<T> {
    this.sink({ prompt, state: 'showing' });
    try {
      const result = await work();
      this.sink({ prompt, state: 'approved' });
      return result;
    } catch (err) {
      if (err instanceof UserRejectedError) this.sink({ prompt, state: 'rejected', message: 'rejected on the device' });
      else this.sink({ prompt, state: 'aborted', message: messageOf(err) });
      throw err;
    }
  }

  override async transferIntent(intent: TransferIntent): Promise<void> {
    // Any TRANSFER_INTENT clears the device's current one, approved or not.
    this.intentLeaves = new Set();
    await this.prompted(transferPrompt(intent, this.encode), () => super.transferIntent(intent));
    this.intentLeaves = new Set(intent.leaves.map((l) => l.id));
  }

  override frostSign(req: FrostSignRequest): Promise<Uint8Array> {
    return this.prompted(blindFrostPrompt(req.key), () => super.frostSign(req));
  }

  override signIdentity(digest: Uint8Array, scheme: IdentitySignatureScheme, account = 0): Promise<Uint8Array> {
    return this.prompted(identityPrompt(scheme, account), () => super.signIdentity(digest, scheme, account));
  }

  override keySplit(req: KeySplitRequest): ReturnType<SparkLedgerApp['keySplit']> {
    if (req.mode === 'claim') return super.keySplit(req);
    const leafId = req.leaf.kind === 'leaf' ? req.leaf.leafId : undefined;
    if (leafId !== undefined && this.intentLeaves.delete(leafId)) return super.keySplit(req);
    return this.prompted(sendLeafPrompt(req), () => super.keySplit(req));
  }

  override exportStaticDepositKey(index: number, account = 0): Promise<Uint8Array> {
    return this.prompted(exportKeyPrompt(index, account), () => super.exportStaticDepositKey(index, account));
  }
}
