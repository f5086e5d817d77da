/**
 * Clear signing vs blind signing on the device under Speculos.
 *
 *   npx tsx scripts/bench-clear-sign.ts [--json out.json] [--rounds N] [--leaves 2,4]
 *
 * A transfer of L leaves as the SDK wallet drives it on the device, without the network: per
 * leaf one transfer key split (2 of 3), its identity signature over leafId || transferId ||
 * ciphertext, and two refunds (CPFP and direct-from-CPFP), each refund a FROST share with a fresh
 * commitment; then the identity signature of the transfer package (3 operators, each value the
 * size of the SDK's encrypted key tweaks for L leaves).
 *   - blind: each key split is a "Send leaf" review, each refund a blind FROST_SIGN review, each
 *     identity signature a blind SIGN_IDENTITY review;
 *   - clear: one TRANSFER_INTENT review ("Send" total, Spark address), then the key splits,
 *     FROST_SIGN_TX refunds (transaction and prevout attached) and SIGN_IDENTITY_CLEAR signatures
 *     (preimage attached) without a screen.
 * Every review is approved with the buttons by the approver, as the tests do, so "time per
 * transfer" includes walking the review pages under Speculos (a user would take longer; the
 * count of approvals is the figure that matters to them).
 * Reported: approvals per transfer, APDU exchanges and bytes sent per leaf, time per transfer;
 * and the reference of this run, one GET_VERSION round trip, with every time as a ratio to it.
 */
import fs from 'node:fs';
import { secp256k1 } from '@noble/curves/secp256k1';
import { SigHash, Transaction, p2tr } from '@scure/btc-signer';
import { startApprover, WALLET_REVIEW_TITLES } from '../emulator/speculos/approver.js';
import { buildDeviceApp } from '../emulator/speculos/build.js';
import { SpeculosDriver } from '../emulator/speculos/driver.js';
import { setBlindSigning, waitHome } from '../emulator/speculos/flows.js';
import { TEST_MNEMONIC } from '../emulator/speculos/paths.js';
import { startSpeculos } from '../emulator/speculos/runner.js';
import { SparkLedgerApp, type ApduTransport } from '../src/device/app.js';
import type { KeyRef } from '../src/device/keyref.js';
import { openSpeculosTransport } from '../src/device/transports.js';
import { expectedPublicKey } from '../test/device/expected-keys.js';
import { makeOperatorGroup, operatorNonces, verifyingKeyFor } from '../test/device/frost-operators.js';
import { getTransferPackageSigningPayload } from '@buildonspark/spark-sdk';
import type { TransferPackage } from '@buildonspark/spark-sdk/proto/spark';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes } from '@noble/hashes/utils.js';
import { IdentityPreimages } from '../src/signer/identity-preimages.js';
import { arg, median } from './bench-stats.js';

const ROUNDS = Number(arg('--rounds') ?? '3');
const LEAF_COUNTS = (arg('--leaves') ?? '2,4').split(',').map(Number);

/** Counts exchanges and bytes sent. */
class CountingTransport implements ApduTransport {
  exchanges = 0;
  bytes = 0;
  constructor(private readonly inner: ApduTransport) {}
  async exchange(apdu: Buffer): Promise<Buffer> {
    this.exchanges++;
    this.bytes += apdu.length;
    return await this.inner.exchange(apdu);
  }
}

const P2A = new Uint8Array([0x51, 0x02, 0x4e, 0x73]);
const group = makeOperatorGroup(2, 3);
const receiver = secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true);
/** Per operator, the SDK's ECIES of SendLeafKeyTweaks: ~700 bytes per leaf (share, proofs,
 * pubkey shares, ciphertext, signature) plus the ECIES overhead. */
const tweakBytes = (leaves: number): number => 97 + 700 * leaves;

interface BenchLeaf {
  key: KeyRef & { kind: 'leaf' };
  verifyingKey: Uint8Array;
  nodeScript: Uint8Array;
  value: bigint;
  refunds: Transaction[];
}

function benchLeaf(id: string): BenchLeaf {
  const key = { kind: 'leaf' as const, account: 0, leafId: id };
  const verifyingKey = verifyingKeyFor(expectedPublicKey(key), group);
  const nodeScript = p2tr(verifyingKey.slice(1)).script;
  const value = 50_000n;
  const txid = secp256k1.utils.randomPrivateKey();
  const refunds = [1900, 1950].map((sequence) => {
    const tx = new Transaction({ version: 3, lockTime: 0, allowUnknownOutputs: true });
    tx.addInput({ txid, index: 0, sequence, witnessUtxo: { script: nodeScript, amount: value } });
    tx.addOutput({ script: p2tr(receiver.slice(1)).script, amount: value });
    tx.addOutput({ script: P2A, amount: 0n });
    return tx;
  });
  return { key, verifyingKey, nodeScript, value, refunds };
}

interface Row {
  path: 'blind' | 'clear';
  leaves: number;
  approvalsPerTransfer: number;
  apdusPerLeaf: number;
  bytesSentPerLeaf: number;
  msPerTransfer: number;
  ratioToGetVersion: number;
}

