import { DefaultSparkSigner } from '@buildonspark/spark-sdk';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, randomBytes } from '@noble/hashes/utils';
import { describe, expect, it } from 'vitest';
import { TrezorError } from './errors.js';
import { signerSecretBuffers, TREZOR_TIER_LABEL, TrezorSealedSeedSigner, type LockReason } from './sealed-seed-signer.js';
import { sealSeed } from './seed-sealer.js';
import { TrezorConnectStandIn } from './testing/connect-stand-in.js';

const MNEMONIC = 'all all all all all all all all all all all all';

async function sealed(options: { idleTimeoutMs?: number } = {}) {
  const trezor = new TrezorConnectStandIn({ mnemonic: MNEMONIC });
  const seed = randomBytes(32);
  const blob = await sealSeed(trezor, seed);
  trezor.prompts.length = 0;
  const locks: LockReason[] = [];
  const signer = new TrezorSealedSeedSigner({ connect: trezor, blob, onLock: (r) => locks.push(r), ...options });
  return { trezor, seed, signer, locks };
}

function innerOf(signer: TrezorSealedSeedSigner): object {
  const inner = (signer as unknown as { inner?: object }).inner;
  if (inner === undefined) throw new Error('signer is locked');
  return inner;
}

async function lockedError(p: () => Promise<unknown> | unknown): Promise<TrezorError> {
  try {
    await p();
  } catch (err) {
    if (err instanceof TrezorError) return err;
    throw err;
  }
  throw new Error('expected LOCKED');
}

describe('TrezorSealedSeedSigner: sealed by the Trezor, signing on this computer', () => {
  it('says what it is', () => {
    expect(TREZOR_TIER_LABEL).toBe('Protected at rest by your Trezor; signing happens on this computer');
    expect(TrezorSealedSeedSigner.tierLabel).toBe(TREZOR_TIER_LABEL);
    expect(TREZOR_TIER_LABEL).not.toMatch(/on the device|on your Trezor/i);
  });

  it('is locked until the Trezor unseals, then has the keys DefaultSparkSigner derives from the same seed', async () => {
    const { trezor, seed, signer } = await sealed();
    expect(signer.isUnlocked).toBe(false);
    expect((await lockedError(() => signer.getIdentityPublicKey())).code).toBe('LOCKED');
    expect((await lockedError(() => signer.getNonceForSelfCommitment({ commitment: { binding: new Uint8Array(33), hiding: new Uint8Array(33) } }))).code).toBe('LOCKED');

    await signer.unlock();
    expect(trezor.prompts.map((p) => p.title)).toEqual(['Decrypt value']);
    const reference = new DefaultSparkSigner();
    await reference.createSparkWalletFromSeed(seed, 0);
    expect(bytesToHex(await signer.getIdentityPublicKey())).toBe(bytesToHex(await reference.getIdentityPublicKey()));
    expect(bytesToHex(await signer.getDepositSigningKey())).toBe(bytesToHex(await reference.getDepositSigningKey()));
    const message = sha256(new TextEncoder().encode('spark'));
    const signature = await signer.signMessageWithIdentityKey(message, true);
    expect(secp256k1.verify(signature, message, await signer.getIdentityPublicKey())).toBe(true);
    signer.lock();
  });

  it('locked, every SparkSigner call it forwards fails LOCKED: the asynchronous ones reject, never throw', async () => {
    const { signer } = await sealed();
    // The SDK signer's methods, less its own helpers (which are not SparkSigner calls) and the refused seed call.
    const calls = Object.getOwnPropertyNames(DefaultSparkSigner.prototype).filter((n) => n in signer && n !== 'constructor' && n !== 'createSparkWalletFromSeed');
    expect(calls).toHaveLength(21);
    const synchronous: string[] = [];
    for (const name of calls) {
      const method = (signer as unknown as Record<string, unknown>)[name];
      expect(method, name).toBeTypeOf('function');
      let result: unknown;
      try {
        result = (method as () => unknown).call(signer);
      } catch (err) {
        synchronous.push(name);
        expect(err, name).toMatchObject({ name: 'TrezorError', code: 'LOCKED' });
        continue;
      }
      await expect(result, name).rejects.toMatchObject({ name: 'TrezorError', code: 'LOCKED' });
    }
    expect(synchronous.sort()).toEqual(['getNonceForSelfCommitment', 'signTransactionIndex']);
  });

  it('refuses a seed from the wallet: the keys come only from the sealed file', async () => {
    const { signer } = await sealed();
    await signer.unlock();
    await expect(signer.createSparkWalletFromSeed()).rejects.toMatchObject({ code: 'BAD_INPUT' });
    signer.lock();
  });

  it('lock zeroes every private key and pending FROST nonce it holds, and later calls are LOCKED', async () => {
    const { signer, locks } = await sealed();
    await signer.unlock();
    await signer.getRandomSigningCommitment();
    await signer.getRandomSigningCommitment();
    const buffers = signerSecretBuffers(innerOf(signer));
    // identity and deposit key pairs, plus two nonces of two scalars each.
    expect(buffers.length).toBeGreaterThanOrEqual(6);
    expect(buffers.every((b) => b.some((x) => x !== 0))).toBe(true);
    signer.lock();
    expect(buffers.every((b) => b.every((x) => x === 0))).toBe(true);
    expect(locks).toEqual(['user']);
    expect(signer.isUnlocked).toBe(false);
    expect((await lockedError(() => signer.signSchnorrWithIdentityKey(new Uint8Array(32)))).code).toBe('LOCKED');
  });

  it('locks itself after the idle timeout, and each call restarts the timer', async () => {
    const { signer, locks } = await sealed({ idleTimeoutMs: 400 });
    await signer.unlock();
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 200));
      await signer.getIdentityPublicKey();
    }
    expect(signer.isUnlocked).toBe(true);
    await new Promise((r) => setTimeout(r, 700));
    expect(signer.isUnlocked).toBe(false);
    expect(locks).toEqual(['idle']);
  });

  it('locks on process exit through an exit listener it removes when locked', async () => {
    const { signer, locks } = await sealed();
    const before = process.listeners('exit');
    await signer.unlock();
    const added = process.listeners('exit').filter((l) => !before.includes(l));
    expect(added).toHaveLength(1);
    const buffers = signerSecretBuffers(innerOf(signer));
    (added[0] as () => void)();
    expect(locks).toEqual(['exit']);
    expect(buffers.every((b) => b.every((x) => x === 0))).toBe(true);
    expect(process.listeners('exit')).toEqual(before);
  });

  it('a lock while the Trezor is still unsealing wins: the unlock fails LOCKED and holds no keys', async () => {
    const { signer } = await sealed();
    const unlocking = signer.unlock();
    signer.lock();
    await expect(unlocking).rejects.toMatchObject({ code: 'LOCKED' });
    expect(signer.isUnlocked).toBe(false);
    await signer.unlock();
    expect(signer.isUnlocked).toBe(true);
    signer.lock();
  });

  it('stays locked when the user rejects on the Trezor, and concurrent unlocks share one prompt', async () => {
    const { trezor, signer } = await sealed();
    trezor.user = () => 'reject';
    await expect(signer.unlock()).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(signer.isUnlocked).toBe(false);
    trezor.user = () => 'confirm';
    trezor.prompts.length = 0;
    await Promise.all([signer.unlock(), signer.unlock(), signer.unlock()]);
    expect(trezor.prompts).toHaveLength(1);
    expect(signer.isUnlocked).toBe(true);
    signer.lock();
  });
});
