import { schnorr } from '@noble/curves/secp256k1';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import { HDKey } from '@scure/bip32';
import { Address, OutScript, p2tr, Transaction } from '@scure/btc-signer';
import { callTrezor, DEFAULT_CALL_TIMEOUT_MS } from './call.js';
import type { SignTxOutput, TaprootInput, TrezorConnectApi } from './connect-api.js';
import { TrezorError } from './errors.js';
import { bip86AddressN, formatPath } from './paths.js';

/**
 * L1 funding of a Spark deposit from the Trezor's own BIP86 taproot account: an ordinary Bitcoin
 * transaction the Trezor signs and shows (amount and destination on its screen). The Trezor signs
 * taproot key-path inputs only (firmware apps/bitcoin/common.py bip340_sign, no script tree); it
 * cannot sign the deposit's refund or exit transactions, which need the Spark FROST key.
 */

/** Address parameters of regtest, the network this tier's L1 funding is tested on (connect coin "Regtest"). */
export const REGTEST_ADDRESSES = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };
const CONNECT_COIN = 'regtest';
/** P2TR outputs below this are non-standard dust (Bitcoin Core's dust limit for a 43-byte output). */
const P2TR_DUST_SATS = 330n;
/** Virtual sizes: overhead, one key-path taproot input (with its 64-byte signature), one P2TR output. */
const TX_OVERHEAD_VB = 10.5;
const TAPROOT_INPUT_VB = 57.5;
const P2TR_OUTPUT_VB = 43;
const SIGHASH_DEFAULT = 0;

/** One coin of the Trezor's BIP86 account (the caller's wallet backend lists them). */
export interface TrezorUtxo {
  txid: string;
  vout: number;
  amount: bigint;
  /** Receive (0) or change (1) chain, and the address index, under m/86'/1'/<account>'. */
  change: 0 | 1;
  index: number;
}

export interface FundDepositRequest {
  connect: TrezorConnectApi;
  /** The Spark deposit address (a P2TR address the SDK wallet produced). */
  depositAddress: string;
  amount: bigint;
  utxos: TrezorUtxo[];
  /** Where change goes: m/86'/1'/<account>'/1/<changeIndex>. */
  changeIndex: number;
  account?: number;
  /** Default 2 sat/vB. */
  feeRateSatPerVb?: number;
  timeoutMs?: number;
}

export interface SignedFunding {
  txid: string;
  /** Raw signed transaction, hex, ready to broadcast. */
  hex: string;
  /** Output index that pays the deposit address. */
  vout: number;
  fee: bigint;
}

