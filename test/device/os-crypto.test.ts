import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha2';
import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { buildDeviceApp } from '../../emulator/speculos/build.js';
import { SpeculosDriver } from '../../emulator/speculos/driver.js';
import { review, setBlindSigning, waitHome } from '../../emulator/speculos/flows.js';
import { TEST_MNEMONIC } from '../../emulator/speculos/paths.js';
import { startSpeculos, type SpeculosProcess } from '../../emulator/speculos/runner.js';
import { SparkLedgerApp } from '../../src/device/app.js';
import { openSpeculosTransport, type LedgerTransport } from '../../src/device/transports.js';
import { expectedPublicKey, sparkPath } from './expected-keys.js';

/**
 * The device does its arithmetic on secrets in the OS's crypto library (cx_bn_* and
 * cx_ecpoint_* syscalls, device-app/platform/os_crypto.c), the host build in the portable C
 * that is the reference (device-app/core/crypto/portable.h). What shows that the two compute
 * the same thing:
 *   - the ELF links no portable scalar arithmetic or scalar multiplication at all, so every
 *     secret-dependent value the device returns came from the syscalls (checked here);
 *   - under Speculos' syscall trace, the commands call exactly those syscalls and every one
 *     returns CX_OK (checked here);
 *   - the device's outputs are the values the oracles determine uniquely: public keys and
 *     RFC 6979 ECDSA signatures byte-equal to @noble/curves (here and in pubkeys.test.ts), FROST
 *     shares satisfying the share equation z*G = D + rho*E + c*lambda*P, which fixes z
 *     (frost.test.ts), BIP340 signatures that verify;
 *   - the host build gives the SDK's and noble's exact bytes for the same operations
 *     (make -C device-app/host unit: FROST shares byte-equal with the SDK's signFrost).
 */

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function identityPrivateKey(): Uint8Array {
  let k = HDKey.fromMasterSeed(mnemonicToSeedSync(TEST_MNEMONIC));
  for (const e of sparkPath({ kind: 'identity', account: 0 })) {
    k = k.deriveChild(e);
  }
  if (k.privateKey === null) {
    throw new Error('BIP32 derivation produced no private key');
  }
  return k.privateKey;
}

/** The cx_* syscalls Speculos traced (`-t`) in a slice of its output, with their return values. */
function cxCalls(log: string): { name: string; ret: string }[] {
  const calls: { name: string; ret: string }[] = [];
  for (const m of log.matchAll(/syscall: (cx_(?:bn|ecpoint|ecdomain)_\w+)\(.*?\) = (\d+) \(0x[0-9a-f]+\)/g)) {
    calls.push({ name: m[1] ?? '', ret: m[2] ?? '' });
  }
  return calls;
}

/**
 * The text Speculos printed between two reads of its log, which is a bounded tail
 * (emulator/speculos/runner.ts): after = before.slice(dropped) + appended.
 */
function appendedSince(before: string, after: string): string {
  if (after.startsWith(before)) {
    return after.slice(before.length);
  }
  const dropped = before.indexOf(after.slice(0, 4096));
  if (dropped < 0) {
    throw new Error('the Speculos log rolled over by more than its whole length during one operation');
  }
  return after.slice(before.length - dropped);
}

describe('device ELF: arithmetic on secrets is not linked in portable form', () => {
  it('has the OS-backed platform services and none of the portable implementations', async () => {
    const elf = await buildDeviceApp();
    const symbols = execFileSync('arm-none-eabi-nm', [elf], { encoding: 'utf8' });
    for (const service of ['plat_sc_add', 'plat_sc_sub', 'plat_sc_mul', 'plat_sc_inv', 'plat_ec_mul_gen']) {
      expect(symbols, service).toMatch(new RegExp(`^[0-9a-f]+ T ${service}$`, 'm'));
    }
    expect(symbols).not.toMatch(/_portable$/m);
    expect(symbols).not.toMatch(/ GE_GEN_TABLE$/m);
  });
});

describe('device arithmetic on secrets under Speculos (syscall trace)', () => {
  let speculos: SpeculosProcess;
  let transport: LedgerTransport;
  let app: SparkLedgerApp;
  let screen: SpeculosDriver;

  beforeAll(async () => {
    const elfPath = await buildDeviceApp();
    speculos = await startSpeculos({ elfPath, seed: TEST_MNEMONIC, trace: true });
    screen = new SpeculosDriver(speculos.baseUrl);
    await screen.waitForScreen(/Spark/, { timeoutMs: 60_000 });
    transport = await openSpeculosTransport(speculos.apduPort);
    app = new SparkLedgerApp(transport);
  }, 120_000);

  afterAll(async () => {
    await transport?.close().catch(() => undefined);
    await speculos?.stop();
  });

  /** Runs `op` and returns the cx_* syscalls traced while it ran. */
  async function traced<T>(op: () => Promise<T>): Promise<{ result: T; calls: { name: string; ret: string }[] }> {
    const before = speculos.logs();
    const result = await op();
    return { result, calls: cxCalls(appendedSince(before, speculos.logs())) };
  }

  it('a public key is k*G by cx_ecpoint_rnd_scalarmul, byte-equal to the host derivation', async () => {
    const ref = { kind: 'deposit', account: 0 } as const;
    const { result, calls } = await traced(() => app.getPublicKey(ref));
    expect(hex(result)).toBe(hex(expectedPublicKey(ref)));
    const names = calls.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['cx_bn_lock', 'cx_ecpoint_alloc', 'cx_ecdomain_generator_bn', 'cx_ecpoint_rnd_scalarmul', 'cx_ecpoint_export', 'cx_bn_unlock']));
    expect(calls.filter((c) => c.ret !== '0'), 'every cx syscall returns CX_OK').toEqual([]);
  });

  it('an ECDSA signature comes from cx_bn modular arithmetic and equals RFC 6979 from @noble/curves', async () => {
    await setBlindSigning(screen, true);
    const digest = sha256(new TextEncoder().encode('os crypto ecdsa'));
    const { result, calls } = await traced(async () => {
      const pending = app.signIdentity(digest, 'ecdsa-compact');
      await review(screen, 'Blind signing', 'approve');
      return pending;
    });
    await waitHome(screen);
    const expected = secp256k1.sign(digest, identityPrivateKey(), { lowS: true, prehash: false }).toCompactRawBytes();
    expect(hex(result)).toBe(hex(expected));
    const names = calls.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['cx_ecpoint_rnd_scalarmul', 'cx_bn_mod_invert_nprime', 'cx_bn_mod_mul', 'cx_bn_mod_add', 'cx_bn_export']));
    expect(calls.filter((c) => c.ret !== '0'), 'every cx syscall returns CX_OK').toEqual([]);
  });
});
