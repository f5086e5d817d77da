import { Transaction, p2tr } from '@scure/btc-signer';
import { bytesToHex } from '@noble/hashes/utils';
import type { KeyRef } from '../device/keyref.js';
import type { ExitSweepRequest, SweepNetwork } from '../device/messages.js';
import { LedgerSignerError } from './errors.js';

/**
 * The device request for a sweep transaction: exactly one input spending the exit output (its
 * witnessUtxo must be the BIP-86 P2TR of `refundPublicKey`, the key at `refundKey`) and one output.
 */
export function exitSweepRequest(tx: Transaction, refundKey: KeyRef, refundPublicKey: Uint8Array, network: SweepNetwork): ExitSweepRequest {
  if (tx.inputsLength !== 1 || tx.outputsLength !== 1) {
    throw new LedgerSignerError('INVALID_REQUEST', `an exit sweep has one input and one output, got ${tx.inputsLength} and ${tx.outputsLength}`);
  }
  const input = tx.getInput(0);
  const output = tx.getOutput(0);
  if (input.txid === undefined || input.index === undefined || input.witnessUtxo === undefined) {
    throw new LedgerSignerError('INVALID_REQUEST', 'the sweep input needs txid, index and witnessUtxo (script and amount of the exit output)');
  }
  if (output.script === undefined || output.amount === undefined) {
    throw new LedgerSignerError('INVALID_REQUEST', 'the sweep output needs a script and an amount');
  }
  const expected = p2tr(refundPublicKey.slice(1)).script;
  if (bytesToHex(input.witnessUtxo.script) !== bytesToHex(expected)) {
    throw new LedgerSignerError(
      'INVALID_REQUEST',
      `the sweep input spends ${bytesToHex(input.witnessUtxo.script)}, not the exit output ${bytesToHex(expected)} of the refund key: the device signs only for its own key's taproot output`,
    );
  }
  return {
    refundKey,
    network,
    version: tx.version,
    locktime: tx.lockTime,
    prevout: { txid: input.txid, vout: input.index, amount: input.witnessUtxo.amount },
    sequence: input.sequence ?? 0xffffffff,
    output: { script: output.script, amount: output.amount },
  };
}

/** The key a refund output pays (the exit data's refund key; extra fields are ignored). */
export type SweepKey = { kind: 'leaf'; account: number; leafId: string } | { kind: 'identity'; account: number };

/** One key-path input of an unsigned sweep transaction, with every prevout in input order. */
export interface SweepSigningRequest {
  key: SweepKey;
  /** The unsigned sweep transaction (no witness). */
  tx: Uint8Array;
  inputIndex: number;
  prevouts: { script: Uint8Array; amount: bigint }[];
}

/**
 * The exit sweep's signer on the device: `publicKey(key)` and `signKeyPath(request)`, the shape
 * an exit command's sweep-signer interface takes (a software signer does the same from a seed).
 * The device computes the BIP-341 sighash itself and shows fee, amount and address; it signs
 * one-input, one-output sweeps of outputs paying its own key's BIP-86 taproot key.
 */
export class LedgerExitSweepSigner {
  constructor(
    private readonly publicKeyOf: (key: KeyRef) => Promise<Uint8Array>,
    private readonly sign: (request: ExitSweepRequest) => Promise<Uint8Array>,
    private readonly network: SweepNetwork,
  ) {}

  async publicKey(key: SweepKey): Promise<Uint8Array> {
    return await this.publicKeyOf(keyRefOf(key));
  }

  async signKeyPath(req: SweepSigningRequest): Promise<Uint8Array> {
    const tx = Transaction.fromRaw(req.tx, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true });
    const prevout = req.prevouts[0];
    if (req.inputIndex !== 0 || req.prevouts.length !== 1 || prevout === undefined) {
      throw new LedgerSignerError('INVALID_REQUEST', `the device signs one-input sweeps (input 0 with its one prevout), got input ${req.inputIndex} of ${req.prevouts.length} prevouts`);
    }
    tx.updateInput(0, { witnessUtxo: { script: prevout.script, amount: prevout.amount } }, true);
    const key = keyRefOf(req.key);
    const request = exitSweepRequest(tx, key, await this.publicKeyOf(key), this.network);
    return await this.sign(request);
  }
}

function keyRefOf(key: SweepKey): KeyRef {
  return key.kind === 'leaf' ? { kind: 'leaf', account: key.account, leafId: key.leafId } : { kind: 'identity', account: key.account };
}
