import { concatBytes } from '@noble/hashes/utils.js';
import { u32be } from './bytes.js';
import { invalidArgument } from './errors.js';
import { checkLen, encodeFrostPackage, u64be, type FrostSignRequest } from './messages.js';

/**
 * Clear signing (device-app/PROTOCOL.md, "FROST_SIGN_TX" and "TRANSFER_INTENT"): the device is
 * given the transaction a FROST share signs and the outputs it spends, or the whole transfer the
 * user approves once.
 */

/** The SDK's network names; the device shows their address prefixes. */
export type SparkNetwork = 'MAINNET' | 'TESTNET' | 'SIGNET' | 'REGTEST' | 'LOCAL';
const NETWORK_BYTE: Record<SparkNetwork, number> = { MAINNET: 0, TESTNET: 1, SIGNET: 2, REGTEST: 3, LOCAL: 4 };

/** An output an input spends: what BIP341 signs besides the transaction. */
export interface Prevout {
  amount: bigint;
  script: Uint8Array;
}

/** FROST_SIGN_TX: FROST_SIGN's package without the message, plus the transaction and its prevouts. */
export interface FrostSignTxRequest extends Omit<FrostSignRequest, 'message'> {
  network: SparkNetwork;
  /** The input the share signs. */
  inputIndex: number;
  /** The transaction without witness (Bitcoin serialization). */
  tx: Uint8Array;
  /** One per input, in order. */
  prevouts: readonly Prevout[];
}

/** The most a FROST_SIGN_TX transaction may take (the device's limit). */
export const FROST_SIGN_TX_MAX_TX = 1200;

export function encodeFrostSignTx(req: FrostSignTxRequest): Uint8Array {
  if (!Number.isInteger(req.inputIndex) || req.inputIndex < 0 || req.inputIndex >= req.prevouts.length) {
    throw invalidArgument(`input index ${req.inputIndex} is not one of the ${req.prevouts.length} prevouts`);
  }
  if (req.tx.length < 1 || req.tx.length > FROST_SIGN_TX_MAX_TX) {
    throw invalidArgument(`transaction must be 1..${FROST_SIGN_TX_MAX_TX} bytes, got ${req.tx.length}`);
  }
  const prevouts = req.prevouts.map((p, i) => {
    if (p.script.length > 42) {
      throw invalidArgument(`prevouts[${i}].script must be at most 42 bytes, got ${p.script.length}`);
    }
    return concatBytes(u64be(p.amount, `prevouts[${i}].amount`), new Uint8Array([p.script.length]), p.script);
  });
  return concatBytes(
    encodeFrostPackage(req),
    new Uint8Array([NETWORK_BYTE[req.network], req.inputIndex, req.tx.length >> 8, req.tx.length & 0xff]),
    req.tx,
    ...prevouts,
  );
}

/** One leaf of a transfer: its id, value, and the timelock of its current refund (low 16 bits of nSequence). */
export interface IntentLeaf {
  id: string;
  value: bigint;
  refundTimelock: number;
}

/** TRANSFER_INTENT: the whole transfer the user approves once. */
export interface TransferIntent {
  account: number;
  network: SparkNetwork;
  /** The receiver's identity public key (33 bytes). */
  receiver: Uint8Array;
  leaves: readonly IntentLeaf[];
}

/** The most leaves one intent names (device-app/PROTOCOL.md, "TRANSFER_INTENT"): a whole SDK swap batch. */
export const INTENT_MAX_LEAVES = 64;

