import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import { p2wpkh, Transaction } from '@scure/btc-signer';
import { ChainError } from './errors.js';
import { REGTEST, addressToScript, btcToSats } from './regtest.js';
import type { RpcClient, VerboseTransaction } from './rpc-client.js';

/** Coinbase outputs can be spent 100 blocks later (docs/btcd.md, section "Maturity"). */
export const COINBASE_MATURITY = 100;

/** A flat fee per funding transaction. btcd runs with --minrelaytxfee=0, so this is only realism. */
const BASE_FEE_SATS = 300n;
const FEE_PER_OUTPUT_SATS = 50n;
/** Change below this is added to the fee instead of creating a dust output. */
const MIN_CHANGE_SATS = 1_000n;

/** One spendable output of the funding wallet. */
export interface WalletUtxo {
  txid: string;
  vout: number;
  amount: bigint;
  /** Confirmations when it was listed; 0 for mempool outputs. */
  confirmations: number;
  coinbase: boolean;
}

/** One payment of a funding transaction. */
export interface Payment {
  address: string;
  sats: bigint;
}

/**
 * btcd has no wallet (docs/btcd.md, section "No wallet: funding in tests"), so the chain keeps its own:
 * one P2WPKH key that is btcd's
 * --miningaddr, whose coinbases it spends with transactions signed here. Its coins are found
 * through btcd's address index, so the wallet needs no state besides the key and survives
 * restarts. Calls are serialised so that two payments never pick the same coin.
 */
export class FundingWallet {
  readonly address: string;
  readonly script: Uint8Array;
  /** The wallet key's compressed public key (its P2WPKH pays hash160 of it). */
  readonly publicKey: Uint8Array;
  private readonly privateKey: Uint8Array;
  private queue: Promise<unknown> = Promise.resolve();
  /** Outputs spent by our own transactions that btcd's index may not show yet. */
  private readonly spentByUs = new Set<string>();

  private constructor(privateKey: Uint8Array, private readonly rpc: RpcClient | undefined) {
    this.privateKey = privateKey;
    this.publicKey = secp256k1.getPublicKey(privateKey, true);
    const payment = p2wpkh(this.publicKey, REGTEST);
    if (payment.address === undefined) throw new ChainError('BAD_ADDRESS', 'could not derive the funding address');
    this.address = payment.address;
    this.script = payment.script;
  }

  /** Loads the wallet key from `keyFile`, creating it on first use. */
  static loadOrCreate(keyFile: string, rpc?: RpcClient): FundingWallet {
    let key: Uint8Array;
    if (existsSync(keyFile)) {
      const parsed = JSON.parse(readFileSync(keyFile, 'utf8')) as { privateKey?: string };
      if (typeof parsed.privateKey !== 'string' || !/^[0-9a-f]{64}$/.test(parsed.privateKey)) {
        throw new ChainError('BAD_ADDRESS', `${keyFile} does not hold a 32-byte hex privateKey`);
      }
      key = hexToBytes(parsed.privateKey);
    } else {
      key = secp256k1.utils.randomPrivateKey();
      mkdirSync(dirname(keyFile), { recursive: true });
      writeFileSync(keyFile, JSON.stringify({ privateKey: bytesToHex(key) }) + '\n', { mode: 0o600 });
    }
    return new FundingWallet(key, rpc);
  }

