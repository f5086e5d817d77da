/**
 * Spark key derivation against the vectors in docs/keys-and-frost.md (section "Spark keys") and against
 * the SDK's DefaultSparkSigner on seeded random seeds: identity, deposit, static deposit, leaf keys and
 * the HTLC HMAC.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex } from './bytes.js';
import { SparkCryptoError } from './errors.js';
import { HARDENED_OFFSET, SparkAccountKeys, leafKeyIndex, sparkKeyPath, sparkKeyPathString } from './keys.js';
import { SeededRandom } from './testing/prng.js';
import { DefaultSparkSigner, KeyDerivationType } from './testing/sdk-oracle.js';

const SEED = process.env.SPARK_ORACLE_SEED ?? 'spark-keys-oracle-1';

describe('Spark keys', () => {
  it('matches the documented vectors (seed 07×32)', () => {
    const seed = new Uint8Array(32).fill(7);
    const k1 = SparkAccountKeys.fromSeed(seed, 1);
    expect(bytesToHex(k1.identityKey().publicKey)).toBe('0216054677c8b523ebbebe1912f773584b6fc707848648911df36342aa7a0b47f8');
    expect(bytesToHex(SparkAccountKeys.fromSeed(seed, 0).identityKey().publicKey)).toMatch(/^021c85a4.*631a$/);
    const leaf = '01a20131-388e-7350-b519-531061f04f64';
    expect(leafKeyIndex(leaf)).toBe(1540415641 + HARDENED_OFFSET);
    expect(sparkKeyPathString(sparkKeyPath(1, 'signing', leaf))).toBe("m/8797555'/1'/1'/1540415641'");
    expect(bytesToHex(k1.leafKey(leaf).publicKey)).toBe('03785e5d2d854981e45004e3c46963287128355b01fcd98012c1de1c9b2fab990a');
  });

  it('paths: identity, signing, deposit, static deposit, HTLC', () => {
    expect(sparkKeyPathString(sparkKeyPath(0, 'identity'))).toBe("m/8797555'/0'/0'");
    expect(sparkKeyPathString(sparkKeyPath(3, 'deposit'))).toBe("m/8797555'/3'/2'");
    expect(sparkKeyPathString(sparkKeyPath(1, 'staticDeposit', 7))).toBe("m/8797555'/1'/3'/7'");
    expect(sparkKeyPathString(sparkKeyPath(1, 'htlcPreimage'))).toBe("m/8797555'/1'/4'");
    expect(() => sparkKeyPath(-1, 'identity')).toThrow(expect.objectContaining({ code: 'INVALID_DERIVATION' }));
    expect(() => sparkKeyPath(0, 'staticDeposit')).toThrow(expect.objectContaining({ code: 'INVALID_DERIVATION' }));
    expect(() => sparkKeyPath(0, 'identity', 3)).toThrow(expect.objectContaining({ code: 'INVALID_DERIVATION' }));
    expect(() => leafKeyIndex('')).toThrow(expect.objectContaining({ code: 'INVALID_DERIVATION' }));
    expect(() => SparkAccountKeys.fromSeed(new Uint8Array(8), 0)).toThrow(SparkCryptoError);
  });

  it('equals DefaultSparkSigner on 200 seeds × (identity, deposit, 2 static deposit, 3 leaf keys, HTLC HMAC)', { timeout: 240_000 }, async () => {
    const rng = new SeededRandom(SEED);
    let compared = 0;
    for (let i = 0; i < 200; i++) {
      const seed = rng.bytes(i % 2 === 0 ? 64 : 32);
      const account = rng.int(4);
      const where = `seed=${SEED} case=${i} account=${account}`;
      const sdk = new DefaultSparkSigner();
      await sdk.createSparkWalletFromSeed(seed, account);
      const ours = SparkAccountKeys.fromSeed(seed, account);
      expect(bytesToHex(ours.identityKey().publicKey), where).toBe(bytesToHex(await sdk.getIdentityPublicKey()));
      expect(bytesToHex(ours.depositKey().publicKey), where).toBe(bytesToHex(await sdk.getDepositSigningKey()));
      for (let j = 0; j < 2; j++) {
        const idx = rng.int(1000);
        expect(bytesToHex(ours.staticDepositKey(idx).privateKey), where).toBe(bytesToHex(await sdk.getStaticDepositSecretKey(idx)));
      }
      for (let j = 0; j < 3; j++) {
        const leafId = bytesToHex(rng.bytes(16));
        const theirs = await sdk.getPublicKeyFromDerivation({ type: KeyDerivationType.LEAF, path: leafId });
        expect(bytesToHex(ours.leafKey(leafId).publicKey), `${where} leaf=${leafId}`).toBe(bytesToHex(theirs));
      }
      const transferId = bytesToHex(rng.bytes(16));
      expect(bytesToHex(ours.htlcHmac(transferId)), where).toBe(bytesToHex(await sdk.htlcHMAC(transferId)));
      compared += 8;
      ours.wipe();
    }
    expect(compared).toBeGreaterThanOrEqual(1600);
  });
});
