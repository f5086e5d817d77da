/**
 * The end-to-end demo, on embedded defaults (PGlite, btcd regtest, Speculos): the hardware story.
 *
 *   1. A 2-of-3 Spark operator network starts on a fresh btcd regtest chain; its operators run a
 *      Pedersen DKG among themselves.
 *   2. The Spark app for Ledger runs under Speculos (Nano S Plus) with a fixed demo seed. Its keys
 *      match the same seed's derivation on the host; blind signing stays off.
 *   3. The unmodified Spark SDK wallet runs on LedgerSparkSigner with clear signing: every key,
 *      nonce and FROST share stays on the device; what stays with the user (deposit roots and
 *      refunds, claim refunds) is signed with its transaction attached and no prompt; the
 *      identity-key signatures go with their preimages (the operators' and the service
 *      provider's logins and the claim package: no prompt);
 *      a transfer is approved once, on a screen that shows the total and the receiver's Spark
 *      address, and its per-leaf and package signatures need no further press (the buttons are
 *      pressed through Speculos's API, as a user would; each review's screens are printed).
 *      The wallet deposits two leaves from the chain, sends both in one transfer to a software
 *      wallet (DefaultSparkSigner), which claims them, receives one back and claims it itself.
 *      Both wallets run on the SDK's default options: the Ledger wallet's leaf optimization then
 *      swaps what it received with the service provider, each swap approved once ("Swap").
 *
 * Run with `make demo`. Everything it starts is stopped at the end, or on Ctrl-C.
 */
import { mnemonicToSeedSync } from '@scure/bip39';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { randomBytes } from 'node:crypto';
import { loadSdk } from '../emulator/network/load-sdk.js';
import { startNetwork, type RunningNetwork } from '../emulator/network/network.js';
import { WALLET_REVIEW_TITLES, startApprover, type Approver } from '../emulator/speculos/approver.js';
import { hexToBytes } from '@noble/hashes/utils';
import { buildDeviceApp } from '../emulator/speculos/build.js';
import { SpeculosDriver } from '../emulator/speculos/driver.js';
import { waitHome } from '../emulator/speculos/flows.js';
import { startSpeculos, type SpeculosProcess } from '../emulator/speculos/runner.js';
import { SparkAccountKeys, bytesToHex } from '../src/crypto/index.js';
import { SparkLedgerApp } from '../src/device/app.js';
import { openSpeculosTransport, type LedgerTransport } from '../src/device/transports.js';

/** The demo device's seed: a standard BIP39 test vector, never a real wallet's. */
const DEMO_MNEMONIC = 'letter advice cage absurd amount doctor acoustic avoid letter advice cage above';
const FIRST_SATS = 60_000n;
const SECOND_SATS = 40_000n;
/** How long a receiving wallet gets to claim from its event stream (with device approvals). */
const CLAIM_TIMEOUT_MS = 240_000;
/** How long the Ledger wallet's optimizer gets to start a swap after a claim before the demo moves on. */
const OPTIMIZER_START_MS = 20_000;

const log = (s = ''): void => console.log(s);
const step = (s: string): void => console.log(`\n== ${s}`);

let network: RunningNetwork | undefined;
let speculos: SpeculosProcess | undefined;
let transport: LedgerTransport | undefined;
let approver: Approver | undefined;
const wallets: SparkWallet[] = [];

async function shutdown(): Promise<void> {
  for (const w of wallets) await w.cleanup().catch(() => undefined);
  await approver?.stop().catch(() => undefined);
  await transport?.close().catch(() => undefined);
  await speculos?.stop().catch(() => undefined);
  await network?.stop().catch(() => undefined);
}

process.once('SIGINT', () => void shutdown().finally(() => process.exit(130)));
process.once('SIGTERM', () => void shutdown().finally(() => process.exit(143)));

/**
 * Prints the reviews the user approved since the last call: one line per review, its pages in
 * order. Called when the wallet is idle: it first waits for the device's home screen and for the
 * approver to have recorded the last review (it records one once its last press returned).
 */
