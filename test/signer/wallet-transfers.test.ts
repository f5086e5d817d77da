import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mnemonicToSeedSync } from '@scure/bip39';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { TransferStatus } from '@buildonspark/spark-sdk/proto/spark';
import { startNetwork, type RunningNetwork } from '../../emulator/network/network.js';
import { startApprover, type Approver, type ReviewPages } from '../../emulator/speculos/approver.js';
import { buildDeviceApp } from '../../emulator/speculos/build.js';
import { SpeculosDriver } from '../../emulator/speculos/driver.js';
import { pageBody, setBlindSigning, waitHome } from '../../emulator/speculos/flows.js';
import { TEST_MNEMONIC } from '../../emulator/speculos/paths.js';
import { startSpeculos, type SpeculosProcess } from '../../emulator/speculos/runner.js';
import { SparkAccountKeys } from '../../src/crypto/index.js';
import { Ins } from '../../src/device/apdu.js';
import { SparkLedgerApp } from '../../src/device/app.js';
import { openSpeculosTransport, type LedgerTransport } from '../../src/device/transports.js';
import type { LedgerSparkSigner as LedgerSparkSignerType } from '../../src/signer/ledger-signer.js';
import { expectLeftAlone, sspSwaps } from '../network/leaf-optimizer.js';
import { loadSdk, openWallet, transferStatus, waitFor } from '../network/sdk.js';
import { SETTLE_MS, START_TIMEOUT_MS, STEP_TIMEOUT_MS, completed, keySplits } from './device-wallet-suite.js';
import { RecordingTransport, reachableData, secretsFound } from './secret-scan.js';

/**
 * The unmodified SDK wallet on LedgerSparkSigner sends and receives on the project's 2-of-3
 * operator network (PGlite, btcd regtest), the app under Speculos: deposits, a whole leaf sent to
 * a software wallet (DefaultSparkSigner) and one received back, a leaf sent to a second Ledger
 * wallet (a second Speculos with another seed), a restart from the same device. Every approval is
 * pressed with the buttons through Speculos's API and the screens are checked; the host never
 * holds a private key of either seed. One network and two Speculos serve the whole file, in order:
 * each test starts from the balances the previous one left. Every transfer moves whole leaves
 * (docs/transfers.md).
 */

/**
 * The two deposits' values, distinct so that a transfer of one value selects exactly that leaf.
 * The wallets run on the network's options as printed (the SDK's defaults, leaf optimization on)
 * and the subject here is these very leaf ids: so they are values the SDK's optimizer leaves alone
 * in every state the tests walk through (checked before the tests with the SDK's own rule,
 * test/network/leaf-optimizer.ts), and the SSP's books show no swap at the end.
 */
const FIRST_SATS = 8n;
const SECOND_SATS = 4n;

/** A second, standard BIP39 test vector: the second device's seed. */
const SECOND_MNEMONIC = 'legal winner thank year wave sausage worth useful legal winner thank yellow';

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

/** One Speculos running the app with a given seed, its recorded transport and its approver. */
interface Device {
  mnemonic: string;
  speculos: SpeculosProcess;
  transport: LedgerTransport;
  screen: SpeculosDriver;
  approver: Approver;
  /** Every APDU sent and every reply received by every wallet opened on this device. */
  recorders: RecordingTransport[];
  signers: LedgerSparkSignerType[];
}

/** Starts the app with `mnemonic`, turns blind signing on with the buttons and approves what the wallet asks for. */
async function startDevice(elfPath: string, mnemonic: string): Promise<Device> {
  const speculos = await startSpeculos({ elfPath, model: 'nanosp', seed: mnemonic });
  try {
    const screen = new SpeculosDriver(speculos.baseUrl);
    await waitHome(screen);
    const transport = await openSpeculosTransport(speculos.apduPort);
    // Identity signatures and FROST shares are blind-signing requests: the user turns it on.
    await setBlindSigning(screen, true);
    // A transfer's key tweak ("Send leaf") is reviewed whatever the blind-signing setting.
    const approver = startApprover(screen, ['Blind signing', 'Send leaf']);
    return { mnemonic, speculos, transport, screen, approver, recorders: [], signers: [] };
  } catch (err) {
    await speculos.stop();
    throw new Error(`Speculos failed: ${(err as Error).message}\n--- Speculos output ---\n${speculos.logs().slice(-4000)}`, { cause: err });
  }
}

async function stopDevice(d: Device | undefined): Promise<void> {
  if (d === undefined) return;
  await d.approver.stop();
  await d.transport.close().catch(() => undefined);
  await d.speculos.stop();
}

