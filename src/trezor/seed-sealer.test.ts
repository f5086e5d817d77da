import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex, randomBytes } from '@noble/hashes/utils';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { TrezorError, type TrezorErrorCode } from './errors.js';
import { parseSealedSeed, serializeSealedSeed, type SealedSeed } from './sealed-seed.js';
import { readSealedSeedFile, writeSealedSeedFile } from './sealed-seed-file.js';
import { DEFAULT_KEY_STRING, sealSeed, unsealSeed } from './seed-sealer.js';
import { TrezorConnectStandIn } from './testing/connect-stand-in.js';

const MNEMONIC = 'all all all all all all all all all all all all';
const OTHER_MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

/** `p` rejects with a TrezorError of `code`, with the other fields in `more` as toMatchObject reads them. */
async function expectCode(p: Promise<unknown>, code: TrezorErrorCode, more: Record<string, unknown> = {}, label?: string): Promise<void> {
  await expect(p, label).rejects.toMatchObject({ name: 'TrezorError', code, ...more });
}

function flipHexNibble(hex: string, at = 0): string {
  const c = hex[at] === '0' ? '1' : '0';
  return hex.slice(0, at) + c + hex.slice(at + 1);
}

describe('Sealing a Spark seed with a Trezor (SLIP-0011 over the connect stand-in)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trezor-seal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seals and unseals, each unlock confirmed on the Trezor under the key string, and the file holds no seed', async () => {
    const trezor = new TrezorConnectStandIn({ mnemonic: MNEMONIC });
    const seed = randomBytes(32);
    const blob = await sealSeed(trezor, seed);
    expect(blob.path).toBe("m/8797555'/0'/11'");
    // Encrypt (ask-on-encrypt), then the read-back decrypt that proves the seal opens.
    expect(trezor.prompts.map((p) => [p.title, p.text])).toEqual([
      ['Encrypt value', DEFAULT_KEY_STRING],
      ['Decrypt value', DEFAULT_KEY_STRING],
    ]);
    const text = serializeSealedSeed(blob);
    expect(text).not.toContain(bytesToHex(seed));
    expect(text).not.toContain(bytesToHex(seed.slice(0, 8)));

    const again = await unsealSeed(trezor, parseSealedSeed(text));
    expect(bytesToHex(again)).toBe(bytesToHex(seed));
    expect(trezor.prompts).toHaveLength(3);
  });

  it('two seals of the same seed share no ciphertext (fresh secret, IV and nonce each time)', async () => {
    const trezor = new TrezorConnectStandIn({ mnemonic: MNEMONIC });
    const seed = randomBytes(32);
    const a = await sealSeed(trezor, seed);
    const b = await sealSeed(trezor, seed);
    expect(a.deviceBinding).toBe(b.deviceBinding);
    expect(a.slip11Value).not.toBe(b.slip11Value);
    expect(a.slip11Iv).not.toBe(b.slip11Iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('a rejection on the Trezor cancels sealing and unsealing, and nothing is returned', async () => {
    const trezor = new TrezorConnectStandIn({ mnemonic: MNEMONIC });
    const blob = await sealSeed(trezor, randomBytes(32));
    trezor.user = () => 'reject';
    await expectCode(sealSeed(trezor, randomBytes(32)), 'CANCELLED');
    await expectCode(unsealSeed(trezor, blob), 'CANCELLED', { connectCode: 'Failure_ActionCancelled', message: expect.stringMatching(/cancelled by user/) });
  });

  it('another Trezor, or another passphrase wallet, is refused before any prompt', async () => {
    const trezor = new TrezorConnectStandIn({ mnemonic: MNEMONIC, passphrase: 'correct horse' });
    const standard = await sealSeed(trezor, randomBytes(32));
    const hidden = await sealSeed(trezor, randomBytes(32), { passphraseWallet: true });
    expect(hidden.deviceBinding).not.toBe(standard.deviceBinding);
    expect(bytesToHex(await unsealSeed(trezor, hidden))).toHaveLength(64);

    const other = new TrezorConnectStandIn({ mnemonic: OTHER_MNEMONIC, passphrase: 'correct horse' });
    await expectCode(unsealSeed(other, standard), 'WRONG_DEVICE');
    const wrongPassphrase = new TrezorConnectStandIn({ mnemonic: MNEMONIC, passphrase: 'wrong' });
    await expectCode(unsealSeed(wrongPassphrase, hidden), 'WRONG_DEVICE');
    expect(other.prompts).toEqual([]);
    expect(wrongPassphrase.prompts).toEqual([]);
  });

  it('a tampered or mixed blob is refused, never decrypted into a wrong seed', async () => {
    const trezor = new TrezorConnectStandIn({ mnemonic: MNEMONIC });
    const seed = randomBytes(32);
    const blob = await sealSeed(trezor, seed);
    const other = await sealSeed(trezor, randomBytes(32));
    const cases: [string, SealedSeed, TrezorErrorCode][] = [
      ['ciphertext bit', { ...blob, ciphertext: flipHexNibble(blob.ciphertext, 5) }, 'TAMPERED'],
      ['tag bit', { ...blob, ciphertext: flipHexNibble(blob.ciphertext, blob.ciphertext.length - 1) }, 'TAMPERED'],
      ['nonce', { ...blob, nonce: flipHexNibble(blob.nonce) }, 'TAMPERED'],
      ['SLIP-0011 value', { ...blob, slip11Value: flipHexNibble(blob.slip11Value, 40) }, 'TAMPERED'],
      ['SLIP-0011 IV', { ...blob, slip11Iv: flipHexNibble(blob.slip11Iv) }, 'TAMPERED'],
      ['key string', { ...blob, keyString: 'Unlock Spark wallet!' }, 'TAMPERED'],
      ['ask-on-encrypt flag', { ...blob, askOnEncrypt: false }, 'TAMPERED'],
      ['seal secret of another blob', { ...blob, slip11Value: other.slip11Value, slip11Iv: other.slip11Iv }, 'TAMPERED'],
      ['ciphertext of another blob', { ...blob, ciphertext: other.ciphertext, nonce: other.nonce }, 'TAMPERED'],
      ['path', { ...blob, path: "m/8797555'/1'/11'" }, 'WRONG_DEVICE'],
      ['device binding', { ...blob, deviceBinding: flipHexNibble(blob.deviceBinding) }, 'WRONG_DEVICE'],
    ];
    for (const [what, bad, code] of cases) {
      await expectCode(unsealSeed(trezor, parseSealedSeed(serializeSealedSeed(bad))), code, {}, what);
    }
    expect(bytesToHex(await unsealSeed(trezor, blob))).toBe(bytesToHex(seed));
  });

  it('malformed files and unknown versions are MALFORMED, a blob that does not ask on decrypt is refused', async () => {
    const trezor = new TrezorConnectStandIn({ mnemonic: MNEMONIC });
    const blob = await sealSeed(trezor, randomBytes(32));
    const bad = (o: unknown): TrezorErrorCode | undefined => {
      try {
        parseSealedSeed(typeof o === 'string' ? o : JSON.stringify(o));
        return undefined;
      } catch (err) {
        return err instanceof TrezorError ? err.code : undefined;
      }
    };
    expect(bad('not json')).toBe('MALFORMED');
    expect(bad({ ...blob, version: 2 })).toBe('MALFORMED');
    expect(bad({ ...blob, format: 'something-else' })).toBe('MALFORMED');
    expect(bad({ ...blob, askOnDecrypt: false })).toBe('MALFORMED');
    expect(bad({ ...blob, nonce: blob.nonce.slice(2) })).toBe('MALFORMED');
    expect(bad({ ...blob, ciphertext: 'zz' })).toBe('MALFORMED');
    expect(bad({ ...blob, extra: 1 })).toBe('MALFORMED');
    expect(bad({ ...blob, path: 'm/../../etc' })).toBe('MALFORMED');
    // Only the Spark sealing path: a file cannot steer the Trezor to a Bitcoin account's key.
    expect(bad({ ...blob, path: "m/84'/0'/0'" })).toBe('MALFORMED');
    expect(bad({ ...blob, path: "m/8797555'/0'/0'" })).toBe('MALFORMED');
  });

  it('a wrong PIN, an absent device and a call that never answers give typed errors', async () => {
    const trezor = new TrezorConnectStandIn({ mnemonic: MNEMONIC });
    const blob = await sealSeed(trezor, randomBytes(32));
    trezor.pin = 'wrong-pin';
    await expectCode(unsealSeed(trezor, blob), 'PIN', { connectCode: 'Failure_PinInvalid' });
    trezor.pin = 'pin-cancelled';
    await expectCode(unsealSeed(trezor, blob), 'PIN');
    trezor.pin = 'unlocked';
    trezor.presence = 'absent-not-found';
    await expectCode(unsealSeed(trezor, blob), 'DEVICE_ABSENT');
    trezor.presence = 'absent-waiting';
    const started = Date.now();
    await expectCode(unsealSeed(trezor, blob, { timeoutMs: 200 }), 'TIMEOUT', { message: expect.stringMatching(/no answer from the Trezor within 200 ms/) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('logs nothing while sealing, unsealing and failing', async () => {
    const trezor = new TrezorConnectStandIn({ mnemonic: MNEMONIC });
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m));
    const writes = [vi.spyOn(process.stdout, 'write'), vi.spyOn(process.stderr, 'write')];
    try {
      const blob = await sealSeed(trezor, randomBytes(32));
      await unsealSeed(trezor, blob);
      await expect(unsealSeed(trezor, { ...blob, ciphertext: flipHexNibble(blob.ciphertext) })).rejects.toBeInstanceOf(TrezorError);
      for (const spy of [...spies, ...writes]) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of [...spies, ...writes]) spy.mockRestore();
    }
  });

  it('refuses seeds of the wrong size before touching the device', async () => {
    const trezor = new TrezorConnectStandIn({ mnemonic: MNEMONIC });
    await expectCode(sealSeed(trezor, new Uint8Array(8)), 'BAD_INPUT');
    await expectCode(sealSeed(trezor, new Uint8Array(65)), 'BAD_INPUT');
  });

  it('writes the file atomically, owner-only, and reads it back', async () => {
    const trezor = new TrezorConnectStandIn({ mnemonic: MNEMONIC });
    const blob = await sealSeed(trezor, randomBytes(32));
    const path = join(dir, 'spark-seed.sealed.json');
    writeFileSync(path, 'old content');
    writeSealedSeedFile(path, blob);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['spark-seed.sealed.json']);
    expect(readSealedSeedFile(path)).toEqual(blob);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(blob);
    expect(() => readSealedSeedFile(join(dir, 'missing.json'))).toThrow(/cannot read the sealed seed file/);
  });
});
