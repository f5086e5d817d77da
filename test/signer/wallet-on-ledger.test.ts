import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { startNetwork, type RunningNetwork } from '../../emulator/network/network.js';
import { startApprover, type Approver } from '../../emulator/speculos/approver.js';
import { setBlindSigning } from '../../emulator/speculos/flows.js';
import { SparkLedgerApp } from '../../src/device/app.js';
import type { LedgerSparkSigner as LedgerSparkSignerType } from '../../src/signer/ledger-signer.js';
import { startDevice, type DeviceFixture } from '../device/fixture.js';
import { expectedPublicKey } from '../device/expected-keys.js';
import { loadSdk, waitFor } from '../network/sdk.js';
import { RecordingTransport, reachableData, secretsFound } from './secret-scan.js';
import { accountSecrets } from './seed-keys.js';

const DEPOSIT_SATS = 60_000n;
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
    approver = startApprover(dev.screen, ['Blind signing']);
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

  it('deposit and claim: the root and refunds are FROST-signed with the device’s deposit key, approved on screen', async () => {
    const { network } = running();
    const wallet = wallets[0];
    if (wallet === undefined) throw new Error('no wallet');
    const before = approver?.reviews.length ?? 0;
    const address = await wallet.getSingleUseDepositAddress();
    expect(address).toMatch(/^bcrt1p/);
    const funded = await network.chain.fund(address, DEPOSIT_SATS);
    const claimed = await wallet.claimDeposit(funded.txid);
    expect(claimed.map((l) => BigInt(l.value))).toEqual([DEPOSIT_SATS]);
    const balance = await waitFor(() => wallet.getBalance(), (b) => b.satsBalance.available === DEPOSIT_SATS, 60_000, 'the deposit balance');
    expect(balance.satsBalance.available).toBe(DEPOSIT_SATS);
    leafIds = (await wallet.getLeaves()).map((l) => l.id);
    expect(leafIds).toEqual([claimed[0]?.id]);
    const frost = (approver?.reviews ?? []).slice(before).filter((pages) => pages[0]?.includes('FROST share') === true);
    expect(frost.length).toBeGreaterThanOrEqual(3); // root, refund, direct-from-CPFP refund
    expect(frost.every((pages) => pages[0]?.includes('Deposit') === true)).toBe(true);
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
