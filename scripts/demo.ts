/**
 * The end-to-end demo, on embedded defaults (PGlite, btcd regtest, Speculos):
 *
 *   1. A 2-of-3 Spark operator network starts on a fresh btcd regtest chain; its operators run a
 *      Pedersen DKG among themselves.
 *   2. The unmodified Spark SDK wallet initializes against it, gets a deposit address, the chain
 *      funds it, and the wallet claims the deposit into a leaf FROST-signed by the user and two
 *      operators. btcd mines the signed root transaction.
 *   3. The Spark app for Ledger runs under Speculos (Nano S Plus). Its keys match the same seed's
 *      derivation on the host; the user turns blind signing on with the buttons, approves a FROST
 *      signing request on the screen, and the device's share aggregates (the SDK's own
 *      aggregateFrost) with two operators' shares into a BIP340 signature for the taproot key.
 *
 * Run with `make demo`. Everything it starts is stopped at the end, or on Ctrl-C.
 */
import { mnemonicToSeedSync } from '@scure/bip39';
import { schnorr } from '@noble/curves/secp256k1';
import { randomBytes } from 'node:crypto';
import { startNetwork, type RunningNetwork } from '../emulator/network/network.js';
import { buildDeviceApp } from '../emulator/speculos/build.js';
import { SpeculosDriver } from '../emulator/speculos/driver.js';
import { review, setBlindSigning, waitHome } from '../emulator/speculos/flows.js';
import { TEST_MNEMONIC } from '../emulator/speculos/paths.js';
import { startSpeculos, type SpeculosProcess } from '../emulator/speculos/runner.js';
import {
  SparkAccountKeys,
  bytesToHex,
  generateNonce,
  operatorIdentifier,
  pointFromBytes,
  pointToBytes,
  runDkgInProcess,
  signFrostOperator,
  taprootOutputKey,
  verifySignatureShare,
} from '../src/crypto/index.js';
import { SparkLedgerApp } from '../src/device/app.js';
import { openSpeculosTransport } from '../src/device/transports.js';

const DEPOSIT_SATS = 100_000n;
const log = (s = ''): void => console.log(s);
const step = (s: string): void => console.log(`\n== ${s}`);

let network: RunningNetwork | undefined;
let speculos: SpeculosProcess | undefined;

async function shutdown(): Promise<void> {
  await speculos?.stop().catch(() => undefined);
  await network?.stop().catch(() => undefined);
}

process.once('SIGINT', () => void shutdown().finally(() => process.exit(130)));
process.once('SIGTERM', () => void shutdown().finally(() => process.exit(143)));

async function networkPart(): Promise<typeof import('@buildonspark/spark-sdk')> {
  step('Spark operator network: 3 operators, threshold 2, on btcd regtest, PGlite databases');
  network = await startNetwork({ operators: 3, threshold: 2 });
  for (const op of network.operators) {
    const ready = network.ready(op.index);
    log(`operator ${op.index}: identity ${ready.identityPublicKey}`);
  }
  log(`group key from the operators' DKG: ${network.ready(1).groupPublicKey}`);

  // The SDK (and grpc-js under it) must load after the network's environment is in place: it
  // reads the local CA and the chain endpoint once.
  Object.assign(process.env, network.env);
  const sdk = await import('@buildonspark/spark-sdk');

  step('The unmodified Spark SDK wallet (DefaultSparkSigner): initialize, deposit, claim');
  const { wallet } = await sdk.SparkWallet.initialize({ mnemonicOrSeed: randomBytes(32).toString('hex'), options: network.walletOptions });
  log(`wallet identity: ${await wallet.getIdentityPublicKey()}`);
  const address = await wallet.getSingleUseDepositAddress();
  log(`deposit address (operator proofs checked by the SDK): ${address}`);
  const funded = await network.chain.fund(address, DEPOSIT_SATS);
  log(`funded on btcd: ${funded.txid}:${funded.vout}, ${DEPOSIT_SATS} sats`);
  const leaves = await wallet.claimDeposit(funded.txid);
  log(`claimed into leaf ${leaves[0]?.id} (root and refund FROST-signed by the user and 2 operators)`);
  const balance = await wallet.getBalance();
  log(`balance: ${balance.satsBalance.available} sats available`);
  if (balance.satsBalance.available !== DEPOSIT_SATS) throw new Error(`expected ${DEPOSIT_SATS} sats, got ${balance.satsBalance.available}`);
  await wallet.cleanupConnections();
  return sdk;
}

