import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from '@noble/hashes/utils';
import { generateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetwork, type RunningNetwork } from '../../emulator/network/network.js';
import { TrezorConnectStandIn } from '../../src/trezor/testing/connect-stand-in.js';
import { readTaprootAccount, signDepositFunding, taprootAddressOf } from '../../src/trezor/l1-funding.js';
import { readSealedSeedFile, writeSealedSeedFile } from '../../src/trezor/sealed-seed-file.js';
import { TrezorSealedSeedSigner } from '../../src/trezor/sealed-seed-signer.js';
import { sealSeed } from '../../src/trezor/seed-sealer.js';
import { loadSdk, waitFor } from '../network/sdk.js';
import { optimizerSettled } from '../signer/optimizer-settled.js';

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

const L1_FUNDING_SATS = 250_000n;
const DEPOSIT_SATS = 100_000n;
/** Starting btcd and two operators (PGlite's first initdb and the DKG) on a loaded 2-core machine. */
const START_TIMEOUT_MS = 300_000;
const FLOW_TIMEOUT_MS = 180_000;

/**
 * The Trezor tier end to end, with a STAND-IN for @trezor/connect (no Trezor emulator exists for
 * CI): the seed is sealed by the stand-in, the unmodified SDK wallet runs on the unsealed signer
 * against our operator network, and the deposit is funded from the stand-in's BIP86 account with
 * a transaction that btcd validates and mines.
 */
describe('Trezor tier on the operator network (connect stand-in, btcd regtest)', { timeout: FLOW_TIMEOUT_MS }, () => {
  let network: RunningNetwork;
  let sdk: SdkModule;
  const dir = mkdtempSync(join(tmpdir(), 'trezor-e2e-'));
  const trezor = new TrezorConnectStandIn({ mnemonic: generateMnemonic(wordlist) });
  const wallets: SparkWallet[] = [];
  const signers: TrezorSealedSeedSigner[] = [];

  beforeAll(async () => {
    network = await startNetwork({ operators: 2, threshold: 2, readyTimeoutMs: 240_000 });
    sdk = await loadSdk(network.env);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    for (const w of wallets) await w.cleanupConnections().catch(() => undefined);
    for (const s of signers) s.lock();
    await network?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function openSealedWallet(sealedFile: string): Promise<{ wallet: SparkWallet; signer: TrezorSealedSeedSigner }> {
    const signer = new TrezorSealedSeedSigner({ connect: trezor, blob: readSealedSeedFile(sealedFile) });
    signers.push(signer);
    await signer.unlock();
    const { wallet } = await sdk.SparkWallet.initialize({ signer, options: { ...network.walletOptions, signerWithPreExistingKeys: true } });
    wallets.push(wallet);
    return { wallet, signer };
  }

  it('funds a deposit from the Trezor taproot account, mined by btcd, and claims it into the sealed wallet', async () => {
    const sealedFile = join(dir, 'spark-seed.sealed.json');
    writeSealedSeedFile(sealedFile, await sealSeed(trezor, randomBytes(32)));
    expect(statSync(sealedFile).mode & 0o777).toBe(0o600);

    const { wallet, signer } = await openSealedWallet(sealedFile);
    expect(await wallet.getIdentityPublicKey()).toBe(Buffer.from(await signer.getIdentityPublicKey()).toString('hex'));
    const depositAddress = await wallet.getSingleUseDepositAddress();
    expect(depositAddress).toMatch(/^bcrt1p/);

    // The chain's funding wallet pays the Trezor's first BIP86 receive address.
    const account = await readTaprootAccount(trezor);
    const receive = taprootAddressOf(account, 0, 0).address;
    const l1 = await network.chain.fund(receive, L1_FUNDING_SATS);

    const signed = await signDepositFunding({
      connect: trezor,
      depositAddress,
      amount: DEPOSIT_SATS,
      utxos: [{ txid: l1.txid, vout: l1.vout, amount: L1_FUNDING_SATS, change: 0, index: 0 }],
      changeIndex: 0,
    });
    expect(trezor.prompts.at(-1)?.text).toBe(`${depositAddress} ${DEPOSIT_SATS} sat`);
    // btcd checks the Trezor's signature (consensus taproot rules) when it accepts and mines it.
    expect(await network.chain.sendRawTransaction(signed.hex)).toBe(signed.txid);
    await network.chain.mine(1);
    const mined = await network.chain.getRawTransaction(signed.txid);
    expect(mined.confirmations ?? 0).toBeGreaterThanOrEqual(1);
    expect(mined.vout[0]?.scriptPubKey.address ?? mined.vout[0]?.scriptPubKey.addresses?.[0]).toBe(depositAddress);
    expect(mined.vin[0]?.txid).toBe(l1.txid);

    const claimed = await wallet.claimDeposit(signed.txid);
    expect(claimed).toHaveLength(1);
    expect(BigInt(claimed[0]?.value ?? 0)).toBe(DEPOSIT_SATS);
    const balance = await waitFor(() => wallet.getBalance(), (b) => b.satsBalance.available === DEPOSIT_SATS, 30_000, 'the deposit balance');
    expect(balance.satsBalance.available).toBe(DEPOSIT_SATS);
    // The SDK's default options optimize leaves after a sync or a claimed transfer, not after a
    // deposit claim: nothing runs in the background that locking would stop half way.
    expect(await wallet.isOptimizationInProgress()).toBe(false);

    // Locked: the keys are gone from this computer, and the wallet cannot sign.
    signer.lock();
    await expect(signer.getIdentityPublicKey()).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(wallet.getSingleUseDepositAddress()).rejects.toThrow(/locked/);

    // Unsealed again from the file (one more confirmation on the Trezor), the wallet has its
    // balance; its first sync starts the SDK's leaf optimization, which swaps the 100,000-sat
    // leaf with the service provider for power-of-two leaves (signed on this computer, nothing on
    // the Trezor).
    const { wallet: again } = await openSealedWallet(sealedFile);
    const leaves = await optimizerSettled(again, DEPOSIT_SATS, FLOW_TIMEOUT_MS / 2, 'the leaves after unsealing again');
    expect(leaves.length).toBeGreaterThan(1);
    expect(leaves.map((l) => l.id)).not.toContain(claimed[0]?.id);
  });
});
