import { sha256 } from '@noble/hashes/sha2.js';
import { Transaction } from '@scure/btc-signer';
import { equalBytes } from '../crypto/index.js';
import { observeSha256, type Sha256Observer, type Sha256Sink } from './sha256-observer.js';

/**
 * The two L1 transactions of the cooperative exit the SDK 0.8.8 wallet is about to sign for.
 * `withdraw` (spark-wallet.ts `coopExit`) gets them from the service provider and, before its
 * first signer call of the exit, computes the txid of each with `getTxId`: SHA-256 of the
 * transaction without witness, hashed again (`validateCoopExitPayoutTransaction` for the exit
 * transaction, then the connector's, whose outputs the connector refunds spend). The signer is
 * handed neither, so this watches the wallet's SHA-256 inputs (sha256-observer.ts) for them:
 * a transaction with an output paying the withdrawal address the user asked for
 * (`expectWithdrawal`), and one whose single input spends that transaction. What it finds is
 * only a candidate: the device parses both, shows the payout from the exit transaction itself
 * and binds every connector refund to that connector (device-app/PROTOCOL.md, "0x38 EXIT_INTENT").
 */

/** An exit the wallet validated: the bytes the device is sent. */
export interface ObservedExit {
  exitTx: Uint8Array;
  /** The exit output that pays the withdrawal address. */
  payoutVout: number;
  connectorTx: Uint8Array;
  /** Outputs of the connector: one per leaf of the exit, then the fee bump. */
  connectorOutputs: number;
}

/** Transactions kept per withdrawal (the wallet validates one exit per request). */
const MAX_KEPT = 4;
/** Longer inputs are not looked at: a provider's exit transaction is far shorter. */
const MAX_TX_BYTES = 100_000;

interface Exit {
  raw: Uint8Array;
  /** As serialized (the byte order an input's outpoint names it in). */
  txid: Uint8Array;
  payoutVout: number;
}

export class ExitTransactions implements Sha256Observer {
  private payoutScript: Uint8Array | undefined;
  private exits: Exit[] = [];
  private connectors: { raw: Uint8Array; exit: Exit; outputs: number }[] = [];

  /** Starts observing; returns the function that stops it. */
  start(): () => void {
    return observeSha256(this);
  }

  /** The output script the user asked to withdraw to; forgets what was found for another. */
  expect(payoutScript: Uint8Array): void {
    this.payoutScript = payoutScript.slice();
    this.exits = [];
    this.connectors = [];
  }

  /**
   * The newest exit whose connector has one output per leaf plus the fee bump, for an exit of
   * `leaves` leaves; it is then forgotten (one approval per exit), as is the expected address.
   */
  take(leaves: number): ObservedExit | undefined {
    for (let i = this.connectors.length - 1; i >= 0; i--) {
      const c = this.connectors[i]!;
      if (c.outputs !== leaves + 1) continue;
      this.payoutScript = undefined;
      this.exits = [];
      this.connectors = [];
      return { exitTx: c.exit.raw, payoutVout: c.exit.payoutVout, connectorTx: c.raw, connectorOutputs: c.outputs };
    }
    return undefined;
  }

  /** Whether a withdrawal is expected (its address was given and its exit not yet taken). */
  expecting(): boolean {
    return this.payoutScript !== undefined;
  }

  observeFirst(data: Uint8Array): Sha256Sink | undefined {
    const script = this.payoutScript;
    // Only while a withdrawal is expected, and only what starts like a version 2 or 3 transaction
    // (the hook sees every SHA-256 of the process: this must cost nothing for the others).
    if (script === undefined || data.length < 60 || data.length > MAX_TX_BYTES || (data[0] !== 2 && data[0] !== 3) || data[1] !== 0 || data[2] !== 0 || data[3] !== 0) {
      return undefined;
    }
    if (data[0] === 3 && data[4] === 1) {
      const exit = this.exits.find((e) => equalBytes(data.subarray(5, 37), e.txid));
      if (exit !== undefined) {
        const tx = parse(data);
        if (tx !== undefined && tx.inputsLength === 1) this.keep(this.connectors, { raw: data.slice(), exit, outputs: tx.outputsLength });
        return undefined;
      }
    }
    if (!contains(data, script)) return undefined;
    const tx = parse(data);
    if (tx === undefined) return undefined;
    for (let vout = 0; vout < tx.outputsLength; vout++) {
      const out = tx.getOutput(vout).script;
      if (out !== undefined && equalBytes(out, script)) {
        this.keep(this.exits, { raw: data.slice(), txid: sha256(sha256(data)), payoutVout: vout });
        break;
      }
    }
    return undefined;
  }

  private keep<T>(list: T[], item: T): void {
    list.push(item);
    if (list.length > MAX_KEPT) list.shift();
  }
}

/** The transaction in `raw` (without witness, nothing after it), or undefined. */
function parse(raw: Uint8Array): Transaction | undefined {
  try {
    const tx = Transaction.fromRaw(raw, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true });
    return tx.toBytes(true, false).length === raw.length ? tx : undefined;
  } catch {
    return undefined;
  }
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  outer: for (let i = hay.indexOf(first ?? 0); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(first ?? 0, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