async function main(): Promise<void> {
  const speculos = await startSpeculos({ elfPath: await buildDeviceApp(), seed: TEST_MNEMONIC });
  const counting = new CountingTransport(await openSpeculosTransport(speculos.apduPort));
  const app = new SparkLedgerApp(counting);
  const screen = new SpeculosDriver(speculos.baseUrl);
  const rows: Row[] = [];
  try {
    await waitHome(screen);
    await setBlindSigning(screen, true); // the blind path needs it; the clear path does not use it
    const approver = startApprover(screen, WALLET_REVIEW_TITLES);
    const reference: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await app.getVersion();
      reference.push(performance.now() - t0);
    }
    const ref = median(reference);

    const refundSign = async (l: BenchLeaf, tx: Transaction, clear: boolean): Promise<void> => {
      const [c] = await app.frostCommit(1);
      if (c === undefined) throw new Error('no commitment');
      const ops = operatorNonces(group.operators.slice(0, 2)).map((o) => o.commitment);
      const base = { key: l.key, verifyingKey: l.verifyingKey, userCommitment: c, operators: ops };
      if (clear) {
        await app.frostSignTx({ ...base, network: 'REGTEST', inputIndex: 0, tx: tx.toBytes(true, false), prevouts: [{ amount: l.value, script: l.nodeScript }] });
      } else {
        await app.frostSign({ ...base, message: tx.preimageWitnessV1(0, [l.nodeScript], SigHash.DEFAULT, [l.value]) });
      }
    };

    // the package preimage as the SDK hashes it, found the way LedgerSparkSigner finds it
    const observer = new IdentityPreimages(() => undefined);
    const stopObserving = observer.start();
    const enc = new TextEncoder();
    const transfer = async (leaves: BenchLeaf[], clear: boolean): Promise<void> => {
      const transferId = crypto.randomUUID();
      if (clear) {
        await app.transferIntent({ account: 0, network: 'REGTEST', receiver, leaves: leaves.map((l) => ({ id: l.key.leafId, value: l.value, refundTimelock: 2000 })) });
      }
      for (const l of leaves) {
        const split = await app.keySplit({ mode: 'transfer', leaf: l.key, receiverPublicKey: receiver, threshold: 2, numShares: 3 });
        const payload = concatBytes(enc.encode(l.key.leafId), enc.encode(transferId), split.ciphertext!);
        if (clear) await app.signIdentityClear('leaf', payload);
        else await app.signIdentity(sha256(payload), 'ecdsa-compact');
      }
      for (const l of leaves) for (const tx of l.refunds) await refundSign(l, tx, clear);
      const keyTweakPackage = Object.fromEntries([1, 2, 3].map((i) => ['0'.repeat(63) + String(i), randomBytes(tweakBytes(leaves.length))]));
      const digest = getTransferPackageSigningPayload(transferId, { keyTweakPackage } as unknown as TransferPackage);
      const found = observer.find(digest);
      if (found === undefined) throw new Error('the observer did not see the package hashed');
      if (clear) await app.signIdentityClear('transfer', found.preimage);
      else await app.signIdentity(digest, 'ecdsa-der');
    };

    let run = 0;
    for (const n of LEAF_COUNTS) {
      for (const clear of [false, true]) {
        const times: number[] = [];
        let approvals = 0;
        let exchanges = 0;
        let bytes = 0;
        for (let r = 0; r < ROUNDS; r++) {
          const leaves = Array.from({ length: n }, (_, i) => benchLeaf(`bench-${run}-${r}-${i}`));
          const reviews = approver.reviews.length;
          const e0 = counting.exchanges;
          const b0 = counting.bytes;
          const t0 = performance.now();
          await transfer(leaves, clear);
          times.push(performance.now() - t0);
          await waitHome(screen);
          exchanges += counting.exchanges - e0;
          bytes += counting.bytes - b0;
          // the approver records a review after its last press; let it catch up
          for (let i = 0; i < 50 && approver.reviews.length - reviews < (clear ? 1 : 4 * n + 1); i++) await new Promise((res) => setTimeout(res, 100));
          approvals += approver.reviews.length - reviews;
        }
        run++;
        const ms = median(times);
        rows.push({
          path: clear ? 'clear' : 'blind',
          leaves: n,
          approvalsPerTransfer: approvals / ROUNDS,
          apdusPerLeaf: exchanges / ROUNDS / n,
          bytesSentPerLeaf: Math.round(bytes / ROUNDS / n),
          msPerTransfer: Math.round(ms),
          ratioToGetVersion: Math.round((ms / ref) * 10) / 10,
        });
      }
    }
    await approver.stop();
    stopObserving();
    console.log(`reference: GET_VERSION round trip ${ref.toFixed(2)} ms (median of 30)`);
    console.table(rows);
    for (const n of LEAF_COUNTS) {
      const b = rows.find((r) => r.path === 'blind' && r.leaves === n);
      const c = rows.find((r) => r.path === 'clear' && r.leaves === n);
      if (b !== undefined && c !== undefined) {
        console.log(`${n} leaves: clear/blind time ${(c.msPerTransfer / b.msPerTransfer).toFixed(2)}, bytes per leaf ${(c.bytesSentPerLeaf / b.bytesSentPerLeaf).toFixed(2)}, approvals ${c.approvalsPerTransfer} vs ${b.approvalsPerTransfer}`);
      }
    }
    const out = arg('--json');
    if (out !== undefined) fs.writeFileSync(out, JSON.stringify({ referenceMs: ref, rows }, null, 2) + '\n');
  } finally {
    await speculos.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
