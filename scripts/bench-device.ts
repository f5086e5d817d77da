/**
 * Device app benchmark under Speculos.
 *
 *   npx tsx scripts/bench-device.ts [--json out.json] [--rounds N]
 *
 * Measures, on this machine, with the ELF built from source and a fixed seed:
 *   - per public key (GET_PUBLIC_KEY, silent)
 *   - per identity signature (ECDSA DER and BIP340), device time after the user's approval
 *   - per FROST share, device time after the user's approval
 *   - per batch of 100 commitments (FROST_COMMIT, as many exchanges as needed)
 *   - per HTLC HMAC, per ECIES_PUBLIC_KEY (decrypt a transfer's key ciphertext), per claim key
 *     split (decrypt + VSS, 2 of 3 and 3 of 5), silent; per transfer key split (fresh key, VSS
 *     3 of 5, ECIES to the receiver) and per exit sweep signature, device time after approval
 *   - per transfer key split 2 of 3 (the local operator network's threshold) drawn fresh and from
 *     an entry prepared ahead (SPLIT_PREPARE, device-app/PROTOCOL.md "Prepared splits"; prepared
 *     before each round, outside its time), with the leaf's public key cached on the device and
 *     not (a leaf never used in the session: A_old costs its k·G); and per SPLIT_PREPARE entry
 *   - APDU exchanges per operation
 * Every figure is also given as a ratio to a reference measured in the same run: the round trip
 * of GET_VERSION (no crypto: pure Speculos + IO cost). Ratios travel between machines; the
 * absolute milliseconds only describe this one.
 *
 * "Device time after approval": the script walks the review to "Approve", holds both buttons,
 * starts the clock, releases them (the app acts on release) and stops when the reply arrives,
 * so the human part of the flow is not counted.
 * Two paths for the arithmetic on secrets (device-app/core/platform.h, "arithmetic on secrets"):
 *   - the device ELF does it through the OS's cx_bn_* / cx_ecpoint_* syscalls
 *     (device-app/platform/os_crypto.c); under Speculos they run natively in the emulator, so
 *     "FROST share ...: after approval" (key and nonce derivation, then frost_finish: three
 *     conditional negations, two multiplications and two additions mod n, each one syscall
 *     sequence) is the syscall path's cost, and "before review" holds frost_prepare (public
 *     values, portable C on the device as well);
 *   - the host build runs the portable C, the reference: its callgrind instruction counts
 *     (device-app/host `make bench`: "frost" = frost_prepare + frost_finish, "frost-finish" =
 *     the secret part alone) are run and printed at the end.
 */
import { secp256k1 } from '@noble/curves/secp256k1';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { buildDeviceApp } from '../emulator/speculos/build.js';
import { SpeculosDriver } from '../emulator/speculos/driver.js';
import { TEST_MNEMONIC } from '../emulator/speculos/paths.js';
import { startSpeculos } from '../emulator/speculos/runner.js';
import { encryptEcies } from '../src/crypto/index.js';
import { SparkLedgerApp } from '../src/device/app.js';
import type { KeyRef } from '../src/device/keyref.js';
import type { ExitSweepRequest } from '../src/device/messages.js';
import { p2tr } from '@scure/btc-signer';
import { openSpeculosTransport } from '../src/device/transports.js';
import { expectedPublicKey } from '../test/device/expected-keys.js';
import { makeOperatorGroup, operatorNonces, verifyingKeyFor } from '../test/device/frost-operators.js';
import { setBlindSigning, waitHome } from '../emulator/speculos/flows.js';
import { arg, median, timeIt } from './bench-stats.js';

const ROUNDS = Number(arg('--rounds') ?? '10');

interface Row {
  operation: string;
  medianMs: number;
  ratioToGetVersion: number;
  apduExchanges: number;
  rounds: number;
}

