/**
 * The unilateral exit of a Ledger wallet, every operator stopped, the sweeps signed on the device.
 *
 * The unmodified SDK wallet on LedgerSparkSigner (the app under Speculos, the test mnemonic)
 * deposits and claims a leaf; a software wallet sends it a second leaf that it has not claimed
 * yet (its wallet runs without the background claim, as a wallet that was offline would). Its exit
 * data then holds an owned leaf (refunds pay LEAF(leafId)) and a pending transfer (the transfer's
 * intermediate refunds pay the identity key). Every operator stops; each leaf exits on btcd
 * through the full runner and its sweep is approved on the device's screen (buttons pressed
 * through Speculos's API): the pending transfer through the library, the owned leaf through the
 * exit command's `--speculos` option.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FundingWallet } from '../../emulator/chain/funding-wallet.js';
import { startNetwork, type RunningNetwork } from '../../emulator/network/network.js';
import { startApprover, type Approver } from '../../emulator/speculos/approver.js';
import { pageBody, setBlindSigning } from '../../emulator/speculos/flows.js';
import { bytesToHex } from '../../src/crypto/index.js';
import { SparkLedgerApp } from '../../src/device/app.js';
import { blockClock, rpcExitChain } from '../../src/exit/exit-chain.js';
import { readExitDataFile, writeExitDataFile } from '../../src/exit/exit-data-file.js';
import type { ExitData, ExitLeaf } from '../../src/exit/exit-data.js';
import { DEFAULT_FEE_RATE_SAT_PER_VB, addressScript, runUnilateralExit, sweepVsize } from '../../src/exit/exit-runner.js';
import { parseExitTx, relativeLockBlocks } from '../../src/exit/transactions.js';
import { collectFromWallet } from '../../src/exit/wallet-source.js';
import { deviceExitSweepSigner } from '../../src/signer/exit-sweep.js';
import { expectedPublicKey } from '../device/expected-keys.js';
import { startDevice, type DeviceFixture } from '../device/fixture.js';
import { ladderFor, sspSwaps } from '../network/leaf-optimizer.js';
import { loadSdk, openWallet, unclaimingWalletClass, waitFor } from '../network/sdk.js';
import { freshAddress } from './fresh-address.js';
import { operatorsGoneFeeWalletFunded, receivedBy } from './exit-helpers.js';

const execFileAsync = promisify(execFile);
const CLI = ['--import', 'tsx', 'src/exit/cli.ts'];
/**
 * The two exiting leaves' values: large enough that each sweep leaves more than dust after its fees
 * (the pending one pays the direct refund's fee too). The wallets run on the network's options as
 * printed (the SDK's defaults, leaf optimization on) and the exit's subject is these very leaves:
 * each wallet first holds a ladder of small powers of two under which the SDK's optimizer leaves
 * it alone with and without its leaf (test/network/leaf-optimizer.ts), and no swap happens.
 */
const OWN_DEPOSIT_SATS = 1024n;
const SENT_SATS = 2048n;
/** The SDK's initial refund timelock, one transfer's decrement, the direct variants' offset (docs/transfers.md, "Constants and timelock scheme"). */
const INITIAL_TIMELOCK = 2000;
const TIME_LOCK_INTERVAL = 100;
const DIRECT_TIMELOCK_OFFSET = 50;
/** What a fee-paying direct refund pays (191 vB × 5 sat/vB). */
const DIRECT_FEE_SATS = 955n;
const START_TIMEOUT_MS = 420_000;
const STEP_TIMEOUT_MS = 300_000;