  private client(): RpcClient {
    if (this.rpc === undefined) throw new ChainError('RPC_TRANSPORT', 'the funding wallet has no RPC client');
    return this.rpc;
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Mines until at least one coinbase of ours is mature (fresh chain: 101 blocks). */
  async ensureMatureCoins(): Promise<void> {
    const rpc = this.client();
    const height = await rpc.getBlockCount();
    if (height <= COINBASE_MATURITY) await rpc.generate(COINBASE_MATURITY + 1 - height);
  }

  /** All outputs paying this wallet that no known transaction spends, found via the address index. */
  async listUnspent(): Promise<WalletUtxo[]> {
    const rpc = this.client();
    const txs: VerboseTransaction[] = [];
    const page = 1000;
    for (let skip = 0; ; skip += page) {
      const batch = await rpc.searchRawTransactions(this.address, skip, page);
      txs.push(...batch);
      if (batch.length < page) break;
    }
    const spent = new Set(this.spentByUs);
    for (const tx of txs) {
      for (const vin of tx.vin) if (vin.txid !== undefined && vin.vout !== undefined) spent.add(`${vin.txid}:${vin.vout}`);
    }
    const scriptHex = bytesToHex(this.script);
    const utxos: WalletUtxo[] = [];
    for (const tx of txs) {
      const coinbase = tx.vin.some((v) => v.coinbase !== undefined);
      for (const out of tx.vout) {
        if (out.scriptPubKey.hex !== scriptHex || spent.has(`${tx.txid}:${out.n}`)) continue;
        utxos.push({ txid: tx.txid, vout: out.n, amount: btcToSats(out.value), confirmations: tx.confirmations ?? 0, coinbase });
      }
    }
    return utxos;
  }

  /** Coins that may go into the next block: immature coinbases are left out. */
  async spendable(): Promise<WalletUtxo[]> {
    return (await this.listUnspent()).filter((u) => !u.coinbase || u.confirmations >= COINBASE_MATURITY);
  }

  /** Sum of spendable coins, in satoshis. */
  async balance(): Promise<bigint> {
    return (await this.spendable()).reduce((sum, u) => sum + u.amount, 0n);
  }

  /**
   * Signs and finalizes every input of `tx` that spends one of this wallet's outputs (their
   * witnessUtxo must be set), e.g. the fee inputs of a CPFP child built elsewhere; returns how many.
   */
  signOwnInputs(tx: Transaction): number {
    let signed = 0;
    for (let i = 0; i < tx.inputsLength; i++) {
      const script = tx.getInput(i).witnessUtxo?.script;
      if (script === undefined || bytesToHex(script) !== bytesToHex(this.script)) continue;
      tx.signIdx(this.privateKey, i);
      tx.finalizeIdx(i);
      signed++;
    }
    return signed;
  }

  /** Remembers outputs spent by a transaction broadcast outside pay(), until btcd's index shows it. */
  markSpent(outpoints: { txid: string; vout: number }[]): void {
    for (const o of outpoints) this.spentByUs.add(`${o.txid}:${o.vout}`);
  }

  /**
   * Pays every payment in one transaction, broadcasts it and returns its txid (unconfirmed:
   * mine to confirm). Change goes back to the wallet and can be spent before it confirms.
   */
  pay(payments: Payment[]): Promise<string> {
    return this.serialised(async () => {
      const prepared = await this.build(payments.map((p) => {
        if (typeof p.sats !== 'bigint' || p.sats <= 0n) throw new ChainError('BAD_AMOUNT', `amount must be a positive number of sats, got ${String(p.sats)}`);
        return { script: addressToScript(p.address), sats: p.sats };
      }));
      return this.client().sendRawTransaction(prepared.hex);
    });
  }

  /**
   * Builds and signs a transaction paying `outputs` (scripts) with `fee` (default: the flat fee),
   * change back to the wallet, WITHOUT broadcasting it: its coins are held for it until
   * `release` (a cooperative exit's transaction waits for the operators before it is sent).
   */
  prepare(outputs: { script: Uint8Array; sats: bigint }[], fee?: bigint): Promise<PreparedTx> {
    return this.serialised(() => this.build(outputs, fee));
  }

  /** Gives back the coins a prepared transaction held, when it will never be broadcast. */
  release(prepared: PreparedTx): void {
    for (const c of prepared.spends) this.spentByUs.delete(`${c.txid}:${c.vout}`);
  }

  private async build(outputs: { script: Uint8Array; sats: bigint }[], fixedFee?: bigint): Promise<PreparedTx> {
    if (outputs.length === 0) throw new ChainError('BAD_AMOUNT', 'no payments given');
    for (const o of outputs) if (o.sats <= 0n) throw new ChainError('BAD_AMOUNT', `amount must be a positive number of sats, got ${o.sats}`);
    const total = outputs.reduce((sum, o) => sum + o.sats, 0n);
    const fee = fixedFee ?? BASE_FEE_SATS + FEE_PER_OUTPUT_SATS * BigInt(outputs.length + 1);
    // With a fixed fee the change must be a real output (the fee is exactly what was asked).
    const need = total + fee + (fixedFee === undefined ? 0n : MIN_CHANGE_SATS);
    await this.ensureMatureCoins();
    const coins = (await this.spendable()).sort((a, b) => (a.amount < b.amount ? 1 : a.amount > b.amount ? -1 : 0));
    const chosen: WalletUtxo[] = [];
    let inSum = 0n;
    for (const coin of coins) {
      if (inSum >= need) break;
      chosen.push(coin);
      inSum += coin.amount;
    }
    if (inSum < need) {
      throw new ChainError('INSUFFICIENT_FUNDS', `funding wallet holds ${inSum} spendable sats, needs ${need}; mine more blocks`);
    }
    const tx = new Transaction();
    for (const coin of chosen) {
      tx.addInput({ txid: coin.txid, index: coin.vout, witnessUtxo: { script: this.script, amount: coin.amount } });
    }
    for (const o of outputs) tx.addOutput({ script: o.script, amount: o.sats });
    const change = inSum - total - fee;
    // Change too small for an output goes to the fee.
    const kept = change >= MIN_CHANGE_SATS ? change : 0n;
    if (kept > 0n) tx.addOutput({ script: this.script, amount: kept });
    tx.sign(this.privateKey);
    tx.finalize();
    for (const coin of chosen) this.spentByUs.add(`${coin.txid}:${coin.vout}`);
    return { hex: tx.hex, txid: tx.id, spends: chosen.map((c) => ({ txid: c.txid, vout: c.vout })), fee: inSum - total - kept };
  }
}

/** A signed transaction of the wallet, not broadcast yet (FundingWallet.prepare). */
export interface PreparedTx {
  hex: string;
  /** display-order txid */
  txid: string;
  /** the wallet's coins it spends */
  spends: { txid: string; vout: number }[];
  /** what it pays in fee, in satoshis */
  fee: bigint;
}
