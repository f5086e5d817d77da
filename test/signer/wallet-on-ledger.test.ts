import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2';
import { secp256k1 } from '@noble/curves/secp256k1';
import { Transaction, p2tr, p2wpkh } from '@scure/btc-signer';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { startNetwork, type RunningNetwork } from '../../emulator/network/network.js';
import { startApprover, type Approver } from '../../emulator/speculos/approver.js';
import { pageBody, setBlindSigning } from '../../emulator/speculos/flows.js';
import { Ins } from '../../src/device/apdu.js';
import { SparkLedgerApp } from '../../src/device/app.js';
import type { LedgerSparkSigner as LedgerSparkSignerType } from '../../src/signer/ledger-signer.js';
import { startDevice, type DeviceFixture } from '../device/fixture.js';
import { expectedPublicKey } from '../device/expected-keys.js';
import { expectLeftAlone, sspSwaps } from '../network/leaf-optimizer.js';
import { loadSdk, waitFor } from '../network/sdk.js';
import { completed } from './device-wallet-suite.js';
import { RecordingTransport, reachableData, secretsFound } from './secret-scan.js';
import { accountSecrets } from './seed-keys.js';

/**
 * The deposit's value. The wallet runs on the network's options as printed (the SDK's defaults,
 * leaf optimization on) and the subject here is this very leaf: a single leaf of at most 14 sats,
 * which the SDK's optimizer leaves alone (test/network/leaf-optimizer.ts), so no swap replaces it.
 */
const DEPOSIT_SATS = 8n;
/** Network (btcd, three operators, DKG) and Speculos start on a loaded 2-core machine. */
const START_TIMEOUT_MS = 360_000;
/** Each step waits for the device: every signature is approved with the buttons through Speculos. */
const STEP_TIMEOUT_MS = 240_000;

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

/**
 * The unmodified SDK wallet on LedgerSparkSigner (the app under Speculos, the test mnemonic),
 * against the project's 2-of-3 operator network on btcd: initialize, deposit and claim, a wallet
 * restarted from the same device sees its balance, and the host never held a private key.
 */