/** Every private key of a seed's account 0 the host must never hold, with the given leaves' keys. */
function seedSecrets(mnemonic: string, leafIds: readonly string[]): Record<string, Uint8Array> {
  const keys = SparkAccountKeys.fromSeed(mnemonicToSeedSync(mnemonic), 0);
  const out: Record<string, Uint8Array> = {
    identity: keys.identityKey().privateKey,
    signingBase: keys.signingBaseKey().privateKey,
    deposit: keys.depositKey().privateKey,
    htlcBase: keys.htlcPreimageBaseKey().privateKey,
    staticDeposit0: keys.staticDepositKey(0).privateKey,
  };
  for (const id of leafIds) out[`leaf ${id}`] = keys.leafKey(id).privateKey;
  return out;
}

async function available(w: SparkWallet): Promise<bigint> {
  return (await w.getBalance()).satsBalance.available;
}

async function leafIds(w: SparkWallet): Promise<string[]> {
  return (await w.getLeaves()).map((l) => l.id).sort();
}

/** The commands sent on a device since `mark` (one mark per recorder). */
function sentSince(d: Device, mark: number[]): Uint8Array[] {
  return d.recorders.flatMap((r, i) => r.sent.slice(mark[i] ?? 0));
}
const markOf = (d: Device): number[] => d.recorders.map((r) => r.sent.length);

/** Text as the device lays it out on a review page: `perLine` characters a line (device-app/core/ux_text.c). */
function screenLines(text: string, perLine: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += perLine) lines.push(text.slice(i, i + perLine));
  return lines;
}
/** The receiver's identity key is shown in hex, 17 characters a line; a leaf id 16 a line. */
const RECEIVER_CHARS_PER_LINE = 17;
const LEAF_ID_CHARS_PER_LINE = 16;

const COMPLETED = TransferStatus.TRANSFER_STATUS_COMPLETED;

/** FROST_SIGN requests the device completed. */
const frostSigns = (apdus: Uint8Array[]): number => completed(apdus, Ins.FROST_SIGN);