async function devicePart(sdk: typeof import('@buildonspark/spark-sdk')): Promise<void> {
  step('The Spark app for Ledger under Speculos (Nano S Plus), seed: the test mnemonic');
  const elf = await buildDeviceApp('nanosp');
  speculos = await startSpeculos({ elfPath: elf, model: 'nanosp', seed: TEST_MNEMONIC });
  const screen = new SpeculosDriver(speculos.baseUrl);
  log(`screen: ${(await waitHome(screen)).join(' | ')}`);
  const app = new SparkLedgerApp(await openSpeculosTransport(speculos.apduPort));
  const version = await app.getVersion();
  log(`app version ${version.major}.${version.minor}.${version.patch}, blind signing ${version.blindSigningEnabled ? 'on' : 'off'}`);

  const account = 0;
  const host = SparkAccountKeys.fromSeed(mnemonicToSeedSync(TEST_MNEMONIC), account);
  const identity = await app.getPublicKey({ kind: 'identity', account });
  const deposit = await app.getPublicKey({ kind: 'deposit', account });
  log(`device identity key: ${bytesToHex(identity)} (host derivation ${bytesToHex(identity) === bytesToHex(host.identityKey().publicKey) ? 'agrees' : 'DISAGREES'})`);
  if (bytesToHex(deposit) !== bytesToHex(host.depositKey().publicKey)) throw new Error('deposit key differs from the host derivation');

  step('A FROST signature between the device and 2 of 3 operators');
  const operatorIds = [1, 2, 3].map(operatorIdentifier);
  const dkg = runDkgInProcess(operatorIds, 2);
  const group = dkg[0]?.groupPublicKey;
  if (group === undefined) throw new Error('DKG produced nothing');
  const verifyingKey = pointToBytes(pointFromBytes(deposit, 'deposit key').add(pointFromBytes(group, 'group key')));
  const message = randomBytes(32);
  const signers = dkg.slice(0, 2);
  const nonces = signers.map((s) => generateNonce(s.secretShare));
  const operatorCommitments = Object.fromEntries(signers.map((s, i) => [s.identifier, nonces[i]!.commitment]));
  const [userCommitment] = await app.frostCommit(1);
  if (userCommitment === undefined) throw new Error('the device returned no commitment');
  log(`device commitment #${userCommitment.ref}: ${bytesToHex(userCommitment.hiding).slice(0, 16)}…`);

  log('turning blind signing on in the app settings (buttons, as a user would)');
  await setBlindSigning(screen, true);
  const pending = app.frostSign({
    key: { kind: 'deposit', account },
    message,
    verifyingKey,
    userCommitment,
    operators: signers.map((s, i) => ({ identifier: pointToScalarId(s.identifier), ...nonces[i]!.commitment })),
  });
  const pages = await review(screen, 'Blind signing', 'approve');
  for (const page of pages) log(`  screen: ${page.join(' | ')}`);
  const userShare = await pending;
  log(`device share: ${bytesToHex(userShare)}`);

  const userCommit = { hiding: userCommitment.hiding, binding: userCommitment.binding };
  if (!verifySignatureShare({ message, verifyingKey, operatorCommitments, userCommitment: userCommit, signer: { role: 'user', publicKey: deposit }, share: userShare })) {
    throw new Error('the device share does not verify');
  }
  const operatorShares = Object.fromEntries(
    signers.map((s, i) => [
      s.identifier,
      signFrostOperator({ message, identifier: s.identifier, secretShare: s.secretShare, nonce: nonces[i]!.nonce, verifyingKey, operatorCommitments, userCommitment: userCommit }),
    ]),
  );
  const signature = await sdk.getSparkFrost().aggregateFrost({
    message,
    statechainSignatures: operatorShares,
    statechainPublicKeys: Object.fromEntries(signers.map((s) => [s.identifier, s.publicShare])),
    verifyingKey,
    statechainCommitments: operatorCommitments,
    selfCommitment: userCommit,
    selfPublicKey: deposit,
    selfSignature: userShare,
  });
  const outputKey = taprootOutputKey(verifyingKey);
  const valid = schnorr.verify(signature, message, outputKey);
  log(`aggregated by the SDK's aggregateFrost: ${bytesToHex(signature)}`);
  log(`BIP340 verification against the taproot output key ${bytesToHex(outputKey)}: ${valid ? 'valid' : 'INVALID'}`);
  if (!valid) throw new Error('the aggregated signature does not verify');
}

/** Operators' identifiers are 64-hex strings in the crypto core, 32 bytes on the device's wire. */
function pointToScalarId(identifier: string): Uint8Array {
  return Uint8Array.from(Buffer.from(identifier, 'hex'));
}

try {
  const sdk = await networkPart();
  await devicePart(sdk);
  step('Demo complete');
} catch (err) {
  console.error(`\ndemo failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
} finally {
  await shutdown();
}
