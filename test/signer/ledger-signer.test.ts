import { describe, expect, it } from 'vitest';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import { KeyDerivationType, getSparkFrost, type KeyDerivation } from '@buildonspark/spark-sdk';
import { SigHash, Transaction, p2tr, p2wpkh } from '@scure/btc-signer';
import type { TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import { Ins } from '../../src/device/apdu.js';
import { SparkLedgerApp, type ApduTransport } from '../../src/device/app.js';
import { BadDataError, UserRejectedError } from '../../src/device/errors.js';
import { LedgerSignerError, LedgerSparkSigner } from '../../src/signer/index.js';
import { taprootOutputKey } from '../../src/crypto/index.js';
import { deviceForSuite } from '../device/fixture.js';
import { makeOperatorGroup, operatorCommitmentMap, operatorNonces, operatorPublicShares, operatorShares, verifyingKeyFor } from '../device/frost-operators.js';
import { pageBody, review, setBlindSigning, waitHome } from '../../emulator/speculos/flows.js';
import { RecordingTransport, reachableData, secretsFound } from './secret-scan.js';
import { referenceSigner } from './reference-signer.js';
import { accountSecrets } from './seed-keys.js';
import { runUnilateralExit } from '../../src/exit/exit-runner.js';
import { blockClock } from '../../src/exit/exit-chain.js';
import { checkExitData } from '../../src/exit/exit-data.js';
import { refundKeyPath, type ExitSweepSigner } from '../../src/exit/sweep-signer.js';
import { FakeChain } from '../../src/exit/testing/fake-chain.js';
import { exitData, leafFixture } from '../../src/exit/testing/fixture.js';

const LEAF_A = '0197a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b';
const LEAF_B = 'b6a5f4e3-d2c1-4b0a-9f8e-7d6c5b4a3f21';
const digest = (label: string): Uint8Array => sha256(new TextEncoder().encode(label));
const big = (b: Uint8Array): bigint => BigInt(`0x${bytesToHex(b) || '0'}`);
const mod = (v: bigint): bigint => ((v % secp256k1.CURVE.n) + secp256k1.CURVE.n) % secp256k1.CURVE.n;

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<LedgerSignerError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof LedgerSignerError) return e;
    throw e;
  }
  throw new Error('expected a LedgerSignerError, the call succeeded');
}