describe('SDK wallets on Ledger signers send and receive on the operator network', { timeout: STEP_TIMEOUT_MS }, () => {
  let network: RunningNetwork | undefined;
  let sdk: SdkModule;
  let LedgerSparkSigner: typeof LedgerSparkSignerType;
  let first: Device | undefined;
  let second: Device | undefined;
  const wallets: SparkWallet[] = [];
  let ledger: SparkWallet;
  let software: SparkWallet;
  let ledger2: SparkWallet;
  const leaves: { first?: string; second?: string } = {};

  beforeAll(async () => {
    network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
    sdk = await loadSdk(network.env);
    // The signer imports the SDK: load it only after the network's environment is in place.
    ({ LedgerSparkSigner } = await import('../../src/signer/ledger-signer.js'));
    const elf = await buildDeviceApp('nanosp');
    first = await startDevice(elf, TEST_MNEMONIC);
    second = await startDevice(elf, SECOND_MNEMONIC);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    for (const w of wallets) await w.cleanup().catch(() => undefined);
    await stopDevice(first);
    await stopDevice(second);
    await network?.stop();
  });

  const dev = (d: Device | undefined): Device => {
    if (d === undefined) throw new Error('device not started');
    return d;
  };
  const net = (): RunningNetwork => {
    if (network === undefined) throw new Error('network not started');
    return network;
  };

  async function openLedgerWallet(d: Device): Promise<SparkWallet> {
    const recorder = new RecordingTransport(d.transport);
    const signer = new LedgerSparkSigner(new SparkLedgerApp(recorder));
    d.recorders.push(recorder);
    d.signers.push(signer);
    const { wallet } = await sdk.SparkWallet.initialize({ signer, options: { ...net().walletOptions, signerWithPreExistingKeys: true } });
    wallets.push(wallet);
    return wallet;
  }

  async function deposit(w: SparkWallet, sats: bigint): Promise<string> {
    const address = await w.getSingleUseDepositAddress();
    const funded = await net().chain.fund(address, sats);
    const claimed = await w.claimDeposit(funded.txid);
    const id = claimed[0]?.id;
    if (id === undefined) throw new Error('deposit not claimed');
    return id;
  }

  /** The "Send leaf" reviews approved on a device since review index `from`. */
  async function sendReviews(d: Device, from: number, count: number): Promise<ReviewPages[]> {
    const shown = (): ReviewPages[] => d.approver.reviews.slice(from).filter((pages) => pages[0]?.includes('Send leaf') === true);
    // the approver records a review once its last press returned, which may be after the reply
    return await waitFor(async () => shown(), (r) => r.length >= count, 10_000, 'the transfer review recorded');
  }

  it('deposits and claims two leaves on the first device', async () => {
    ledger = await openLedgerWallet(dev(first));
    // Every leaf set a wallet holds below, in order (the software wallet and the second device hold one of these leaves).
    const [one, two] = [Number(FIRST_SATS), Number(SECOND_SATS)];
    await expectLeftAlone(ledger, [[one], [one, two], [one], [two]]);
    leaves.first = await deposit(ledger, FIRST_SATS);
    leaves.second = await deposit(ledger, SECOND_SATS);
    await waitFor(() => available(ledger), (b) => b === FIRST_SATS + SECOND_SATS, 60_000, 'the two deposits');
    expect(await leafIds(ledger)).toEqual([leaves.first, leaves.second].sort());
  });

  it('sends one whole leaf to a software wallet, which claims it; the device showed the receiver', async () => {
    const d = dev(first);
    ({ wallet: software } = await openWallet(sdk, net().walletOptions));
    wallets.push(software);
    const receiver = await software.getIdentityPublicKey();
    const reviewsBefore = d.approver.reviews.length;
    const mark = markOf(d);

    const transfer = await ledger.transfer({ receiverSparkAddress: await software.getSparkAddress(), amountSats: Number(SECOND_SATS) });
    expect(transfer.totalValue).toBe(Number(SECOND_SATS));
    expect(transfer.leaves.map((l) => l.leaf?.id)).toEqual([leaves.second]);

    // The transfer's key tweak was split on the device, after the user saw the leaf and the receiver.
    expect(keySplits(sentSince(d, mark), 'transfer')).toBe(1);
    const [shown] = await sendReviews(d, reviewsBefore, 1);
    expect(shown?.[0]).toEqual(expect.arrayContaining(['Send leaf', 'Leaf', 'Account 0']));
    expect(pageBody(shown ?? [], 'Leaf id')).toEqual(screenLines(leaves.second ?? '', LEAF_ID_CHARS_PER_LINE));
    expect(pageBody(shown ?? [], 'Receiver')).toEqual(screenLines(receiver, RECEIVER_CHARS_PER_LINE));

    await waitFor(() => available(software), (b) => b === SECOND_SATS, SETTLE_MS, 'the software wallet\'s claim');
    expect(await leafIds(software)).toEqual([leaves.second]);
    expect(await waitFor(() => available(ledger), (b) => b === FIRST_SATS, 30_000, 'the sender\'s balance')).toBe(FIRST_SATS);
    expect(await leafIds(ledger)).toEqual([leaves.first]);
    expect(await waitFor(() => transferStatus(ledger, transfer.id), (st) => st === COMPLETED, 30_000, 'the transfer COMPLETED')).toBe(COMPLETED);
  });

  it('receives a leaf back and claims it by itself: every claim key split and FROST share on the device', async () => {
    const d = dev(first);
    const mark = markOf(d);
    const reviewsBefore = d.approver.reviews.length;
    const back = await software.transfer({ receiverSparkAddress: await ledger.getSparkAddress(), amountSats: Number(SECOND_SATS) });
    expect(back.leaves.map((l) => l.leaf?.id)).toEqual([leaves.second]);

    // The Ledger wallet's own event stream claims it; nothing here calls a claim.
    await waitFor(() => available(ledger), (b) => b === FIRST_SATS + SECOND_SATS, SETTLE_MS, 'the Ledger wallet\'s claim');
    expect(await leafIds(ledger)).toEqual([leaves.first, leaves.second].sort());
    expect(await available(software)).toBe(0n);
    const sent = sentSince(d, mark);
    // One claim key split per received leaf, and the claim's refunds signed with device shares.
    expect(keySplits(sent, 'claim')).toBe(1);
    expect(keySplits(sent, 'transfer')).toBe(0);
    const signs = frostSigns(sent);
    expect(signs).toBeGreaterThanOrEqual(1);
    // Each FROST share was a review approved on screen, naming the received leaf.
    const frostReviews = (): ReviewPages[] => d.approver.reviews.slice(reviewsBefore).filter((pages) => pages[0]?.includes('FROST share') === true);
    const frost = await waitFor(async () => frostReviews(), (r) => r.length >= signs, 10_000, 'every FROST review recorded');
    expect(frost).toHaveLength(signs);
    for (const pages of frost) expect(pageBody(pages, 'Leaf id').join('')).toBe(leaves.second);
    expect(await waitFor(() => transferStatus(ledger, back.id), (st) => st === COMPLETED, 30_000, 'the transfer COMPLETED')).toBe(COMPLETED);
    // The received leaf is now under the device's key for that leaf id.
    const signer = d.signers[0];
    if (signer === undefined) throw new Error('no signer');
    const leafKey = SparkAccountKeys.fromSeed(mnemonicToSeedSync(TEST_MNEMONIC), 0).leafKey(leaves.second ?? '').publicKey;
    expect(Buffer.from(await signer.getPublicKeyFromDerivation({ type: sdk.KeyDerivationType.LEAF, path: leaves.second ?? '' })).toString('hex')).toBe(
      Buffer.from(leafKey).toString('hex'),
    );
  });

  it('sends a leaf to a second Ledger wallet (another device, another seed), which claims it', async () => {
    const d1 = dev(first);
    const d2 = dev(second);
    ledger2 = await openLedgerWallet(d2);
    const receiver = await ledger2.getIdentityPublicKey();
    const secondIdentity = SparkAccountKeys.fromSeed(mnemonicToSeedSync(SECOND_MNEMONIC), 0).identityKey().publicKey;
    expect(receiver).toBe(Buffer.from(secondIdentity).toString('hex'));
    expect(await available(ledger2)).toBe(0n);
    const reviewsBefore = d1.approver.reviews.length;
    const mark2 = markOf(d2);

    const transfer = await ledger.transfer({ receiverSparkAddress: await ledger2.getSparkAddress(), amountSats: Number(FIRST_SATS) });
    expect(transfer.leaves.map((l) => l.leaf?.id)).toEqual([leaves.first]);
    const [shown] = await sendReviews(d1, reviewsBefore, 1);
    expect(pageBody(shown ?? [], 'Leaf id')).toEqual(screenLines(leaves.first ?? '', LEAF_ID_CHARS_PER_LINE));
    expect(pageBody(shown ?? [], 'Receiver')).toEqual(screenLines(receiver, RECEIVER_CHARS_PER_LINE));

    await waitFor(() => available(ledger2), (b) => b === FIRST_SATS, SETTLE_MS, 'the second Ledger wallet\'s claim');
    expect(await leafIds(ledger2)).toEqual([leaves.first]);
    expect(await waitFor(() => available(ledger), (b) => b === SECOND_SATS, 30_000, 'the first wallet\'s balance')).toBe(SECOND_SATS);
    expect(keySplits(sentSince(d2, mark2), 'claim')).toBe(1);
    expect(frostSigns(sentSince(d2, mark2))).toBeGreaterThanOrEqual(1);
    expect(await waitFor(() => transferStatus(ledger2, transfer.id), (st) => st === COMPLETED, 30_000, 'the transfer COMPLETED')).toBe(COMPLETED);
  });

  it('a wallet restarted from the same device sees its balance and leaves', async () => {
    await ledger.cleanup();
    const again = await openLedgerWallet(dev(first));
    expect(await waitFor(() => available(again), (b) => b === SECOND_SATS, 60_000, 'the balance after restart')).toBe(SECOND_SATS);
    expect(await leafIds(again)).toEqual([leaves.second]);
    // And the software wallet, from its own state, holds nothing any more.
    expect(await available(software)).toBe(0n);
    // Leaf optimization on, and nothing for it to do: no swap in the SSP's books.
    expect(sspSwaps(net().dataDir)).toEqual([]);
  });

  it('the host never held a private key of either seed: not in any APDU, reply, signer or wallet memory', () => {
    const ids = [leaves.first, leaves.second].filter((x): x is string => x !== undefined);
    expect(ids).toHaveLength(2);
    for (const d of [dev(first), dev(second)]) {
      const secrets = seedSecrets(d.mnemonic, ids);
      const sent = d.recorders.flatMap((r) => r.sent);
      const received = d.recorders.flatMap((r) => r.received);
      expect(sent.length).toBeGreaterThan(10);
      expect(secretsFound(secrets, { bytes: [...sent, ...received], strings: [] })).toEqual([]);
      for (const s of d.signers) expect(secretsFound(secrets, reachableData(s))).toEqual([]);
    }
    for (const w of wallets) {
      expect(secretsFound(seedSecrets(TEST_MNEMONIC, ids), reachableData(w))).toEqual([]);
      expect(secretsFound(seedSecrets(SECOND_MNEMONIC, ids), reachableData(w))).toEqual([]);
    }
  });
});