let printed = 0;
async function printApprovals(screen: SpeculosDriver): Promise<void> {
  await waitHome(screen);
  let count = -1;
  while (count !== (approver?.reviews.length ?? 0)) {
    count = approver?.reviews.length ?? 0;
    await new Promise((r) => setTimeout(r, 500));
  }
  const reviews = approver?.reviews ?? [];
  for (const pages of reviews.slice(printed)) {
    const shown = pages.map((page) => `[${page.filter((t) => t !== '<' && t !== '>').join(' ')}]`).join(' ');
    log(`  approved on the device: ${shown}`);
  }
  log(`  (${reviews.length - printed} approval${reviews.length - printed === 1 ? '' : 's'} on the device in this step)`);
  printed = reviews.length;
}

/** Polls `read` until `done` holds; fails with `what` after `timeoutMs`. */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(v)})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function available(w: SparkWallet): Promise<bigint> {
  return (await w.getBalance()).satsBalance.available;
}

async function balances(ledger: SparkWallet, software: SparkWallet): Promise<void> {
  log(`balances: Ledger wallet ${await available(ledger)} sats, software wallet ${await available(software)} sats`);
}

async function main(): Promise<void> {
  step('Spark operator network: 3 operators, threshold 2, on btcd regtest, PGlite databases');
  network = await startNetwork({ operators: 3, threshold: 2 });
  for (const op of network.operators) log(`operator ${op.index}: identity ${network.ready(op.index).identityPublicKey}`);
  log(`group key from the operators' DKG: ${network.ready(1).groupPublicKey}`);
  // The SDK (and grpc-js under it) must load after the network's environment is in place: it
  // reads the local CA and the chain endpoint once. The Ledger signer imports the SDK too.
  const sdk = await loadSdk(network.env);
  const { LedgerSparkSigner, initializeClearSigned } = await import('../src/signer/index.js');

  step('The Spark app for Ledger under Speculos (Nano S Plus), with the demo seed');
  const elf = await buildDeviceApp('nanosp');
  speculos = await startSpeculos({ elfPath: elf, model: 'nanosp', seed: DEMO_MNEMONIC });
  const screen = new SpeculosDriver(speculos.baseUrl);
  log(`screen: ${(await waitHome(screen)).join(' | ')}`);
  transport = await openSpeculosTransport(speculos.apduPort);
  const app = new SparkLedgerApp(transport);
  const version = await app.getVersion();
  log(`app version ${version.major}.${version.minor}.${version.patch}`);
  const host = SparkAccountKeys.fromSeed(mnemonicToSeedSync(DEMO_MNEMONIC), 0);
  for (const [kind, expected] of [['identity', host.identityKey().publicKey], ['deposit', host.depositKey().publicKey]] as const) {
    const onDevice = bytesToHex(await app.getPublicKey({ kind, account: 0 }));
    log(`device ${kind} key: ${onDevice} (the host's derivation of the same seed ${onDevice === bytesToHex(expected) ? 'agrees' : 'DISAGREES'})`);
    if (onDevice !== bytesToHex(expected)) throw new Error(`the device's ${kind} key differs from the host derivation`);
  }
  log('blind signing stays off: everything below is signed clearly');
  // From here on the "user" approves every review the wallet causes, reading each screen.
  approver = startApprover(screen, WALLET_REVIEW_TITLES);

  step('The unmodified SDK wallet on LedgerSparkSigner: initialize (each operator authenticates the device identity: the device reads the challenge, no prompt)');
  const signer = new LedgerSparkSigner(app);
  // Clear signing: the signer finds each sighash's transaction in the wallet's leaves, and each
  // identity hash's preimage; on before initialize so the logins are clear too.
  // The network's wallet options as printed, the SDK's defaults: background leaf optimization is
  // on, and each of its swaps with the service provider is a SWAP_INTENT the user approves; the
  // provider's login is signed from its challenge (no prompt, no blind signing).
  const ledger = await initializeClearSigned(sdk.SparkWallet, signer, 'LOCAL', network.walletOptions);
  wallets.push(ledger);
  log(`Ledger wallet identity: ${await ledger.getIdentityPublicKey()}`);
  await printApprovals(screen);

  step(`Deposit: two leaves of ${FIRST_SATS} and ${SECOND_SATS} sats, each root and refund FROST-signed by the device (transaction attached: no prompt) and 2 operators`);
  const leafIds: string[] = [];
  for (const sats of [FIRST_SATS, SECOND_SATS]) {
    const address = await ledger.getSingleUseDepositAddress();
    const funded = await network.chain.fund(address, sats);
    log(`deposit address ${address} funded on btcd: ${funded.txid}:${funded.vout}, ${sats} sats`);
    signer.expectDeposit(hexToBytes(funded.hex));
    const claimed = await ledger.claimDeposit(funded.txid);
    const id = claimed[0]?.id;
    if (id === undefined) throw new Error('the deposit was not claimed');
    leafIds.push(id);
    log(`claimed into leaf ${id}`);
    await printApprovals(screen);
  }
  await until(() => available(ledger), (b) => b === FIRST_SATS + SECOND_SATS, 60_000, 'the deposits in the balance');

  step('A software wallet (DefaultSparkSigner, random seed) to trade with');
  const { wallet: software } = await sdk.SparkWallet.initialize({ mnemonicOrSeed: randomBytes(32).toString('hex'), options: network.walletOptions });
  wallets.push(software);
  log(`software wallet identity: ${await software.getIdentityPublicKey()}`);
  await balances(ledger, software);

  step(`Send: the Ledger wallet sends both leaves (${FIRST_SATS + SECOND_SATS} sats) to the software wallet, approved once (the device shows the total and the Spark address)`);
  const sent = await ledger.transfer({ receiverSparkAddress: await software.getSparkAddress(), amountSats: Number(FIRST_SATS + SECOND_SATS) });
  log(`transfer ${sent.id}: ${sent.totalValue} sats, leaves ${sent.leaves.map((l) => l.leaf?.id).join(', ')}, ${sent.status}`);
  await printApprovals(screen);
  // Its optimizer then swaps the 60,000- and 40,000-sat leaves into power-of-two leaves (spark-sdk
  // utils/optimize.ts), holding them meanwhile: it can send once that is done.
  await until(
    async () => ({ sats: await available(software), optimizing: await software.isOptimizationInProgress(), leaves: await software.getLeaves() }),
    (s) => s.sats === FIRST_SATS + SECOND_SATS && !s.optimizing && s.leaves.every((l) => Number.isInteger(Math.log2(l.value))),
    CLAIM_TIMEOUT_MS,
    'the software wallet to claim and optimize',
  );
  log('the software wallet claimed it from its event stream and optimized its leaves');
  await balances(ledger, software);

  step(`Receive: the software wallet (SDK defaults: its leaves are swapped into power-of-two denominations in the background) sends ${SECOND_SATS} sats back; the Ledger wallet claims them by itself (key tweak, FROST shares and the claim package on the device, no prompt), then its own optimizer swaps them with the provider (one "Swap" approval each; the provider's login signed from its challenge, no prompt)`);
  const back = await software.transfer({ receiverSparkAddress: await ledger.getSparkAddress(), amountSats: Number(SECOND_SATS) });
  log(`transfer ${back.id}: ${back.totalValue} sats, ${back.status}`);
  const reviewsBefore = approver.reviews.length;
  await until(() => available(ledger), (b) => b === SECOND_SATS, CLAIM_TIMEOUT_MS, 'the Ledger wallet to claim');
  // The claim runs the optimizer, which swaps unless the leaves are already its set
  // (spark-sdk services/leaf-manager.ts autoOptimizeIfNeeded): wait for its swap (or give it
  // OPTIMIZER_START_MS to start), then for it to end with the balance back.
  const claimedAt = Date.now();
  const swapsSince = (): number => (approver?.reviews ?? []).slice(reviewsBefore).filter((pages) => pages[0]?.includes('Swap') === true).length;
  await until(
    async () => ({ sats: await available(ledger), optimizing: await ledger.isOptimizationInProgress() }),
    (s) => s.sats === SECOND_SATS && !s.optimizing && (swapsSince() > 0 || Date.now() - claimedAt > OPTIMIZER_START_MS),
    CLAIM_TIMEOUT_MS,
    'the Ledger wallet to optimize its leaves',
  );
  log('the Ledger wallet claimed it from its event stream and optimized its leaves');
  await printApprovals(screen);
  await balances(ledger, software);
  const held = (await ledger.getLeaves()).map((l) => `${l.id} (${l.value} sats)`);
  log(`Ledger wallet leaves: ${held.join(', ')}`);
}

try {
  await main();
  step('Demo complete');
} catch (err) {
  console.error(`\ndemo failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
} finally {
  await shutdown();
}