describe('LedgerSparkSigner under Speculos, against the SDK DefaultSparkSigner on the same seed', () => {
  const dev = deviceForSuite();
  let recorder: RecordingTransport;
  let signer: LedgerSparkSigner;

  const setup = (): void => {
    recorder = new RecordingTransport(dev.transport);
    signer = new LedgerSparkSigner(new SparkLedgerApp(recorder));
  };

  it('public keys of every served derivation equal the SDK signer’s', async () => {
    setup();
    const ref = await referenceSigner();
    expect(bytesToHex(await signer.getIdentityPublicKey())).toBe(bytesToHex(await ref.getIdentityPublicKey()));
    expect(bytesToHex(await signer.getDepositSigningKey())).toBe(bytesToHex(await ref.getDepositSigningKey()));
    for (const idx of [0, 1, 7]) {
      expect(bytesToHex(await signer.getStaticDepositSigningKey(idx))).toBe(bytesToHex(await ref.getStaticDepositSigningKey(idx)));
    }
    const derivations: KeyDerivation[] = [
      { type: KeyDerivationType.LEAF, path: LEAF_A },
      { type: KeyDerivationType.LEAF, path: LEAF_B },
      { type: KeyDerivationType.DEPOSIT },
      { type: KeyDerivationType.STATIC_DEPOSIT, path: 2 },
    ];
    for (const d of derivations) {
      expect(bytesToHex(await signer.getPublicKeyFromDerivation(d)), JSON.stringify(d)).toBe(bytesToHex(await ref.getPublicKeyFromDerivation(d)));
    }
    expect(bytesToHex(await signer.subtractPrivateKeysGivenDerivationPaths(LEAF_A, LEAF_B))).toBe(
      bytesToHex(await ref.subtractPrivateKeysGivenDerivationPaths(LEAF_A, LEAF_B)),
    );
  });

  it('htlcHMAC equals the SDK signer’s, with nothing shown', async () => {
    const ref = await referenceSigner();
    for (const id of ['0197a2b45c6d7e8f9a0b1c2d3e4f5a6b', 'x']) {
      expect(bytesToHex(await signer.htlcHMAC(id))).toBe(bytesToHex(await ref.htlcHMAC(id)));
    }
    expect(await waitHome(dev.screen)).toContain('Ready');
  });

  it('refuses, with a typed reason, what the device does not serve', async () => {
    const ecies: KeyDerivation = { type: KeyDerivationType.ECIES, path: new Uint8Array(129) };
    expect((await refusal(signer.getPublicKeyFromDerivation({ type: KeyDerivationType.RANDOM }))).code).toBe('NOT_A_DEVICE_KEY');
    expect((await refusal(signer.signFrost({ message: new Uint8Array(32), keyDerivation: ecies, publicKey: new Uint8Array(33), verifyingKey: new Uint8Array(33), selfCommitment: { commitment: { hiding: new Uint8Array(33), binding: new Uint8Array(33) } } }))).code).toBe('NOT_A_DEVICE_KEY');
    // key splits only in the two shapes the flows need: LEAF − RANDOM (send), ECIES − LEAF (claim)
    const split = { curveOrder: secp256k1.CURVE.n, threshold: 2, numShares: 3 };
    const leafA: KeyDerivation = { type: KeyDerivationType.LEAF, path: LEAF_A };
    const leafB: KeyDerivation = { type: KeyDerivationType.LEAF, path: LEAF_B };
    const receiverPublicKey = secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true);
    for (const [first, second] of [[leafA, leafB], [{ type: KeyDerivationType.DEPOSIT }, { type: KeyDerivationType.RANDOM }]] as [KeyDerivation, KeyDerivation][]) {
      expect((await refusal(signer.subtractSplitAndEncrypt({ ...split, first, second, receiverPublicKey }))).code).toBe('SECRET_WOULD_LEAVE_DEVICE');
    }
    for (const [first, second] of [[leafA, leafB], [ecies, { type: KeyDerivationType.DEPOSIT }], [leafA, ecies]] as [KeyDerivation, KeyDerivation][]) {
      expect((await refusal(signer.subtractAndSplitSecretWithProofsGivenDerivations({ ...split, first, second }))).code).toBe('SECRET_WOULD_LEAVE_DEVICE');
    }
    const e = await refusal(() => signer.signTransactionIndex(new Transaction(), 0, new Uint8Array(33)));
    expect(e.code).toBe('SYNCHRONOUS_METHOD');
    expect(e.message).toMatch(/synchronous/);
    for (const p of [signer.createSparkWalletFromSeed('00'.repeat(32)), signer.generateMnemonic(), signer.mnemonicToSeed('abandon')]) {
      const err = await refusal(p);
      expect(err.code).toBe('SEED_ON_DEVICE');
      expect(err.message).toMatch(/signerWithPreExistingKeys/);
    }
    expect((await refusal(signer.signMessageWithIdentityKey(new Uint8Array(31)))).code).toBe('INVALID_REQUEST');
    expect(signer.getNonceForSelfCommitment()).toBeUndefined();
  });

  it('decryptEcies: the SDK’s own encryptEcies to the identity key decrypts on the device to the public key of the secret; the secret never comes back', async () => {
    const frost = getSparkFrost();
    const identity = await signer.getIdentityPublicKey();
    for (let i = 0; i < 3; i++) {
      const secret = secp256k1.utils.randomPrivateKey();
      const ct = await frost.encryptEcies(secret, identity);
      expect(ct).toHaveLength(129);
      const expected = bytesToHex(secp256k1.getPublicKey(secret, true));
      expect(bytesToHex(await signer.decryptEcies(ct))).toBe(expected);
      expect(bytesToHex(await signer.getPublicKeyFromDerivation({ type: KeyDerivationType.ECIES, path: ct }))).toBe(expected);
    }
    // encrypted to another key, or tampered: refused with BAD_DATA, nothing released
    const other = await frost.encryptEcies(secp256k1.utils.randomPrivateKey(), secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true));
    await expect(signer.decryptEcies(other)).rejects.toBeInstanceOf(BadDataError);
    const tampered = await frost.encryptEcies(secp256k1.utils.randomPrivateKey(), identity);
    tampered[100] = (tampered[100] ?? 0) ^ 1;
    await expect(signer.decryptEcies(tampered)).rejects.toBeInstanceOf(BadDataError);
    await expect(signer.decryptEcies(new Uint8Array(128))).rejects.toThrow(/129 bytes/);
    expect(await waitHome(dev.screen)).toContain('Ready');
  });

  it('transfer key tweak: receiver approved on screen; shares verify (SDK validateShare) and recover a_old − a_new, a_new from the ciphertext the receiver decrypts', async () => {
    const frost = getSparkFrost();
    const receiverPriv = secp256k1.utils.randomPrivateKey();
    const receiverPublicKey = secp256k1.getPublicKey(receiverPriv, true);
    const params = { first: { type: KeyDerivationType.LEAF, path: LEAF_A }, second: { type: KeyDerivationType.RANDOM }, receiverPublicKey, curveOrder: secp256k1.CURVE.n, threshold: 3, numShares: 5 } as const;
    const rejected = signer.subtractSplitAndEncrypt(params).catch((e: unknown) => e);
    await review(dev.screen, 'Send leaf', 'reject');
    expect(await rejected).toBeInstanceOf(UserRejectedError);
    await waitHome(dev.screen);
    const pending = signer.subtractSplitAndEncrypt(params);
    const pages = await review(dev.screen, 'Send leaf', 'approve');
    const { shares, secretCipher } = await pending;
    expect(pageBody(pages, 'Receiver').join('')).toBe(bytesToHex(receiverPublicKey));
    expect(pageBody(pages, 'Leaf id').join('')).toBe(LEAF_A);
    expect(shares.map((x) => x.index)).toEqual([1, 2, 3, 4, 5]);
    for (const share of shares) await frost.validateShare(share.share, share.index, share.threshold, share.proofs);
    const aNew = await frost.decryptEcies(secretCipher, receiverPriv);
    const aOld = accountSecrets({ leafIds: [LEAF_A] })[`leaf ${LEAF_A}`] ?? new Uint8Array();
    const expected = mod(big(aOld) - big(aNew));
    expect(big(await frost.recoverSecret([shares[0], shares[2], shares[4]].flatMap((x) => (x === undefined ? [] : [x]))))).toBe(expected);
    expect(big(await frost.recoverSecret(shares.slice(1, 4)))).toBe(expected);
    // a forged share does not validate against the proofs
    const forged = shares[0];
    if (forged === undefined) throw new Error('no share');
    const bad = forged.share.slice();
    bad[31] = (bad[31] ?? 0) ^ 1;
    // (the WASM binding throws synchronously, so call it inside an async function)
    await expect((async () => frost.validateShare(bad, forged.index, forged.threshold, forged.proofs))()).rejects.toThrow(/not valid/);
    await waitHome(dev.screen);
  });

  it('a swap with the service provider, blind signing off: refused before the device is asked on an app without the provider login (GET_VERSION flag bit1 cleared); this app asks for the Swap review', async () => {
    expect((await dev.app.getVersion())).toMatchObject({ blindSigningEnabled: false, providerLogin: true });
    const provider = secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true);
    // the wallet's view of the leaf: its node output (the value shown) and its refund's timelock
    const nodeTx = new Transaction();
    nodeTx.addInput({ txid: new Uint8Array(32).fill(1), index: 0 });
    nodeTx.addOutputAddress(p2tr(provider.slice(1)).address ?? '', 50_000n);
    const refundTx = new Transaction({ allowUnknownOutputs: true });
    refundTx.addInput({ txid: new Uint8Array(32).fill(2), index: 0, sequence: 2000 });
    refundTx.addOutput({ script: p2tr(provider.slice(1)).script, amount: 50_000n });
    const leaf = { id: LEAF_A, nodeTx: nodeTx.toBytes(), refundTx: refundTx.toBytes() } as unknown as TreeNode;
    const swap = { first: { type: KeyDerivationType.LEAF, path: LEAF_A }, second: { type: KeyDerivationType.RANDOM }, receiverPublicKey: provider, curveOrder: secp256k1.CURVE.n, threshold: 2, numShares: 3 } as const;
    const swapSigner = (transport: ApduTransport): LedgerSparkSigner => {
      const s = new LedgerSparkSigner(new SparkLedgerApp(transport));
      s.enableClearSigning({ network: 'LOCAL', leaves: () => Promise.resolve([leaf]), serviceProvider: provider });
      return s;
    };
    // an app of before the provider login: the same device, its GET_VERSION reply without bit1
    const older = new RecordingTransport({
      async exchange(apdu: Buffer): Promise<Buffer> {
        const reply = await dev.transport.exchange(apdu);
        if (apdu[1] === Ins.GET_VERSION && reply.length === 10) reply[3] = (reply[3] ?? 0) & ~0x02;
        return reply;
      },
    });
    expect((await refusal(swapSigner(older).subtractSplitAndEncrypt(swap))).code).toBe('SWAP_NEEDS_BLIND_SIGNING');
    expect(older.sent.map((a) => a[1])).toEqual([Ins.GET_VERSION]); // nothing asked of the device but its version
    // this app: the swap goes to the device as one Swap review naming the amount (rejected here)
    const current = new RecordingTransport(dev.transport);
    const asked = swapSigner(current).subtractSplitAndEncrypt(swap).catch((e: unknown) => e);
    const pages = await review(dev.screen, 'Swap', 'reject');
    expect(await asked).toBeInstanceOf(UserRejectedError);
    expect(pageBody(pages, 'Swap')[0]).toBe('50000 sats');
    expect(current.sent.some((a) => a[1] === Ins.SWAP_INTENT)).toBe(true);
    await waitHome(dev.screen);
  });

  it('splitReserve: once the device has been idle 1.5 s the signer has it prepare transfer splits (threshold learned from the first split); the next split takes one and still verifies', async () => {
    const frost = getSparkFrost();
    const rec = new RecordingTransport(dev.transport);
    const reserved = new LedgerSparkSigner(new SparkLedgerApp(rec), { splitReserve: 2 });
    const receiverPriv = secp256k1.utils.randomPrivateKey();
    const params = { first: { type: KeyDerivationType.LEAF, path: LEAF_B }, second: { type: KeyDerivationType.RANDOM }, receiverPublicKey: secp256k1.getPublicKey(receiverPriv, true), curveOrder: secp256k1.CURVE.n, threshold: 2, numShares: 3 } as const;
    const prepares = (): Uint8Array[] => rec.sent.filter((a) => a[1] === 0x3a);
    const split = async () => {
      const pending = reserved.subtractSplitAndEncrypt(params);
      await review(dev.screen, 'Send leaf', 'approve');
      const out = await pending;
      await waitHome(dev.screen);
      return out;
    };
    await split();
    expect(prepares().length).toBe(0); // not while the wallet is busy
    for (let i = 0; i < 100 && prepares().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(prepares().map((a) => [a[2], a[5]])).toEqual([[1, 2], [1, 2]]); // one entry of t = 2 per step
    await new Promise((r) => setTimeout(r, 200)); // the second step's reply
    const { shares, secretCipher } = await split();
    expect(await dev.app.splitPrepare(0, 2)).toBe(1); // the split took one (asked before the refill's pause ends)
    for (const share of shares) await frost.validateShare(share.share, share.index, share.threshold, share.proofs);
    const aNew = await frost.decryptEcies(secretCipher, receiverPriv);
    const aOld = accountSecrets({ leafIds: [LEAF_B] })[`leaf ${LEAF_B}`] ?? new Uint8Array();
    expect(big(await frost.recoverSecret(shares.slice(0, 2)))).toBe(mod(big(aOld) - big(aNew)));
    expect(() => new LedgerSparkSigner(new SparkLedgerApp(rec), { splitReserve: 9 })).toThrow(LedgerSignerError);
    // the refill tops the pool up again; let it finish, so that no APDU of this signer lands in
    // another test's review (one signer per device is the rule; this suite runs several)
    for (let i = 0; i < 100 && (prepares().length < 3 || rec.received.length < rec.sent.length); i++) await new Promise((r) => setTimeout(r, 100));
    expect(prepares().length).toBe(3);
    expect(rec.received.at(-1)?.[0]).toBe(2); // two ready again
  });

  it('claim key tweak: no screen; the device’s split of ECIES(x) − LEAF recovers the same value as the SDK signer’s split', async () => {
    const frost = getSparkFrost();
    const ref = await referenceSigner();
    const x = secp256k1.utils.randomPrivateKey();
    const ct = await frost.encryptEcies(x, await signer.getIdentityPublicKey());
    const params = { first: { type: KeyDerivationType.ECIES, path: ct }, second: { type: KeyDerivationType.LEAF, path: LEAF_B }, curveOrder: secp256k1.CURVE.n, threshold: 2, numShares: 3 } as const;
    const shares = await signer.subtractAndSplitSecretWithProofsGivenDerivations(params);
    for (const share of shares) await frost.validateShare(share.share, share.index, share.threshold, share.proofs);
    const fromDevice = big(await frost.recoverSecret(shares.slice(0, 2)));
    const fromSdk = big(await frost.recoverSecret((await ref.subtractAndSplitSecretWithProofsGivenDerivations(params)).slice(1, 3)));
    expect(fromDevice).toBe(fromSdk);
    expect(fromDevice).toBe(mod(big(x) - big(accountSecrets({ leafIds: [LEAF_B] })[`leaf ${LEAF_B}`] ?? new Uint8Array())));
    expect(await waitHome(dev.screen)).toContain('Ready');
  });

  it('exit sweep: fee, amount and address on screen, then a signature valid for the BIP341 sighash (btc-signer) under the leaf’s taproot key', async () => {
    const regtest = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };
    const leafPub = await signer.getPublicKeyFromDerivation({ type: KeyDerivationType.LEAF, path: LEAF_A });
    const exit = p2tr(leafPub.slice(1));
    const dest = p2wpkh(secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true), regtest);
    const sweep = (script: Uint8Array): Transaction => {
      const tx = new Transaction({ version: 2, lockTime: 0 });
      tx.addInput({ txid: secp256k1.utils.randomPrivateKey(), index: 1, sequence: 2000, witnessUtxo: { script, amount: 50_000n } });
      tx.addOutput({ script: dest.script, amount: 49_000n });
      return tx;
    };
    const tx = sweep(exit.script);
    const pending = signer.signExitSweep(tx, LEAF_A, 'regtest');
    const pages = await review(dev.screen, 'Exit sweep', 'approve');
    await pending;
    expect(pageBody(pages, 'Exit sweep')).toEqual(['Leaf', 'Account 0', 'Fee 1000 sats']);
    expect(pageBody(pages, 'Amount')).toEqual(['49000 sats']);
    expect(pageBody(pages, 'To').join('')).toBe(dest.address);
    const sig = tx.getInput(0).finalScriptWitness?.[0] ?? new Uint8Array();
    const digest = tx.preimageWitnessV1(0, [exit.script], SigHash.DEFAULT, [50_000n]);
    expect(schnorr.verify(sig, digest, exit.script.slice(2))).toBe(true);
    // an input that is not this leaf's exit output is refused before the device is asked
    const foreign = sweep(p2tr(secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true).slice(1)).script);
    expect((await refusal(signer.signExitSweep(foreign, LEAF_A, 'regtest'))).code).toBe('INVALID_REQUEST');
    await waitHome(dev.screen);
  });

  it('exit sweep signer interface: the identity key sweeps an unclaimed transfer’s refund output (unsigned tx + prevouts in, signature out)', async () => {
    const sweeper = signer.exitSweepSigner('regtest');
    const identity = await sweeper.publicKey({ kind: 'identity', account: 0 });
    expect(bytesToHex(identity)).toBe(bytesToHex(await signer.getIdentityPublicKey()));
    const exit = p2tr(identity.slice(1));
    const tx = new Transaction({ version: 2, lockTime: 0 });
    tx.addInput({ txid: secp256k1.utils.randomPrivateKey(), index: 0, sequence: 2160 });
    tx.addOutput({ script: p2tr(secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true).slice(1)).script, amount: 20_000n });
    const prevouts = [{ script: exit.script, amount: 21_500n }];
    const pending = sweeper.signKeyPath({ key: { kind: 'identity', account: 0 }, tx: tx.unsignedTx, inputIndex: 0, prevouts });
    const pages = await review(dev.screen, 'Exit sweep', 'approve');
    const sig = await pending;
    expect(pageBody(pages, 'Exit sweep')).toEqual(['Identity', 'Account 0', 'Fee 1500 sats']);
    const digest = tx.preimageWitnessV1(0, [exit.script], SigHash.DEFAULT, [21_500n]);
    expect(schnorr.verify(sig, digest, exit.script.slice(2))).toBe(true);
    // a prevout that does not pay the named key, or a second input, is refused on the host
    await expect(sweeper.signKeyPath({ key: { kind: 'leaf', account: 0, leafId: LEAF_A }, tx: tx.unsignedTx, inputIndex: 0, prevouts })).rejects.toBeInstanceOf(LedgerSignerError);
    await expect(sweeper.signKeyPath({ key: { kind: 'identity', account: 0 }, tx: tx.unsignedTx, inputIndex: 1, prevouts })).rejects.toThrow(/one-input/);
    await waitHome(dev.screen);
  });

  it('the exit runner sweeps a leaf’s refund with the device as its ExitSweepSigner: the sweep is approved on the screen and verifies', async () => {
    const sweeper: ExitSweepSigner = signer.exitSweepSigner('regtest');
    const leafId = 'node-0'; // leafFixture names a depth-1 leaf after its one node
    const leafPub = await signer.getPublicKeyFromDerivation({ type: KeyDerivationType.LEAF, path: leafId });
    // the refunds pay the device's leaf key (the fixture's stand-in operators sign node and refund txs)
    const refunded = leafFixture({ depth: 1, withDirect: true, timelock: 1900, refundKey: { priv: new Uint8Array(32), pub: leafPub } });
    expect(refunded.leaf.leafId).toBe(leafId);
    const refundKey = { kind: 'leaf' as const, account: 0, leafId: refunded.leaf.leafId, path: '', publicKey: bytesToHex(leafPub) };
    refunded.leaf.refundKey = { ...refundKey, path: refundKeyPath(refundKey) };
    const chain = new FakeChain();
    chain.addConfirmed(refunded.depositTxid);
    const to = 'bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk';
    const run = runUnilateralExit({
      data: checkExitData(exitData([refunded.leaf])), leafId: refunded.leaf.leafId, variant: 'direct', to, chain, signer: sweeper, clock: blockClock(chain, { mine: true }),
    });
    const pages = await review(dev.screen, 'Exit sweep', 'approve');
    const result = await run;
    // the runner verified the device's signature against the refund output before broadcasting it
    expect(chain.broadcasts).toHaveLength(3);
    expect(chain.broadcasts[2]).toBe(result.sweep.txid);
    expect(pageBody(pages, 'Amount')).toEqual([`${result.sweep.amount} sats`]);
    expect(pageBody(pages, 'Exit sweep')).toEqual(['Leaf', 'Account 0', `Fee ${result.sweep.fee} sats`]);
    expect(pageBody(pages, 'To').join('')).toBe(to);
    // a refund key whose path is not its kind's Spark path is refused before the device is asked
    await expect(sweeper.publicKey({ ...refunded.leaf.refundKey, path: "m/8797555'/0'/1'" })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await waitHome(dev.screen);
  });

  it('identity signatures: blind signing on with the buttons, then DER and compact ECDSA equal the SDK’s, Schnorr verifies', async () => {
    await setBlindSigning(dev.screen, true);
    const ref = await referenceSigner();
    const m = digest('ledger signer ecdsa');
    const der = signer.signMessageWithIdentityKey(m);
    const pages = await review(dev.screen, 'Blind signing', 'approve');
    expect(bytesToHex(await der)).toBe(bytesToHex(await ref.signMessageWithIdentityKey(m)));
    expect(pageBody(pages, 'Message hash').join('')).toBe(bytesToHex(m));
    const compact = signer.signMessageWithIdentityKey(m, true);
    await review(dev.screen, 'Blind signing', 'approve');
    const c = await compact;
    expect(bytesToHex(c)).toBe(bytesToHex(await ref.signMessageWithIdentityKey(m, true)));
    expect(await signer.validateMessageWithIdentityKey(m, c)).toBe(true);
    expect(await signer.validateMessageWithIdentityKey(digest('other'), c)).toBe(false);
    const s = signer.signSchnorrWithIdentityKey(m);
    await review(dev.screen, 'Blind signing', 'approve');
    expect(schnorr.verify(await s, m, (await signer.getIdentityPublicKey()).slice(1))).toBe(true);
    await waitHome(dev.screen);
  });

  it('signFrost with a device commitment aggregates (aggregateFrost) with 2 of 3 operators into a valid BIP340 signature', async () => {
    const group = makeOperatorGroup(2, 3);
    const derivation: KeyDerivation = { type: KeyDerivationType.LEAF, path: LEAF_A };
    const userPub = await signer.getPublicKeyFromDerivation(derivation);
    const verifyingKey = verifyingKeyFor(userPub, group);
    const ops = operatorNonces(group.operators.slice(0, 2));
    const self = await signer.getRandomSigningCommitment();
    expect(self.nonce).toBeUndefined(); // nonces never leave the device
    const message = digest('refund sighash');
    const params = { message, keyDerivation: derivation, publicKey: userPub, verifyingKey, selfCommitment: self, statechainCommitments: operatorCommitmentMap(ops) };
    const pending = signer.signFrost(params);
    const pages = await review(dev.screen, 'Blind signing', 'approve');
    const share = await pending;
    expect(pageBody(pages, 'Blind signing')).toContain('FROST share');
    const sig = await signer.aggregateFrost({
      ...params,
      selfSignature: share,
      statechainSignatures: operatorShares({ message, verifyingKey, userCommitment: self.commitment, ops }),
      statechainPublicKeys: operatorPublicShares(ops),
    });
    expect(schnorr.verify(sig, message, taprootOutputKey(verifyingKey))).toBe(true);
    // the commitment was consumed: a second use is refused before the device is asked
    expect((await refusal(signer.signFrost(params))).code).toBe('INVALID_REQUEST');
    await waitHome(dev.screen);
  });

  it('getStaticDepositSecretKey: rejected on screen → UserRejectedError; approved → the SDK’s key', async () => {
    const ref = await referenceSigner();
    const rejected = signer.getStaticDepositSecretKey(0).catch((e: unknown) => e);
    const shown = await review(dev.screen, 'Export key', 'reject');
    expect(await rejected).toBeInstanceOf(UserRejectedError);
    expect(pageBody(shown, 'Export key')).toEqual(['Static deposit', 'Account 0', 'Index 0']);
    expect(pageBody(shown, 'Public key').join('')).toBe(bytesToHex(await ref.getStaticDepositSigningKey(0)));
    await waitHome(dev.screen);
    const approved = signer.getStaticDepositSecretKey(0);
    await review(dev.screen, 'Export key', 'approve');
    expect(bytesToHex(await approved)).toBe(bytesToHex(await ref.getStaticDepositSecretKey(0)));
    await waitHome(dev.screen);
  });

  it('no private key of the seed (but the approved export) was ever in an APDU, a reply, or the signer’s reachable memory', async () => {
    const secrets = accountSecrets({ leafIds: [LEAF_A, LEAF_B], exportedStatic: [0] });
    expect(Object.keys(secrets)).toHaveLength(8); // identity, signing base, deposit, HTLC base, static 1 and 2, two leaves
    expect(recorder.sent.length).toBeGreaterThan(20);
    const wire = { bytes: [...recorder.sent, ...recorder.received], strings: [] };
    expect(secretsFound(secrets, wire)).toEqual([]);
    expect(secretsFound(secrets, reachableData(signer))).toEqual([]);
    // the scan can fail: the exported static key 0 is in a reply, and found there
    const exported = accountSecrets({ staticCount: 1 });
    expect(secretsFound({ staticDeposit0: exported.staticDeposit0 ?? new Uint8Array(32) }, wire)).toEqual(['staticDeposit0']);
    // and the memory walk finds keys where they are: in the SDK's software signer
    expect(secretsFound(secrets, reachableData(await referenceSigner()))).toEqual(expect.arrayContaining(['identity', 'signingBase', 'deposit', 'htlcBase']));
  });
});
