import { mkdtempSync, promises as fs, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../errors.js';
import { AccountStore } from './account-store.js';

const IDENTITY = '02' + 'ab'.repeat(32);
const OTHER = '03' + 'cd'.repeat(32);

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'bridge-store-'));
}

describe('AccountStore', () => {
  it('creates the account record on first open, keeps deposit addresses and the exit slot across restarts', async () => {
    const dir = tempDir();
    const store = new AccountStore(dir, 3);
    expect(await store.read()).toBeUndefined();
    await store.open(IDENTITY);
    await store.addDepositAddress('bcrt1pexample0');
    await store.addDepositAddress('bcrt1pexample1');
    await store.addDepositAddress('bcrt1pexample0'); // recorded once
    await store.saveExitData('spark-exit-v1', { leaves: ['tx-hex'] });
    const again = await new AccountStore(dir, 3).open(IDENTITY);
    expect(again.depositAddresses.map((d) => d.address)).toEqual(['bcrt1pexample0', 'bcrt1pexample1']);
    expect(again.exitData).toMatchObject({ format: 'spark-exit-v1', payload: { leaves: ['tx-hex'] } });
    expect(again).toMatchObject({ version: 1, account: 3, identityPublicKey: IDENTITY });
    const stat = await fs.stat(path.join(dir, 'accounts', '3.json'));
    expect(stat.mode & 0o777).toBe(0o600);
  });

  it('keeps accounts apart and refuses to mix another device into an account', async () => {
    const dir = tempDir();
    await new AccountStore(dir, 0).open(IDENTITY);
    await new AccountStore(dir, 1).open(OTHER);
    await expect(new AccountStore(dir, 0).open(OTHER)).rejects.toMatchObject({ code: 'STORAGE', message: expect.stringMatching(/another device/) as unknown });
    expect((await new AccountStore(dir, 1).read())?.identityPublicKey).toBe(OTHER);
  });

  it('concurrent writes all land (they are serialized) and leave no temporary file', async () => {
    const dir = tempDir();
    const store = new AccountStore(dir, 0);
    await store.open(IDENTITY);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.addDepositAddress(`bcrt1paddr${i}`)));
    expect((await store.read())?.depositAddresses).toHaveLength(20);
    expect(readdirSync(path.join(dir, 'accounts'))).toEqual(['0.json']);
  });

  it('a crash mid-write leaves the previous document: a stray temporary file is ignored', async () => {
    const dir = tempDir();
    const store = new AccountStore(dir, 0);
    await store.open(IDENTITY);
    await store.addDepositAddress('bcrt1pkept');
    // What a crash between writing the temporary file and the rename leaves behind.
    await fs.writeFile(path.join(dir, 'accounts', '.0.json.deadbeef.tmp'), '{"version":1,"trunc');
    expect((await store.read())?.depositAddresses.map((d) => d.address)).toEqual(['bcrt1pkept']);
  });

  it('refuses, and leaves untouched, a file from a newer bridge, a corrupt file and an invalid document', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'accounts', '0.json');
    await fs.mkdir(path.dirname(file), { recursive: true });
    for (const [text, pattern] of [
      [JSON.stringify({ version: 2, account: 0 }), /newer bridge/],
      ['{"version": 1, "acc', /not valid JSON/],
      [JSON.stringify({ account: 0 }), /no version/],
      [JSON.stringify({ version: 1, account: 0, identityPublicKey: 'xyz', depositAddresses: [], exitData: null }), /identityPublicKey/],
    ] as const) {
      await fs.writeFile(file, text);
      const err = await new AccountStore(dir, 0).open(IDENTITY).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BridgeError);
      expect((err as BridgeError).message).toMatch(pattern);
      expect(await fs.readFile(file, 'utf8')).toBe(text);
    }
  });

  it('refuses an account outside the device policy and changes before the record exists', async () => {
    expect(() => new AccountStore(tempDir(), 256)).toThrow(/0\.\.255/);
    await expect(new AccountStore(tempDir(), 0).addDepositAddress('bcrt1p')).rejects.toMatchObject({ code: 'STORAGE' });
  });
});
