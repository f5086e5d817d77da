import { Address, OutScript } from '@scure/btc-signer';
import { ChainError } from './errors.js';

/** The address parameters @scure/btc-signer takes (its BTC_NETWORK shape). */
export interface BtcNetwork {
  bech32: string;
  pubKeyHash: number;
  scriptHash: number;
  wif: number;
}

/** Regtest address parameters (bech32 HRP "bcrt", base58 0x6f/0xc4/0xef: docs/btcd.md, section "Regtest
 * parameters"). */
export const REGTEST: BtcNetwork = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };

/** Satoshis per bitcoin, for the JSON-RPC amounts that bitcoind-style APIs express in BTC. */
export const SATS_PER_BTC = 100_000_000n;

/** The output script an address pays to; throws BAD_ADDRESS for anything not a regtest address. */
export function addressToScript(address: string): Uint8Array {
  try {
    return OutScript.encode(Address(REGTEST).decode(address));
  } catch (err) {
    throw new ChainError('BAD_ADDRESS', `not a regtest address: ${JSON.stringify(address)} (${String(err)})`);
  }
}

/** The regtest address of an output script, or undefined when the script has none (OP_RETURN, P2A…). */
export function scriptToAddress(script: Uint8Array): string | undefined {
  try {
    return Address(REGTEST).encode(OutScript.decode(script));
  } catch {
    return undefined;
  }
}

/** Converts a BTC float (as JSON-RPC reports it) to satoshis without float drift. */
export function btcToSats(btc: number): bigint {
  return BigInt(Math.round(btc * 1e8));
}

/** Converts satoshis to the BTC float JSON-RPC answers use. */
export function satsToBtc(sats: bigint): number {
  return Number(sats) / 1e8;
}
