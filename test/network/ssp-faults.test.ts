import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { Transaction, p2wpkh } from '@scure/btc-signer';
import type { ConfigOptions, SparkWallet } from '@buildonspark/spark-sdk';
import { describe, expect, it } from 'vitest';
import { REGTEST, addressToScript } from '../../emulator/chain/regtest.js';
import type { RunningNetwork } from '../../emulator/network/network.js';
import { openLocalCa } from '../../emulator/network/ca.js';
import { startSsp, withSsp, type SspProcess } from '../../emulator/network/ssp-process.js';
import type { SspConfig } from '../../emulator/ssp/config.js';
import type { BookEntry } from '../../emulator/ssp/books.js';
import { EXIT_CLAIM_CONFIRMATIONS, EXIT_FEES } from '../../emulator/ssp/exit-desk.js';
import { networkSuite, transferStatus, waitFor } from './sdk.js';

const DEPOSIT_SATS = 100_000;
/** spark.TransferStatus */
const KEY_TWEAK_PENDING = 1;
const COMPLETED = 5;
/** the SDK's ExitSpeed.FAST (a string enum) */
const FAST = 'FAST' as Parameters<SparkWallet['withdraw']>[0]['exitSpeed'];
const PAYOUT = DEPOSIT_SATS - EXIT_FEES.FAST.l1 - EXIT_FEES.FAST.user;

type Exit = Extract<BookEntry, { kind: 'exit' }>;

function books(sspDir: string): BookEntry[] {
  const path = join(sspDir, 'books.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BookEntry);
}

/** A fresh regtest P2WPKH address nobody else pays. */
function freshAddress(): string {
  return p2wpkh(secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true), REGTEST).address as string;
}

/** The parts of spark.Transfer and its leaves the tests read. */
interface QueriedLeaf { id: string; value: number; ownerIdentityPublicKey: Uint8Array; nodeTx: Uint8Array; refundTx: Uint8Array }
interface QueriedTransfer { id: string; status: number; leaves: { leaf?: QueriedLeaf; intermediateRefundTx: Uint8Array }[] }
interface Internals {
  transferService: { queryTransfer(id: string): Promise<QueriedTransfer | undefined>; claimTransfer(t: QueriedTransfer): Promise<unknown> };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * Whether `refundTx` is a complete key-path spend of output 0 of `nodeTx` and of nothing else: one
 * input, a 64-byte BIP340 signature valid under that output's taproot key (its relative timelock
 * aside, which only the chain's height decides).
 */
function isSignedSpendOfNode(refundTx: Uint8Array, nodeTx: Uint8Array): boolean {
  const node = Transaction.fromRaw(nodeTx, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true });
  const refund = Transaction.fromRaw(refundTx, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true });
  const out = node.getOutput(0);
  const input = refund.getInput(0);
  if (refund.inputsLength !== 1 || input.txid === undefined || hex(input.txid) !== node.id || input.index !== 0) return false;
  if (out.script === undefined || out.amount === undefined || out.script.length !== 34 || out.script[0] !== 0x51) return false;
  const signature = input.finalScriptWitness?.[0];
  if (signature?.length !== 64) return false;
  const digest = refund.preimageWitnessV1(0, [out.script], 0, [out.amount]);
  return schnorr.verify(signature, digest, out.script.subarray(2));
}

