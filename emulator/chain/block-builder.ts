import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils';
import { RawTx } from '@scure/btc-signer';
import { ChainError } from './errors.js';
import type { RpcClient } from './rpc-client.js';

/** The part of btcd's getblocktemplate answer used here (with the coinbasetxn capability). */
interface BlockTemplate {
  version: number;
  previousblockhash: string;
  curtime: number;
  bits: string;
  target: string;
  transactions: { data: string; txid: string }[];
  coinbasetxn: { data: string };
}

function sha256d(data: Uint8Array): Uint8Array {
  return sha256(sha256(data));
}

function reversed(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}

function u32le(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0, true);
  return out;
}

function varint(n: number): Uint8Array {
  if (n < 0xfd) return Uint8Array.of(n);
  if (n <= 0xffff) return Uint8Array.of(0xfd, n & 0xff, n >> 8);
  return concatBytes(Uint8Array.of(0xfe), u32le(n));
}

/** Merkle root over txids in internal byte order (Bitcoin's duplicate-last rule). */
function merkleRoot(hashes: Uint8Array[]): Uint8Array {
  let level = hashes;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Uint8Array;
      const right = level[i + 1] ?? left;
      next.push(sha256d(concatBytes(left, right)));
    }
    level = next;
  }
  const root = level[0];
  if (root === undefined) throw new ChainError('NOT_FOUND', 'a block needs at least the coinbase');
  return root;
}

/**
 * Mines one block whose coinbase pays `script`, on btcd, which has no generatetoaddress and a
 * fixed --miningaddr (docs/btcd.md, section "Mining"). btcd's own block template supplies the
 * transactions, the BIP34 height and the witness commitment; only the coinbase's first output script is
 * replaced (the commitment covers wtxids, and the coinbase's counts as zero, so it stays valid).
 * Regtest's target (bits 0x207fffff) is met by about every second nonce.
 */
export async function mineBlockTo(rpc: RpcClient, script: Uint8Array): Promise<string> {
  const template = await rpc.call<BlockTemplate>('getblocktemplate', [{ rules: ['segwit'], capabilities: ['coinbasetxn'] }]);
  const coinbase = RawTx.decode(hexToBytes(template.coinbasetxn.data));
  const first = coinbase.outputs[0];
  if (first === undefined) throw new ChainError('BTCD_START_FAILED', 'block template coinbase has no output');
  const outputs = [{ amount: first.amount, script }, ...coinbase.outputs.slice(1)];
  const coinbaseBytes = RawTx.encode({ ...coinbase, outputs });
  // The txid hashes the serialization without marker, flag and witness.
  const coinbaseTxid = sha256d(RawTx.encode({ ...coinbase, outputs, segwitFlag: false, witnesses: undefined }));

  const txids = [coinbaseTxid, ...template.transactions.map((t) => reversed(hexToBytes(t.txid)))];
  const headerPrefix = concatBytes(
    u32le(template.version),
    reversed(hexToBytes(template.previousblockhash)),
    merkleRoot(txids),
    u32le(template.curtime),
    reversed(hexToBytes(template.bits)),
  );
  const target = BigInt('0x' + template.target);
  let header: Uint8Array | undefined;
  for (let nonce = 0; nonce <= 0xffffffff; nonce++) {
    const candidate = concatBytes(headerPrefix, u32le(nonce));
    if (BigInt('0x' + bytesToHex(reversed(sha256d(candidate)))) <= target) {
      header = candidate;
      break;
    }
  }
  if (header === undefined) throw new ChainError('BTCD_START_FAILED', 'no nonce meets the block target');
  const block = concatBytes(header, varint(txids.length), coinbaseBytes, ...template.transactions.map((t) => hexToBytes(t.data)));
  const result = await rpc.call<string | null>('submitblock', [bytesToHex(block)]);
  if (result !== null) throw new ChainError('RPC_ERROR', `btcd refused the block: ${result}`);
  return bytesToHex(reversed(sha256d(header)));
}