describe('SDK wallet on the Ledger signer, against the operator network', { timeout: STEP_TIMEOUT_MS }, () => {
  let network: RunningNetwork | undefined;
  let dev: DeviceFixture | undefined;
  let sdk: SdkModule;
  let LedgerSparkSigner: typeof LedgerSparkSignerType;
  let approver: Approver | undefined;
  const recorders: RecordingTransport[] = [];
  const signers: LedgerSparkSignerType[] = [];
  const wallets: SparkWallet[] = [];
  let leafIds: string[] = [];

  beforeAll(async () => {
    network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
    sdk = await loadSdk(network.env);
    // The signer imports the SDK: load it only after the network's environment is in place.
    ({ LedgerSparkSigner } = await import('../../src/signer/ledger-signer.js'));
    dev = await startDevice();
    // Identity signatures and FROST shares are blind-signing requests: the user turns it on.
    await setBlindSigning(dev.screen, true);
    approver = startApprover(dev.screen, ['Blind signing', 'Exit sweep']);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    for (const w of wallets) await w.cleanup().catch(() => undefined);
    await approver?.stop();
    await dev?.stop();
    await network?.stop();
  });

  const running = (): { network: RunningNetwork; dev: DeviceFixture } => {
    if (network === undefined || dev === undefined) throw new Error('network or device not started');
    return { network, dev };
  };

  async function openLedgerWallet(): Promise<SparkWallet> {
    const { network, dev } = running();
    const recorder = new RecordingTransport(dev.transport);
    const signer = new LedgerSparkSigner(new SparkLedgerApp(recorder));
    recorders.push(recorder);
    signers.push(signer);
    const { wallet } = await sdk.SparkWallet.initialize({ signer, options: { ...network.walletOptions, signerWithPreExistingKeys: true } });
    wallets.push(wallet);
    return wallet;
  }

  it('initializes: the identity is the device’s, every operator authenticated it (approved on screen)', async () => {
    const wallet = await openLedgerWallet();
    const identity = Buffer.from(expectedPublicKey({ kind: 'identity', account: 0 })).toString('hex');
    expect(await wallet.getIdentityPublicKey()).toBe(identity);
    expect((await wallet.getBalance()).satsBalance.available).toBe(0n);
    const shown = approver?.reviews ?? [];
    // The operators' authentication challenges: DER ECDSA by the identity key, shown as such.
    expect(shown.length).toBeGreaterThanOrEqual(1);
    expect(shown.every((pages) => pages[0]?.includes('Identity key') === true && pages[0]?.includes('ECDSA') === true)).toBe(true);
  });

  it('deposit and claim: the root and refunds are FROST-signed with the device’s key for the new leaf, approved on screen', async () => {
    const { network } = running();
    const wallet = wallets[0];
    if (wallet === undefined) throw new Error('no wallet');
    await expectLeftAlone(wallet, [[Number(DEPOSIT_SATS)]]);
    const before = approver?.reviews.length ?? 0;
    const sentBefore = recorders[0]?.sent.length ?? 0;
    const address = await wallet.getSingleUseDepositAddress();
    expect(address).toMatch(/^bcrt1p/);
    const funded = await network.chain.fund(address, DEPOSIT_SATS);
    const claimed = await wallet.claimDeposit(funded.txid);
    expect(claimed.map((l) => BigInt(l.value))).toEqual([DEPOSIT_SATS]);
    const balance = await waitFor(() => wallet.getBalance(), (b) => b.satsBalance.available === DEPOSIT_SATS, 60_000, 'the deposit balance');
    expect(balance.satsBalance.available).toBe(DEPOSIT_SATS);
    leafIds = (await wallet.getLeaves()).map((l) => l.id);
    expect(leafIds).toEqual([claimed[0]?.id]);
    // Every FROST_SIGN the signer completed was a review approved on screen.
    const signs = completed((recorders[0]?.sent ?? []).slice(sentBefore), Ins.FROST_SIGN);
    expect(signs).toBeGreaterThanOrEqual(3); // root, refund, direct-from-CPFP refund
    const frostReviews = (): string[][][] => (approver?.reviews ?? []).slice(before).filter((pages) => pages[0]?.includes('FROST share') === true);
    // the approver records a review once its last press returned, which may be after the reply
    const frost = await waitFor(async () => frostReviews(), (r) => r.length >= signs, 10_000, 'every FROST review recorded');
    expect(frost).toHaveLength(signs);
    // SDK 0.8.8 signs a single-use deposit with the key of the leaf it creates (LEAF(leafId)):
    // the screen names the leaf by its id.
    for (const pages of frost) {
      expect(pages[0]).toContain('Leaf');
      expect(pageBody(pages, 'Leaf id').join('')).toBe(leafIds[0]);
    }
  });

  it('a wallet restarted from the same device sees its balance and leaves', async () => {
    const first = wallets[0];
    if (first === undefined) throw new Error('no wallet');
    await first.cleanup();
    const again = await openLedgerWallet();
    expect(again).not.toBe(first);
    const balance = await waitFor(() => again.getBalance(), (b) => b.satsBalance.available === DEPOSIT_SATS, 60_000, 'the balance after restart');
    expect(balance.satsBalance.available).toBe(DEPOSIT_SATS);
    expect((await again.getLeaves()).map((l) => l.id)).toEqual(leafIds);
    // Leaf optimization on, and nothing for it to do: no swap in the SSP's books.
    expect(sspSwaps(running().network.dataDir)).toEqual([]);
  });

  it('wallet-level identity message signatures and the HTLC preimage come from the device, equal to the SDK signer’s', async () => {
    const wallet = wallets[1];
    if (wallet === undefined) throw new Error('no wallet');
    const { referenceSigner } = await import('./reference-signer.js');
    const ref = await referenceSigner();
    const signature = await wallet.signMessageWithIdentityKey('ledger e2e message');
    expect(await wallet.validateMessageWithIdentityKey('ledger e2e message', signature)).toBe(true);
    const hash = sha256(new TextEncoder().encode('ledger e2e message'));
    expect(signature).toBe(Buffer.from(await ref.signMessageWithIdentityKey(hash)).toString('hex'));
    const transferId = '0197A2B4-5C6D-7E8F-9A0B-1C2D3E4F5A6B';
    const preimage = await wallet.getHTLCPreimage(transferId);
    expect(Buffer.from(preimage).toString('hex')).toBe(Buffer.from(await ref.htlcHMAC('0197a2b45c6d7e8f9a0b1c2d3e4f5a6b')).toString('hex'));
  });

  it('exit sweep: an output locked to the wallet leaf’s taproot key is swept with a device signature that btcd accepts', async () => {
    const { network } = running();
    const signer = signers[1];
    const leafId = leafIds[0];
    if (signer === undefined || leafId === undefined) throw new Error('no signer or leaf');
    const regtest = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };
    const leafPub = await signer.getPublicKeyFromDerivation({ type: sdk.KeyDerivationType.LEAF, path: leafId });
    const exit = p2tr(leafPub.slice(1), undefined, regtest);
    if (exit.address === undefined) throw new Error('no P2TR address');
    const funded = await network.chain.fund(exit.address, 40_000n);
    const dest = p2wpkh(secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true), regtest);
    const tx = new Transaction({ version: 2, lockTime: 0 });
    tx.addInput({ txid: funded.txid, index: funded.vout, sequence: 0xfffffffd, witnessUtxo: { script: exit.script, amount: 40_000n } });
    tx.addOutput({ script: dest.script, amount: 39_000n });
    const before = approver?.reviews.length ?? 0;
    await signer.signExitSweep(tx, leafId, 'regtest');
    const txid = await network.chain.sendRawTransaction(tx.hex);
    expect(txid).toBe(tx.id);
    await network.chain.mine(1);
    expect((await network.chain.getRawTransaction(txid)).confirmations).toBe(1);
    const sweeps = (): string[][][] => (approver?.reviews ?? []).slice(before).filter((pages) => pages[0]?.includes('Exit sweep') === true);
    const [shown] = await waitFor(async () => sweeps(), (r) => r.length === 1, 10_000, 'the sweep review');
    expect(pageBody(shown ?? [], 'Exit sweep')).toEqual(['Leaf', 'Account 0', 'Fee 1000 sats']);
    expect(pageBody(shown ?? [], 'Amount')).toEqual(['39000 sats']);
    expect(pageBody(shown ?? [], 'To').join('')).toBe(dest.address);
  });

  it('the host never held a private key: no leaf, identity or deposit secret in any APDU, reply, signer or wallet memory', () => {
    const secrets = accountSecrets({ leafIds });
    expect(leafIds).toHaveLength(1);
    const sent = recorders.flatMap((r) => r.sent);
    const received = recorders.flatMap((r) => r.received);
    expect(sent.length).toBeGreaterThan(10);
    expect(secretsFound(secrets, { bytes: [...sent, ...received], strings: [] })).toEqual([]);
    for (const s of signers) expect(secretsFound(secrets, reachableData(s))).toEqual([]);
    for (const w of wallets) expect(secretsFound(secrets, reachableData(w))).toEqual([]);
  });
});