/** The account's key (m/86'/1'/<account>') as read from the Trezor, to derive its addresses here. */
export async function readTaprootAccount(connect: TrezorConnectApi, account = 0, timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Promise<HDKey> {
  const addressN = bip86AddressN(account, 0, 0).slice(0, 3);
  const path = formatPath(addressN);
  const node = await callTrezor(`reading the Trezor's taproot account ${path}`, () => connect.getPublicKey({ path, coin: CONNECT_COIN }), timeoutMs);
  if (node.path.length !== addressN.length || node.path.some((n, i) => n !== addressN[i]) || !/^0[23][0-9a-f]{64}$/.test(node.publicKey) || !/^[0-9a-f]{64}$/.test(node.chainCode)) throw new TrezorError('BAD_RESPONSE', `asked for the account key at ${path}, got ${node.serializedPath}`);
  return new HDKey({ publicKey: hexToBytes(node.publicKey), chainCode: hexToBytes(node.chainCode) });
}

/** The P2TR (BIP86, no script tree) address and output script of one account key. */
export function taprootAddressOf(accountKey: HDKey, change: 0 | 1, index: number): { address: string; script: Uint8Array; internalKey: Uint8Array } {
  const publicKey = accountKey.deriveChild(change).deriveChild(index).publicKey;
  if (publicKey === null) throw new TrezorError('BAD_INPUT', 'cannot derive the taproot key');
  const internalKey = publicKey.slice(1);
  const payment = p2tr(internalKey, undefined, REGTEST_ADDRESSES);
  if (payment.address === undefined) throw new TrezorError('BAD_INPUT', 'cannot encode the taproot address');
  return { address: payment.address, script: payment.script, internalKey };
}

/**
 * Builds the funding transaction, has the Trezor sign it (the user checks the deposit address and
 * amount on its screen), and checks what comes back before anything is broadcast: the same inputs,
 * outputs, version and locktime as asked, and a valid BIP340 signature for every input.
 */
export async function signDepositFunding(request: FundDepositRequest): Promise<SignedFunding> {
  const account = request.account ?? 0;
  const rate = request.feeRateSatPerVb ?? 2;
  if (request.amount < P2TR_DUST_SATS) throw new TrezorError('BAD_INPUT', `deposit amount must be at least ${P2TR_DUST_SATS} sats, got ${request.amount}`);
  if (!(rate > 0) || rate > 10_000) throw new TrezorError('BAD_INPUT', `fee rate must be in (0, 10000] sat/vB, got ${rate}`);
  const depositScript = depositOutputScript(request.depositAddress);
  const timeoutMs = request.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const accountKey = await readTaprootAccount(request.connect, account, timeoutMs);

  const { chosen, fee, change } = selectCoins(request.utxos, request.amount, rate);
  const expected = new Transaction({ version: 2, lockTime: 0 });
  const prevScripts: Uint8Array[] = [];
  const inputs: TaprootInput[] = chosen.map((u) => {
    const { script, internalKey } = taprootAddressOf(accountKey, u.change, u.index);
    prevScripts.push(script);
    expected.addInput({ txid: u.txid, index: u.vout, sequence: 0xffff_ffff, witnessUtxo: { script, amount: u.amount }, tapInternalKey: internalKey });
    return { address_n: bip86AddressN(account, u.change, u.index), prev_hash: u.txid, prev_index: u.vout, amount: u.amount.toString(), script_type: 'SPENDTAPROOT', sequence: 0xffff_ffff };
  });
  const outputs: SignTxOutput[] = [{ address: request.depositAddress, amount: request.amount.toString(), script_type: 'PAYTOADDRESS' }];
  expected.addOutput({ script: depositScript, amount: request.amount });
  if (change > 0n) {
    outputs.push({ address_n: bip86AddressN(account, 1, request.changeIndex), amount: change.toString(), script_type: 'PAYTOTAPROOT' });
    expected.addOutput({ script: taprootAddressOf(accountKey, 1, request.changeIndex).script, amount: change });
  }

  const signed = await callTrezor(
    'signing the deposit funding transaction on the Trezor',
    () => request.connect.signTransaction({ coin: CONNECT_COIN, inputs, outputs, version: 2, locktime: 0, push: false }),
    timeoutMs,
  );
  let tx: Transaction;
  try {
    tx = Transaction.fromRaw(hexToBytes(signed.serializedTx));
  } catch (err) {
    throw new TrezorError('BAD_RESPONSE', `the Trezor's signed transaction does not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Same transaction as asked: compare the serialisations without witnesses (taproot inputs have empty scriptSigs).
  if (bytesToHex(tx.toBytes(true, false)) !== bytesToHex(expected.toBytes(true, false))) throw new TrezorError('BAD_RESPONSE', 'the transaction the Trezor signed differs from the one asked for; not broadcasting it');
  const amounts = chosen.map((u) => u.amount);
  for (let i = 0; i < chosen.length; i++) {
    const witness = tx.getInput(i).finalScriptWitness;
    const signature = witness?.[0];
    if (witness?.length !== 1 || signature === undefined || signature.length !== 64) throw new TrezorError('BAD_RESPONSE', `input ${i} is not a key-path taproot spend with a SIGHASH_DEFAULT signature`);
    const message = tx.preimageWitnessV1(i, prevScripts, SIGHASH_DEFAULT, amounts);
    const outputKey = (prevScripts[i] as Uint8Array).slice(2);
    if (!schnorr.verify(signature, message, outputKey)) throw new TrezorError('BAD_RESPONSE', `the Trezor's signature for input ${i} does not verify`);
  }
  return { txid: tx.id, hex: bytesToHex(tx.toBytes(true, true)), vout: 0, fee };
}

function depositOutputScript(address: string): Uint8Array {
  let decoded: ReturnType<ReturnType<typeof Address>['decode']>;
  try {
    decoded = Address(REGTEST_ADDRESSES).decode(address);
  } catch (err) {
    throw new TrezorError('BAD_INPUT', `not a regtest address: ${address} (${err instanceof Error ? err.message : String(err)})`);
  }
  // Spark deposit addresses are taproot outputs of the user and operators' aggregate key.
  if (decoded.type !== 'tr') throw new TrezorError('BAD_INPUT', `a Spark deposit address is a taproot (P2TR) address, got ${decoded.type}: ${address}`);
  return OutScript.encode(decoded);
}

function vsize(inputs: number, outputs: number): number {
  return Math.ceil(TX_OVERHEAD_VB + TAPROOT_INPUT_VB * inputs + P2TR_OUTPUT_VB * outputs);
}

function selectCoins(utxos: TrezorUtxo[], amount: bigint, rate: number): { chosen: TrezorUtxo[]; fee: bigint; change: bigint } {
  const seen = new Set<string>();
  for (const u of utxos) {
    if (u.amount <= 0n) throw new TrezorError('BAD_INPUT', `coin ${u.txid}:${u.vout} has no value`);
    const key = `${u.txid}:${u.vout}`;
    if (seen.has(key)) throw new TrezorError('BAD_INPUT', `coin ${key} listed twice`);
    seen.add(key);
  }
  const sorted = [...utxos].sort((a, b) => (a.amount < b.amount ? 1 : a.amount > b.amount ? -1 : 0));
  const chosen: TrezorUtxo[] = [];
  let total = 0n;
  for (const u of sorted) {
    chosen.push(u);
    total += u.amount;
    const feeWithChange = BigInt(Math.ceil(vsize(chosen.length, 2) * rate));
    if (total >= amount + feeWithChange + P2TR_DUST_SATS) return { chosen, fee: feeWithChange, change: total - amount - feeWithChange };
    const feeNoChange = BigInt(Math.ceil(vsize(chosen.length, 1) * rate));
    // Change too small to be worth an output: it goes to the fee.
    if (total >= amount + feeNoChange) return { chosen, fee: total - amount, change: 0n };
  }
  throw new TrezorError('BAD_INPUT', `the Trezor account holds ${total} sats in the listed coins, not enough for ${amount} sats plus fees`);
}