describe('the service provider under faults and load: exit broadcasts retried, exits that never confirm, its desks at once', { timeout: 600_000 }, () => {
  const suite = networkSuite({ operators: 3, threshold: 2 });
  const rpc = (): RunningNetwork['chain']['rpc'] => suite.network.chain.rpc;
  const known = (txid: string): Promise<boolean> => rpc().getRawTransaction(txid).then(() => true, () => false);
  const paidTo = async (txid: string, address: string): Promise<number> => {
    const tx = await rpc().getRawTransaction(txid);
    const out = tx.vout.find((o) => o.scriptPubKey.hex === hex(addressToScript(address)));
    return Math.round((out?.value ?? 0) * 1e8);
  };

  async function funded(options: ConfigOptions, sats = DEPOSIT_SATS): Promise<SparkWallet> {
    const { wallet } = await suite.open(options);
    const deposit = await suite.network.chain.fund(await wallet.getSingleUseDepositAddress(), BigInt(sats));
    await wallet.claimDeposit(deposit.txid);
    await waitFor(() => wallet.getBalance(), (b) => b.satsBalance.available === BigInt(sats), 60_000, 'the deposit');
    return wallet;
  }

  /** A second service provider of this network, in `<dataDir>/<name>`, with the given faults. */
  async function provider(name: string, faults?: SspConfig['faults']): Promise<{ ssp: SspProcess; options: ConfigOptions; dir: string }> {
    const { network } = suite;
    const { sspClientOptions: _own, ...withoutSsp } = network.walletOptions;
    const ssp = await startSsp({
      dataDir: join(network.dataDir, name), port: 0, ca: openLocalCa(join(network.dataDir, 'tls')), chain: network.chain,
      walletOptions: withoutSsp, env: network.env, onSpawn: () => undefined, readyTimeoutMs: 120_000, ...(faults === undefined ? {} : { faults }),
    });
    return { ssp, options: withSsp(network.walletOptions, ssp.ready as NonNullable<SspProcess['ready']>), dir: join(network.dataDir, name, 'ssp') };
  }

  /** Quotes and withdraws the whole deposit to a fresh address. */
  async function withdrawAll(wallet: SparkWallet): Promise<{ address: string; transferId: string; exitTxid: string; status: string | undefined }> {
    const address = freshAddress();
    const quote = await wallet.getWithdrawalFeeQuote({ amountSats: DEPOSIT_SATS, withdrawalAddress: address });
    const res = await wallet.withdraw({ onchainAddress: address, exitSpeed: FAST, feeQuote: quote as never, amountSats: DEPOSIT_SATS, deductFeeFromWithdrawalAmount: true });
    return { address, transferId: res?.transfer?.sparkId as string, exitTxid: res?.coopExitTxid as string, status: res?.status };
  }

  /** The SSP's books show the exit once, balanced: received = payout + L1 fee + its fee. */
  function expectExitBooked(dir: string, transferId: string, exitTxid: string): void {
    const exits = books(dir).filter((e): e is Exit => e.kind === 'exit' && e.transfer === transferId);
    expect(exits).toHaveLength(1);
    expect(exits[0]).toMatchObject({ exitTxid, receivedSats: DEPOSIT_SATS, paidSats: PAYOUT, l1FeeSats: EXIT_FEES.FAST.l1, userFeeSats: EXIT_FEES.FAST.user });
  }

  it('an exit whose broadcast fails after the leaves are locked: the SSP broadcasts it again, the exit completes', async () => {
    const { network } = suite;
    const { ssp, options, dir } = await provider('exit-retry', { exitBroadcastFailures: 1 });
    try {
      const alice = await funded(options);
      const { address, transferId, exitTxid, status } = await withdrawAll(alice);
      // The wallet is told the exit is signed and on its way, not an error: its leaves are locked.
      expect(status).toBe('TX_SIGNED');
      expect(await transferStatus(alice, transferId)).toBe(KEY_TWEAK_PENDING);
      // The desk's loop sends it again after its backoff.
      await waitFor(() => known(exitTxid), (k) => k, 60_000, 'the exit transaction relayed by the retry');
      await network.chain.mine(EXIT_CLAIM_CONFIRMATIONS);
      await waitFor(async () => books(dir), (b) => b.some((e) => e.kind === 'claim' && e.transfer === transferId), 120_000, 'the SSP claim');
      expect(await transferStatus(alice, transferId)).toBe(COMPLETED);
      expect(await paidTo(exitTxid, address)).toBe(PAYOUT);
      expectExitBooked(dir, transferId, exitTxid);
      expect((await alice.getBalance()).satsBalance.available).toBe(0n);
    } finally {
      await ssp.stop();
    }
  });

  it('an exit that never reaches the chain leaves the leaves the user\'s (old refunds valid, SSP claim refused); an SSP restart broadcasts it and the exit completes', async () => {
    const { network } = suite;
    const name = 'exit-restart';
    const first = await provider(name, { exitBroadcastFailures: 1_000_000 });
    let again: Awaited<ReturnType<typeof provider>> | undefined;
    try {
      const alice = await funded(first.options);
      const identity = await alice.getIdentityPublicKey();
      const exit = await withdrawAll(alice);
      expect(exit.status).toBe('TX_SIGNED');

      // Blocks go by and the exit transaction is nowhere: never confirmed.
      await network.chain.mine(EXIT_CLAIM_CONFIRMATIONS + 1);
      expect(await known(exit.exitTxid)).toBe(false);
      expect(await transferStatus(alice, exit.transferId)).toBe(KEY_TWEAK_PENDING);
      const sspSeed = readFileSync(join(first.dir, 'wallet.seed'), 'utf8').trim();
      const { wallet: sspView } = await suite.open({ ...first.options, optimizationOptions: { auto: false } }, sspSeed);
      const ts = (sspView as unknown as Internals).transferService;
      const t = await ts.queryTransfer(exit.transferId);
      expect(t?.status).toBe(KEY_TWEAK_PENDING);
      expect((t?.leaves ?? []).reduce((a, l) => a + (l.leaf?.value ?? 0), 0)).toBe(DEPOSIT_SATS);
      for (const l of t?.leaves ?? []) {
        const leaf = l.leaf as QueriedLeaf;
        // The user's still: its identity, and its old refund, fully signed and spending the leaf alone.
        expect(hex(leaf.ownerIdentityPublicKey)).toBe(identity);
        expect(isSignedSpendOfNode(leaf.refundTx, leaf.nodeTx)).toBe(true);
        // The SSP's refund needs the connector, which exists only once the exit is mined.
        expect(Transaction.fromRaw(l.intermediateRefundTx, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true }).inputsLength).toBe(2);
      }
      await expect(ts.claimTransfer(t as never)).rejects.toThrow(/is not confirmed on operator/);
      expect(books(first.dir).some((e) => e.kind === 'exit' && e.transfer === exit.transferId)).toBe(false);
      await sspView.cleanupConnections();
      await first.ssp.stop();

      // The same provider (its data directory, its kept request) back without the fault: it sends the exit.
      again = await provider(name);
      await waitFor(() => known(exit.exitTxid), (k) => k, 60_000, 'the exit transaction relayed after the restart');
      await network.chain.mine(EXIT_CLAIM_CONFIRMATIONS);
      const dir = again.dir;
      await waitFor(async () => books(dir), (b) => b.some((e) => e.kind === 'claim' && e.transfer === exit.transferId), 120_000, 'the SSP claim after the restart');
      expect(await transferStatus(alice, exit.transferId)).toBe(COMPLETED);
      expect(await paidTo(exit.exitTxid, exit.address)).toBe(PAYOUT);
      expectExitBooked(dir, exit.transferId, exit.exitTxid);
    } finally {
      await first.ssp.stop();
      await again?.ssp.stop();
    }
  });

  it('two wallets swapping and one exiting at once: all complete, balances exact, the SSP\'s books balance and match its wallet', async () => {
    const { network } = suite;
    const sspDir = join(network.dataDir, 'ssp');
    const options = network.walletOptions;
    // The SSP's wallet as the operators hold it, read by a short-lived instance on its seed (it
    // must not stay open: it would claim the SSP's incoming transfers itself).
    const sspSeed = readFileSync(join(sspDir, 'wallet.seed'), 'utf8').trim();
    const sspHeld = async (): Promise<bigint> => {
      const { wallet } = await suite.open({ ...options, optimizationOptions: { auto: false } }, sspSeed);
      try {
        return (await wallet.getBalance()).satsBalance.available;
      } finally {
        await wallet.cleanupConnections();
      }
    };
    const start = books(sspDir).length;
    const sspBefore = await sspHeld();

    const alice = await funded(options);
    const bob = await funded(options);
    const carol = await funded(options);
    const { wallet: dave } = await suite.open(options);
    const { wallet: erin } = await suite.open(options);
    const [, , exit] = await Promise.all([
      alice.transfer({ amountSats: 12_345, receiverSparkAddress: await dave.getSparkAddress() }),
      bob.transfer({ amountSats: 23_456, receiverSparkAddress: await erin.getSparkAddress() }),
      withdrawAll(carol),
    ]);
    expect(exit.status).toBe('TX_BROADCASTED');

    const balance = (w: SparkWallet, sats: number, who: string): Promise<unknown> =>
      waitFor(() => w.getBalance(), (b) => b.satsBalance.available === BigInt(sats), 120_000, `${who}'s ${sats} sats`);
    await Promise.all([balance(dave, 12_345, 'dave'), balance(erin, 23_456, 'erin'), balance(alice, DEPOSIT_SATS - 12_345, 'alice'), balance(bob, DEPOSIT_SATS - 23_456, 'bob'), balance(carol, 0, 'carol')]);
    await network.chain.mine(EXIT_CLAIM_CONFIRMATIONS);
    await waitFor(async () => books(sspDir), (b) => b.some((e) => e.kind === 'claim' && e.transfer === exit.transferId), 120_000, 'the SSP claim of the exit');
    expect(await paidTo(exit.exitTxid, exit.address)).toBe(PAYOUT);
    expect(await transferStatus(carol, exit.transferId)).toBe(COMPLETED);

    // Each movement balances: a swap pays what it receives, an exit receives payout + fees.
    const window = (): BookEntry[] => books(sspDir).slice(start);
    const swaps = window().filter((e): e is Extract<BookEntry, { kind: 'swap' }> => e.kind === 'swap');
    expect(swaps.length).toBeGreaterThanOrEqual(2);
    for (const s of swaps) expect(s.paidSats).toBe(s.receivedSats);
    const exits = window().filter((e): e is Exit => e.kind === 'exit');
    expect(exits).toHaveLength(1);
    expectExitBooked(sspDir, exit.transferId, exit.exitTxid);
    // And the books match the SSP's wallet on the operators: its balance moved by what it minted,
    // less what it paid out, plus what it received and claimed (the wallets' background swaps
    // included). The wallets closed first, so that no new swap starts; then every swap's primary claimed.
    for (const w of [alice, bob, carol, dave, erin]) await w.cleanupConnections();
    await waitFor(async () => window(), (w) => w.every((e) => e.kind !== 'swap' || w.some((c) => c.kind === 'claim' && c.transfer === e.primary)), 120_000, 'every swap primary claimed');
    const expected = (): bigint => {
      const w = window();
      const claimed = new Set(w.flatMap((e) => (e.kind === 'claim' ? [e.transfer] : [])));
      let delta = 0;
      for (const e of w) {
        if (e.kind === 'mint') delta += e.sats;
        if (e.kind === 'swap') delta += (claimed.has(e.primary) ? e.receivedSats : 0) - e.paidSats;
        if (e.kind === 'exit' && claimed.has(e.transfer)) delta += e.receivedSats;
      }
      return sspBefore + BigInt(delta);
    };
    // Read until they agree (a movement may still be between its two book lines); they must, within a minute.
    const settled = await waitFor(async () => ({ held: await sspHeld(), books: expected() }), (x) => x.held === x.books, 60_000, 'the SSP wallet to match its books');
    expect(settled.held).toBe(settled.books);
    // Every swap's primary claimed, and no more than the users paid in: paid out = received − fees.
    const paid = swaps.reduce((a, s) => a + s.paidSats, 0) + exits.reduce((a, e) => a + e.paidSats, 0);
    const received = swaps.reduce((a, s) => a + s.receivedSats, 0) + exits.reduce((a, e) => a + e.receivedSats, 0);
    const fees = exits.reduce((a, e) => a + e.l1FeeSats + e.userFeeSats, 0);
    expect(paid).toBe(received - fees);
  });
});