describe('unilateral exit of a Ledger wallet, every operator stopped, sweeps signed on the device', { timeout: STEP_TIMEOUT_MS }, () => {
  let network: RunningNetwork | undefined;
  let dev: DeviceFixture | undefined;
  let approver: Approver | undefined;
  let dir: string;
  let data: ExitData;
  let chain: ReturnType<typeof rpcExitChain>;
  let feeWallet: FundingWallet;
  /** The Ledger wallet's own deposit leaf (its other owned leaves are the ladder's). */
  let ownId = '';
  const wallets: SparkWallet[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spark-ledger-exit-'));
    network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
    chain = rpcExitChain(network.chain.info.bitcoindRpc, { regtest: true });
    dev = await startDevice();
    // Identity signatures and FROST shares are blind-signing requests: the user turns it on.
    await setBlindSigning(dev.screen, true);
    approver = startApprover(dev.screen, ['Blind signing', 'Exit sweep']);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    for (const w of wallets) await w.cleanupConnections().catch(() => undefined);
    await approver?.stop();
    await dev?.stop();
    await network?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const running = (): { network: RunningNetwork; dev: DeviceFixture; approver: Approver } => {
    if (network === undefined || dev === undefined || approver === undefined) throw new Error('network or device not started');
    return { network, dev, approver };
  };

  /** The sweep reviews approved since `from`, once the approver has recorded `count` of them. */
  const sweepReviews = (from: number, count: number): Promise<string[][][]> =>
    waitFor(async () => running().approver.reviews.slice(from).filter((p) => p[0]?.includes('Exit sweep') === true), (r) => r.length === count, 10_000, 'the sweep review');

  it('collects a Ledger wallet\'s exit data: its own deposit leaf and an unclaimed incoming transfer', async () => {
    const { network, dev } = running();
    const sdk = await loadSdk(network.env);
    const { LedgerSparkSigner } = await import('../../src/signer/ledger-signer.js');
    // No background claim: the incoming transfer stays pending, as for a wallet that was offline.
    const UnclaimingWallet = unclaimingWalletClass(sdk);
    const options = network.walletOptions;
    const { wallet: ledger } = await UnclaimingWallet.initialize({ signer: new LedgerSparkSigner(new SparkLedgerApp(dev.transport)), options: { ...options, signerWithPreExistingKeys: true } });
    wallets.push(ledger);
    const { wallet: sender } = await openWallet(sdk, options);
    wallets.push(sender);
    const deposit = async (w: SparkWallet, sats: bigint): Promise<string> => {
      const funded = await network.chain.fund(await w.getSingleUseDepositAddress(), sats);
      const [leaf] = await w.claimDeposit(funded.txid);
      if (leaf === undefined) throw new Error('deposit not claimed');
      return leaf.id;
    };
    const sum = (values: number[]): bigint => BigInt(values.reduce((a, b) => a + b, 0));
    // Each wallet's ladder first, then its subject leaf on top.
    const ledgerLadder = await ladderFor(ledger, [Number(OWN_DEPOSIT_SATS)]);
    const senderLadder = await ladderFor(sender, [Number(SENT_SATS)]);
    for (const sats of ledgerLadder) await deposit(ledger, BigInt(sats));
    ownId = await deposit(ledger, OWN_DEPOSIT_SATS);
    const ledgerSats = sum(ledgerLadder) + OWN_DEPOSIT_SATS;
    for (const sats of senderLadder) await deposit(sender, BigInt(sats));
    await deposit(sender, SENT_SATS);
    await waitFor(() => sender.getBalance(), (b) => b.satsBalance.available === sum(senderLadder) + SENT_SATS, 60_000, 'the sender\'s deposits');
    const transfer = await sender.transfer({ receiverSparkAddress: await ledger.getSparkAddress(), amountSats: Number(SENT_SATS) });

    data = await collectFromWallet(ledger, { network: 'LOCAL', account: 0 });
    const file = join(dir, 'exit-data.json');
    writeExitDataFile(file, data);
    data = readExitDataFile(file);
    const owned = data.leaves.find((l) => l.leafId === ownId);
    const pending = data.leaves.filter((l) => l.source === 'pending-transfer');
    // The ladder's leaves and the subject leaf, all owned, and the one pending transfer.
    expect(data.leaves.filter((l) => l.source === 'owned').map((l) => l.value).sort((a, b) => a - b)).toEqual([...ledgerLadder, Number(OWN_DEPOSIT_SATS)]);
    expect(pending).toHaveLength(1);
    expect(data.identityPublicKey).toBe(bytesToHex(expectedPublicKey({ kind: 'identity', account: 0 })));
    // The owned leaf's refunds pay the device's key for that leaf.
    expect(owned?.source).toBe('owned');
    expect(owned?.refundKey).toMatchObject({ kind: 'leaf', leafId: ownId, publicKey: bytesToHex(expectedPublicKey({ kind: 'leaf', account: 0, leafId: ownId })) });
    expect(relativeLockBlocks(parseExitTx(owned!.refunds.cpfp, 'cpfp refund'))).toBe(INITIAL_TIMELOCK);
    // The unclaimed transfer's intermediate refunds pay the device's identity key, one interval lower.
    expect(pending[0]?.transferId).toBe(transfer.id);
    expect(pending[0]?.value).toBe(Number(SENT_SATS));
    expect(pending[0]?.refundKey).toMatchObject({ kind: 'identity', account: 0, publicKey: data.identityPublicKey });
    expect(relativeLockBlocks(parseExitTx(pending[0]!.refunds.directFromCpfp!, 'direct-from-cpfp refund'))).toBe(INITIAL_TIMELOCK - TIME_LOCK_INTERVAL + DIRECT_TIMELOCK_OFFSET);
    // Still pending: nothing claimed it.
    expect((await ledger.getBalance()).satsBalance.available).toBe(ledgerSats);
    // Leaf optimization on, and nothing for it to do: no swap in the SSP's books.
    expect(sspSwaps(network.dataDir)).toEqual([]);
  });

  it('stops every operator, then funds a fee wallet for the anchor children', async () => {
    const { network } = running();
    for (const w of wallets.splice(0)) await w.cleanupConnections();
    feeWallet = await operatorsGoneFeeWalletFunded(network, chain, join(dir, 'fee-wallet.json'), 50_000n);
    expect(await feeWallet.balance()).toBe(50_000n);
  });

  it('the unclaimed transfer exits through the fee-paying intermediate refund; the identity key sweeps it on the device', async () => {
    const { dev, approver } = running();
    const leaf = data.leaves.find((l) => l.source === 'pending-transfer') as ExitLeaf;
    const to = freshAddress();
    const before = approver.reviews.length;
    const result = await runUnilateralExit({
      data, leafId: leaf.leafId, variant: 'direct', to, chain, feeWallet, clock: blockClock(chain, { mine: true }),
      signer: deviceExitSweepSigner(dev.app, data.network),
    });
    const [node, refund] = result.steps;
    expect(result.steps).toHaveLength(2);
    expect(node?.anchorChildTxid).toBeDefined(); // a deposit root pays no fee
    expect(refund?.txid).toBe(parseExitTx(leaf.refunds.directFromCpfp!, 'refund').txid);
    expect(refund!.confirmedAt - node!.confirmedAt).toBeGreaterThanOrEqual(INITIAL_TIMELOCK - TIME_LOCK_INTERVAL + DIRECT_TIMELOCK_OFFSET);
    const refundAmount = SENT_SATS - DIRECT_FEE_SATS;
    const expected = refundAmount - BigInt(Math.ceil(sweepVsize(addressScript(to, 'LOCAL')) * DEFAULT_FEE_RATE_SAT_PER_VB));
    expect(result.sweep.refundAmount).toBe(refundAmount);
    expect(await receivedBy(chain, to)).toEqual({ sats: expected, txids: [result.sweep.txid] });
    const [shown] = await sweepReviews(before, 1);
    expect(pageBody(shown ?? [], 'Exit sweep')).toEqual(['Identity', 'Account 0', `Fee ${result.sweep.fee} sats`]);
    expect(pageBody(shown ?? [], 'Amount')).toEqual([`${expected} sats`]);
    expect(pageBody(shown ?? [], 'To').join('')).toBe(to);
  });

  it('the exit command with --speculos exits the owned leaf through the zero-fee CPFP variants; the leaf key sweeps it on the device', async () => {
    const { network, dev, approver } = running();
    const leaf = data.leaves.find((l) => l.leafId === ownId) as ExitLeaf;
    // The command opens its own connection to the APDU port: the test lets go of its own first.
    await dev.transport.close();
    const to = freshAddress();
    const before = approver.reviews.length;
    const rpc = network.chain.info.bitcoindRpc;
    const { stdout, stderr } = await execFileAsync(process.execPath, [...CLI, 'run', '--data', join(dir, 'exit-data.json'), '--leaf', leaf.leafId, '--variant', 'cpfp',
      '--to', to, '--speculos', `127.0.0.1:${dev.speculos.apduPort}`, '--fee-key', join(dir, 'fee-wallet.json'), '--mine',
      '--rpc-url', rpc.url, '--rpc-user', rpc.user, '--rpc-pass', rpc.pass], { timeout: 240_000 });
    expect(stderr).toMatch(/approve each sweep on the device/);
    const [result] = JSON.parse(stdout) as { steps: { txid: string; anchorChildTxid?: string }[]; sweep: { txid: string; amount: string; fee: string } }[];
    expect(result?.steps.map((s) => s.txid)).toEqual([parseExitTx(leaf.nodes[0]!.nodeTx, 'root').txid, parseExitTx(leaf.refunds.cpfp, 'refund').txid]);
    expect(result?.steps.every((s) => s.anchorChildTxid !== undefined)).toBe(true);
    const expected = OWN_DEPOSIT_SATS - BigInt(Math.ceil(sweepVsize(addressScript(to, 'LOCAL')) * DEFAULT_FEE_RATE_SAT_PER_VB));
    expect(BigInt(result!.sweep.amount)).toBe(expected);
    expect(await receivedBy(chain, to)).toEqual({ sats: expected, txids: [result!.sweep.txid] });
    const [shown] = await sweepReviews(before, 1);
    expect(pageBody(shown ?? [], 'Exit sweep')).toEqual(['Leaf', 'Account 0', `Fee ${result!.sweep.fee} sats`]);
    expect(pageBody(shown ?? [], 'To').join('')).toBe(to);
  });

  it('the exit command refuses two sweep signers at once, before touching the chain or the device', async () => {
    const { dev } = running();
    const height = await chain.height();
    const run = execFileAsync(process.execPath, [...CLI, 'run', '--data', join(dir, 'exit-data.json'), '--to', freshAddress(), '--ledger', '--speculos', `127.0.0.1:${dev.speculos.apduPort}`,
      '--rpc-url', 'http://127.0.0.1:1'], { timeout: 60_000 });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/exactly one sweep signer/) as unknown });
    expect(await chain.height()).toBe(height);
  });
});