async function main(): Promise<void> {
  const elfPath = await buildDeviceApp();
  const speculos = await startSpeculos({ elfPath, seed: TEST_MNEMONIC });
  const transport = await openSpeculosTransport(speculos.apduPort);
  const app = new SparkLedgerApp(transport);
  const screen = new SpeculosDriver(speculos.baseUrl);
  const rows: Row[] = [];
  try {
    await waitHome(screen);
    await setBlindSigning(screen, true);

    const measure = async (operation: string, rounds: number, fn: () => Promise<unknown>): Promise<number[]> => {
      await fn(); // warm-up
      const before = app.exchanges;
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        times.push(await timeIt(fn));
      }
      rows.push({ operation, medianMs: median(times), ratioToGetVersion: NaN, apduExchanges: (app.exchanges - before) / rounds, rounds });
      return times;
    };

    /**
     * Starts a request needing approval; `pre` = request sent → review on screen (device work
     * before the review, e.g. parsing and checking the nonce; screen polled every 5 ms, so an
     * upper bound), `post` = release of both buttons on Approve → reply (the signature itself).
     */
    const approvedTiming = async (start: () => Promise<unknown>, firstTitle: string, setup?: () => Promise<unknown>): Promise<{ pre: number; post: number }> => {
      await setup?.(); // not timed
      const t0 = process.hrtime.bigint();
      const pending = start();
      await screen.waitForScreen((t) => t.includes(firstTitle), { pollMs: 5 });
      const pre = Number(process.hrtime.bigint() - t0) / 1e6;
      await screen.pressUntil('right', (t) => t.includes('Approve'));
      await screen.hold('both');
      const t1 = process.hrtime.bigint();
      await screen.release('both');
      await pending;
      const post = Number(process.hrtime.bigint() - t1) / 1e6;
      await waitHome(screen);
      return { pre, post };
    };
    const measureApproved = async (operation: string, rounds: number, start: () => Promise<unknown>, title: string, setup?: () => Promise<unknown>): Promise<void> => {
      await approvedTiming(start, title, setup); // warm-up
      const before = app.exchanges;
      const pre: number[] = [];
      const post: number[] = [];
      const total: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const t = await approvedTiming(start, title, setup);
        pre.push(t.pre);
        post.push(t.post);
        total.push(t.pre + t.post);
      }
      const apdus = (app.exchanges - before) / rounds;
      rows.push({ operation: `${operation}: total device time`, medianMs: median(total), ratioToGetVersion: NaN, apduExchanges: apdus, rounds });
      rows.push({ operation: `  before review (upper bound)`, medianMs: median(pre), ratioToGetVersion: NaN, apduExchanges: NaN, rounds });
      rows.push({ operation: `  after approval`, medianMs: median(post), ratioToGetVersion: NaN, apduExchanges: NaN, rounds });
    };

    await measure('GET_VERSION (reference)', ROUNDS * 3, () => app.getVersion());
    await measure('public key (identity)', ROUNDS, () => app.getPublicKey({ kind: 'identity', account: 0 }));
    await measure('public key (leaf)', ROUNDS, () => app.getPublicKey({ kind: 'leaf', account: 0, leafId: 'bench-leaf-0001' }));
    await measure('100 FROST commitments', Math.max(2, Math.floor(ROUNDS / 3)), () => app.frostCommitBatch(100, 3));

    await measure('HTLC HMAC', ROUNDS, () => app.htlcHmac('0197a2b45c6d7e8f9a0b1c2d3e4f5a6b'));
    const identity = await app.getPublicKey({ kind: 'identity', account: 0 });
    const ciphertext = encryptEcies(secp256k1.utils.randomPrivateKey(), identity);
    await measure('ECIES_PUBLIC_KEY (decrypt, public key)', ROUNDS, () => app.eciesPublicKey(ciphertext));
    const leaf: KeyRef = { kind: 'leaf', account: 0, leafId: 'bench-leaf-0001' };
    await measure('claim key split, 2 of 3', ROUNDS, () => app.keySplit({ mode: 'claim', account: 0, ciphertext, leaf, threshold: 2, numShares: 3 }));
    await measure('claim key split, 3 of 5', ROUNDS, () => app.keySplit({ mode: 'claim', account: 0, ciphertext, leaf, threshold: 3, numShares: 5 }));
    const receiverPublicKey = secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true);
    const leafPub = await app.getPublicKey(leaf);
    const sweep: ExitSweepRequest = {
      refundKey: leaf,
      network: 'regtest',
      version: 2,
      locktime: 0,
      prevout: { txid: secp256k1.utils.randomPrivateKey(), vout: 0, amount: 50_000n },
      sequence: 2000,
      output: { script: p2tr(leafPub.slice(1)).script, amount: 49_000n },
    };
    await measureApproved('exit sweep (BIP341 sighash + sign)', ROUNDS, () => app.signExitSweep(sweep), 'Exit sweep');
    await measureApproved('transfer key split, 3 of 5', ROUNDS, () => app.keySplit({ mode: 'transfer', leaf, receiverPublicKey, threshold: 3, numShares: 5 }), 'Send leaf');
    const split23 = (l: KeyRef) => () => app.keySplit({ mode: 'transfer', leaf: l, receiverPublicKey, threshold: 2, numShares: 3 });
    const prepareOne = async (): Promise<void> => {
      if ((await app.splitPrepare(1, 2)) < 1) throw new Error('SPLIT_PREPARE prepared nothing');
    };
    let cold = 0;
    const coldLeaf = (): KeyRef => ({ kind: 'leaf', account: 0, leafId: `bench-cold-${cold++}` });
    await measureApproved('transfer key split 2 of 3, fresh (leaf key cached)', ROUNDS, split23(leaf), 'Send leaf');
    await measureApproved('transfer key split 2 of 3, prepared (leaf key cached)', ROUNDS, split23(leaf), 'Send leaf', prepareOne);
    await measureApproved('transfer key split 2 of 3, fresh (leaf key cold)', ROUNDS, () => split23(coldLeaf())(), 'Send leaf');
    await measureApproved('transfer key split 2 of 3, prepared (leaf key cold)', ROUNDS, () => split23(coldLeaf())(), 'Send leaf', prepareOne);
    // the pool is empty again (every prepared entry was taken) and holds 8: the warm-up and 7
    // rounds each prepare one entry, checked by the count the device answers
    if ((await app.splitPrepare(0, 2)) !== 0) throw new Error('the split pool is not empty');
    let expected = 0;
    await measure('SPLIT_PREPARE, 1 entry of t = 2', 7, async () => {
      if ((await app.splitPrepare(1, 2)) !== ++expected) throw new Error('SPLIT_PREPARE prepared no entry');
    });

    const digest = secp256k1.utils.randomPrivateKey();
    await measureApproved('identity signature ECDSA', ROUNDS, () => app.signIdentity(digest, 'ecdsa-der'), 'Blind signing');
    await measureApproved('identity signature BIP340', ROUNDS, () => app.signIdentity(digest, 'schnorr'), 'Blind signing');

    const group = makeOperatorGroup(3, 5);
    const key: KeyRef = { kind: 'leaf', account: 0, leafId: 'bench-leaf-0001' };
    const userPub = expectedPublicKey(key);
    const verifyingKey = verifyingKeyFor(userPub, group);
    // Commitments are fetched up front so the FROST_SIGN timing holds the signing alone.
    const commitments = await app.frostCommitBatch(ROUNDS + 1, 3);
    const frostShare = async (): Promise<unknown> => {
      const c = commitments.shift();
      if (c === undefined) throw new Error('out of commitments');
      const ops = operatorNonces(group.operators.slice(0, 3));
      return app.frostSign({
        key,
        message: secp256k1.utils.randomPrivateKey(),
        verifyingKey,
        userCommitment: c,
        operators: ops.map((o) => o.commitment),
      });
    };
    await measureApproved('FROST share, 3 operators', ROUNDS, frostShare, 'Blind signing');

    const ref = rows[0]?.medianMs ?? NaN;
    for (const r of rows) {
      r.ratioToGetVersion = r.medianMs / ref;
    }
  } finally {
    await transport.close().catch(() => undefined);
    await speculos.stop();
  }

  console.log(`Speculos device benchmark (median of N rounds; reference = GET_VERSION round trip)`);
  console.log('operation'.padEnd(46) + 'median ms'.padStart(10) + '  x GET_VERSION'.padStart(16) + '  APDUs/op'.padStart(11) + '  N'.padStart(5));
  for (const r of rows) {
    console.log(
      r.operation.padEnd(46) +
        r.medianMs.toFixed(1).padStart(10) +
        r.ratioToGetVersion.toFixed(1).padStart(16) +
        (Number.isNaN(r.apduExchanges) ? '' : r.apduExchanges.toFixed(1)).padStart(11) +
        String(r.rounds).padStart(5),
    );
  }
  // The host build's instruction counts (device-app/host, `make bench`, under callgrind): the
  // portable path of the same operations. Skipped with --no-host.
  let host: string | undefined;
  if (!process.argv.includes('--no-host')) {
    try {
      host = execFileSync('make', ['-s', '-C', 'device-app/host', 'bench'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      console.log(`\nHost build instruction counts, portable path (callgrind, from device-app/host):\n${host.trim()}`);
    } catch (err) {
      console.log(`\nHost instruction count unavailable (make -C device-app/host bench failed: ${(err as Error).message.split('\n')[0] ?? ''})`);
    }
  }
  const out = arg('--json');
  if (out !== undefined) {
    fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), rows, host }, null, 2));
  }
}

await main();
