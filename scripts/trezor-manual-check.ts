/**
 * Manual check of the Trezor tier against a REAL Trezor. CI does not run it (no Trezor emulator
 * can be built or installed there; CI tests the same code against a stand-in for @trezor/connect).
 * A person with a Trezor (Model T, Safe 3/5, or One with firmware 1.10+; PIN entered on the device
 * or already unlocked) runs:
 *
 *   npx tsx scripts/trezor-manual-check.ts            # any wallet
 *   npx tsx scripts/trezor-manual-check.ts --slip14   # a device loaded with the SLIP-0014 test
 *                                                     # mnemonic ("all" x12): also checks the
 *                                                     # published SLIP-0015 vector bit for bit
 *   --timeout-ms N                                    # per-call limit, default 120000
 *
 * and follows the prompts: it reads keys, seals a random seed (confirm twice on the Trezor),
 * unseals it (confirm), asks for one rejection (press cancel on the Trezor), and signs a REGTEST
 * funding transaction that spends a made-up coin (confirm; nothing is broadcast, no real coin can
 * be spent by it). The sealed file goes to a temporary directory and is deleted at the end.
 * Reach the device through the Trezor Bridge (Suite running) or directly over USB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schnorr } from '@noble/curves/secp256k1';
import { bytesToHex, randomBytes } from '@noble/hashes/utils';
import { p2tr } from '@scure/btc-signer';
import { callTrezor, DEFAULT_CALL_TIMEOUT_MS } from '../src/trezor/call.js';
import { loadTrezorConnect } from '../src/trezor/connect-loader.js';
import { TrezorError } from '../src/trezor/errors.js';
import { REGTEST_ADDRESSES, readTaprootAccount, signDepositFunding, taprootAddressOf } from '../src/trezor/l1-funding.js';
import { sealPath } from '../src/trezor/paths.js';
import { readSealedSeedFile, writeSealedSeedFile } from '../src/trezor/sealed-seed-file.js';
import { TREZOR_TIER_LABEL } from '../src/trezor/sealed-seed-signer.js';
import { sealSeed, unsealSeed } from '../src/trezor/seed-sealer.js';

const SLIP15_EXPECTED = '20c8bf0701213cdcf4c2f56fd0096c1772322d42fb9c4d0ddf6bb122d713d2f3';

let failures = 0;
function report(ok: boolean, what: string, detail = ''): void {
  if (!ok) failures++;
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}${detail === '' ? '' : `: ${detail}`}`);
}

async function main(): Promise<void> {
  const slip14 = process.argv.includes('--slip14');
  const timeoutArg = process.argv.indexOf('--timeout-ms');
  const timeoutMs = timeoutArg === -1 ? DEFAULT_CALL_TIMEOUT_MS : Number(process.argv[timeoutArg + 1]);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new Error('--timeout-ms takes a positive integer');
  console.log(`Trezor tier manual check. ${TREZOR_TIER_LABEL}.`);
  const connect = await loadTrezorConnect({ manifest: { appName: 'Spark hardware signer manual check', appUrl: 'https://localhost', email: 'dev@localhost' } });
  const dir = mkdtempSync(join(tmpdir(), 'trezor-manual-'));
  try {
    const api = connect.api;
    const node = await callTrezor('reading the sealing key', () => api.getPublicKey({ path: sealPath(0), coin: 'btc', crossChain: true }), timeoutMs);
    report(/^0[23][0-9a-f]{64}$/.test(node.publicKey), `public key at the Spark sealing path ${sealPath(0)} (no prompt, safety checks untouched)`, node.publicKey);

    if (slip14) {
      console.log('Confirm "Enable labeling?" on the Trezor (SLIP-0015 vector).');
      const res = await callTrezor('SLIP-0015 vector', () =>
        api.cipherKeyValue({ path: "m/10015'/0'", key: 'Enable labeling?', value: 'fedcba98765432100123456789abcdeffedcba98765432100123456789abcdef', encrypt: true, askOnEncrypt: true, askOnDecrypt: true }),
        timeoutMs,
      );
      report(res.value === SLIP15_EXPECTED, 'SLIP-0011 on the device equals the SLIP-0015 published vector', res.value);
    }

    console.log('Sealing a random seed: confirm "Encrypt value", then "Decrypt value" on the Trezor.');
    const seed = randomBytes(32);
    const file = join(dir, 'spark-seed.sealed.json');
    writeSealedSeedFile(file, await sealSeed(api, seed, { timeoutMs }));
    report(true, 'sealed (and read back through the device)');

    console.log('Unsealing: confirm "Decrypt value" on the Trezor.');
    const unsealed = await unsealSeed(api, readSealedSeedFile(file), { timeoutMs });
    report(bytesToHex(unsealed) === bytesToHex(seed), 'unsealed to the same seed');
    unsealed.fill(0);

    console.log('Now press CANCEL (reject) on the Trezor.');
    try {
      await unsealSeed(api, readSealedSeedFile(file), { timeoutMs });
      report(false, 'rejection on the device', 'the unseal succeeded');
    } catch (err) {
      report(err instanceof TrezorError && err.code === 'CANCELLED', 'rejection on the device is a CANCELLED error', err instanceof Error ? err.message : String(err));
    }

    const account = await readTaprootAccount(api, 0, timeoutMs);
    const receive = taprootAddressOf(account, 0, 0).address;
    report(receive.startsWith('bcrt1p'), "BIP86 regtest account m/86'/1'/0', first receive address", receive);

    console.log('Signing a REGTEST funding transaction of a made-up coin (nothing is broadcast): check the address and amount, confirm.');
    const deposit = p2tr(schnorr.getPublicKey(randomBytes(32)), undefined, REGTEST_ADDRESSES).address ?? '';
    console.log(`  expect to see: ${deposit}, 0.001 BTC (regtest)`);
    const signed = await signDepositFunding({ connect: api, depositAddress: deposit, amount: 100_000n, utxos: [{ txid: bytesToHex(randomBytes(32)), vout: 0, amount: 150_000n, change: 0, index: 0 }], changeIndex: 0, timeoutMs });
    report(true, 'the device signed the funding transaction as asked and its BIP340 signature verifies', signed.txid);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await connect.dispose();
  }
  console.log(failures === 0 ? 'All checks passed.' : `${failures} check(s) failed.`);
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(`FAIL  ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