export function encodeTransferIntent(intent: TransferIntent): Uint8Array {
  checkLen('receiver identity key', intent.receiver, 33);
  if (intent.leaves.length < 1 || intent.leaves.length > INTENT_MAX_LEAVES) {
    throw invalidArgument(`a transfer intent names 1..${INTENT_MAX_LEAVES} leaves, got ${intent.leaves.length}`);
  }
  const leaves = intent.leaves.map((l, i) => {
    const id = new TextEncoder().encode(l.id);
    if (id.length < 1 || id.length > 64) {
      throw invalidArgument(`leaves[${i}].id must be 1..64 bytes, got ${id.length}`);
    }
    if (!Number.isInteger(l.refundTimelock) || l.refundTimelock < 0 || l.refundTimelock > 0xffff) {
      throw invalidArgument(`leaves[${i}].refundTimelock must be a u16, got ${l.refundTimelock}`);
    }
    return concatBytes(new Uint8Array([id.length]), id, u64be(l.value, `leaves[${i}].value`), new Uint8Array([l.refundTimelock >> 8, l.refundTimelock & 0xff]));
  });
  return concatBytes(u32be(intent.account), new Uint8Array([NETWORK_BYTE[intent.network]]), intent.receiver, new Uint8Array([intent.leaves.length]), ...leaves);
}

/**
 * EXIT_INTENT (device-app/PROTOCOL.md, "0x38 EXIT_INTENT"): a cooperative exit the user approves
 * once. The device reads the amount and the address from the exit transaction itself.
 */
export interface ExitIntent extends TransferIntent {
  /** The exit transaction's output that pays the withdrawal address. */
  payoutVout: number;
  /** The exit transaction without witness (the bytes its txid hashes). */
  exitTx: Uint8Array;
  /** The connector transaction (spends an output of the exit; one output per leaf, then the fee bump). */
  connectorTx: Uint8Array;
}

/** The most an EXIT_INTENT payload may take (the device's chunk buffer). */
export const EXIT_INTENT_MAX_PAYLOAD = 2048;

export function encodeExitIntent(intent: ExitIntent): Uint8Array {
  if (!Number.isInteger(intent.payoutVout) || intent.payoutVout < 0 || intent.payoutVout > 0xff) {
    throw invalidArgument(`payoutVout must be a byte, got ${intent.payoutVout}`);
  }
  const sized = (name: string, tx: Uint8Array): Uint8Array => {
    if (tx.length < 1 || tx.length > 0xffff) throw invalidArgument(`${name} must be 1..65535 bytes, got ${tx.length}`);
    return concatBytes(new Uint8Array([tx.length >> 8, tx.length & 0xff]), tx);
  };
  const payload = concatBytes(encodeTransferIntent(intent), new Uint8Array([intent.payoutVout]), sized('exitTx', intent.exitTx), sized('connectorTx', intent.connectorTx));
  if (payload.length > EXIT_INTENT_MAX_PAYLOAD) {
    throw invalidArgument(`an exit intent takes at most ${EXIT_INTENT_MAX_PAYLOAD} bytes, got ${payload.length}`);
  }
  return payload;
}

/**
 * SIGN_IDENTITY_CLEAR (device-app/PROTOCOL.md, "0x36 SIGN_IDENTITY_CLEAR"): what an identity-key
 * signature says. The device is given the preimage, hashes and parses it itself.
 */
export type IdentityStatement = 'login' | 'leaf' | 'transfer' | 'claim' | 'provider-login';
/** The mode byte of each statement. */
export const STATEMENT_BYTE: Record<IdentityStatement, number> = { login: 0, leaf: 1, transfer: 2, claim: 3, 'provider-login': 4 };

/** mode u8 || account u32 || preimage (streamed in chunks: no length limit of its own). */
export function encodeSignIdentityClear(statement: IdentityStatement, preimage: Uint8Array, account: number): Uint8Array {
  if (!Number.isInteger(account) || account < 0 || account > 0xffffffff) {
    throw invalidArgument(`account must be a u32, got ${account}`);
  }
  if (preimage.length === 0) {
    throw invalidArgument('the preimage of an identity signature is never empty');
  }
  return concatBytes(Uint8Array.of(STATEMENT_BYTE[statement]), u32be(account), preimage);
}
