import { Transaction, p2tr } from '@scure/btc-signer';
import { bytesToHex } from '@noble/hashes/utils';
import type { KeyRef } from '../device/keyref.js';
import { refundKeyPath, type ExitSweepSigner, type SweepSigningRequest as ExitSweepSigningRequest } from '../exit/sweep-signer.js';
import type { ExitSweepRequest, SweepNetwork } from '../device/messages.js';
import type { SparkLedgerApp } from '../device/app.js';
import type { SparkNetworkName } from '../exit/exit-data.js';
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

/**
 * The key a refund output pays: the exit data's `RefundKey` (src/exit/exit-data.ts) without the
 * fields the device does not need (it derives the key from kind, account and leaf id). When the
 * caller passes the exit data's `path`, it must be that kind's Spark path.
 */
export type SweepKey = { kind: 'leaf'; account: number; leafId: string; path?: string } | { kind: 'identity'; account: number; path?: string };

/** The exit runner's request (src/exit/sweep-signer.ts) with the narrower key above. */
export type SweepSigningRequest = Omit<ExitSweepSigningRequest, 'key'> & { key: SweepKey };

/**
 * The exit sweep's signer on the device, the `ExitSweepSigner` the exit runner takes (the software
 * counterpart is `SoftwareSweepSigner`, same directory as the interface).
 * The device computes the BIP-341 sighash itself and shows fee, amount and address; it signs
 * one-input, one-output sweeps of outputs paying its own key's BIP-86 taproot key.
 */
export class LedgerExitSweepSigner implements ExitSweepSigner {
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
  if (key.path !== undefined) {
    const expected = refundKeyPath(key);
    if (key.path !== expected) throw new LedgerSignerError('INVALID_REQUEST', `refund key path ${key.path} is not the ${key.kind} key's path ${expected}`);
  }
  return key.kind === 'leaf' ? { kind: 'leaf', account: key.account, leafId: key.leafId } : { kind: 'identity', account: key.account };
}

/** The device's sweep network for an exit-data network (LOCAL and REGTEST are both regtest addresses). */
export function sweepNetworkOf(network: SparkNetworkName): SweepNetwork {
  switch (network) {
    case 'MAINNET':
      return 'bitcoin';
    case 'TESTNET':
    case 'SIGNET':
      return 'testnet';
    case 'REGTEST':
    case 'LOCAL':
      return 'regtest';
  }
}

/**
 * The sweep signer on a device app without a SparkSigner around it (the exit command, the
 * bridge's "exit now"): no SDK is loaded, and no operator is needed.
 */
export function deviceExitSweepSigner(app: Pick<SparkLedgerApp, 'getPublicKey' | 'signExitSweep'>, network: SparkNetworkName): LedgerExitSweepSigner {
  return new LedgerExitSweepSigner((key) => app.getPublicKey(key), (request) => app.signExitSweep(request), sweepNetworkOf(network));
}
