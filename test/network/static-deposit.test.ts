import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { describe, expect, it } from 'vitest';
import type { RunningNetwork } from '../../emulator/network/network.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import type { BookEntry } from '../../emulator/ssp/books.js';
import { internals } from '../../emulator/ssp/sdk-internals.js';
// Not from static-deposits.ts: that loads the SDK (and grpc-js) before the network's CA is trusted.
import { STATIC_SPEND_FEE_SATS } from '../../emulator/ssp/fees.js';
import { EXIT_FEES } from '../../emulator/ssp/exit-desk.js';
import { freshAddress } from '../exit/fresh-address.js';
import { settled, sspSwaps } from './leaf-optimizer.js';
import { networkSuite, waitFor } from './sdk.js';

type StaticClaim = Extract<BookEntry, { kind: 'static_claim' }>;

function staticClaims(network: RunningNetwork): StaticClaim[] {
  const path = join(network.dataDir, 'ssp', 'books.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BookEntry).filter((e): e is StaticClaim => e.kind === 'static_claim');
}

const FEE = Number(STATIC_SPEND_FEE_SATS);
/** the SDK's ExitSpeed.FAST (a string enum) */
const FAST = 'FAST' as Parameters<SparkWallet['withdraw']>[0]['exitSpeed'];

describe('static deposits through the local service provider, with the unmodified SDK wallet', { timeout: 400_000 }, () => {
  const suite = networkSuite({ operators: 3, threshold: 2 });
  // The wallet options as the network prints them: its endpoints and the SSP, the SDK's defaults
  // (leaf optimization on) for everything else.
  const options = (): RunningNetwork['walletOptions'] => suite.network.walletOptions;
  const unspent = (txid: string, vout: number): Promise<unknown> => suite.network.chain.rpc.call('gettxout', [txid, vout, true]);

  it('one reusable address per wallet, funded twice and claimed each time: balances exact, the SSP takes each output and its books balance', async () => {
    const { network } = suite;
    const { wallet: alice } = await suite.open(options());
    const address = await alice.getStaticDepositAddress();
    expect(await alice.getStaticDepositAddress()).toBe(address);
    expect(await alice.queryStaticDepositAddresses()).toEqual([address]);

    let expected = 0n;
    for (const sats of [50_000, 70_000]) {
      const funded = await network.chain.fund(address, sats, { confirmations: 3 });
      const quote = await alice.getClaimStaticDepositQuote(funded.txid);
      expect(quote.creditAmountSats).toBe(sats - FEE);
      const out = await alice.claimStaticDeposit({ transactionId: funded.txid, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature });
      expect(out?.transferId).toMatch(/^[0-9a-f-]{36}$/);
      expected += BigInt(sats - FEE);
      const b = await waitFor(() => alice.getBalance(), (x) => x.satsBalance.available === expected, 60_000, `alice's ${expected} sats`);
      expect(b.satsBalance.available).toBe(expected);
      // The SSP spent the deposit output to its own L1 wallet.
      await network.chain.mine(1);
      expect(await unspent(funded.txid, funded.vout)).toBeNull();
      const entry = staticClaims(network).find((e) => e.utxo === `${funded.txid}:${funded.vout}`);
      expect(entry?.paidSats).toBe(sats - FEE);
      expect(entry?.receivedSats).toBe(sats - FEE);
      expect(entry?.transfer).toBe(out?.transferId);
    }
    expect(await alice.getStaticDepositAddress()).toBe(address);
  });

  it('getTransfers and getTransfer list the static claim, the swaps and a cooperative exit with their provider requests; plain transfers with none', async () => {
    const { network } = suite;
    const { wallet: erin } = await suite.open(options());
    const erinKey = await erin.getIdentityPublicKey();
    const funded = await network.chain.fund(await erin.getStaticDepositAddress(), 50_000, { confirmations: 3 });
    const quote = await erin.getClaimStaticDepositQuote(funded.txid);
    const claimed = await erin.claimStaticDeposit({ transactionId: funded.txid, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature });
    await waitFor(() => erin.getBalance(), (x) => x.satsBalance.available === BigInt(50_000 - FEE), 60_000, "erin's credit");
    // One leaf of 49 500 sats: the SDK's default optimization swaps it; the withdrawal of an
    // amount the new leaves do not hold swaps again.
    await settled(erin, network.dataDir, 120_000, 'after the claim');
    const exitTo = freshAddress();
    const feeQuote = await erin.getWithdrawalFeeQuote({ amountSats: 20_000, withdrawalAddress: exitTo });
    const exit = await erin.withdraw({ onchainAddress: exitTo, exitSpeed: FAST, feeQuote: feeQuote as never, amountSats: 20_000, deductFeeFromWithdrawalAmount: true });
    expect(exit?.status).toBe('TX_BROADCASTED');
    // A wallet that only ever received a plain transfer (no optimization, so no swap of its own).
    const { wallet: frank } = await suite.open({ ...options(), optimizationOptions: { auto: false } });
    await erin.transfer({ receiverSparkAddress: await frank.getSparkAddress(), amountSats: 1_000 });
    // Any swap for the withdrawal or the transfer happened within those calls; a send starts no
    // background optimization, so only one already running is waited for.
    await waitFor(() => erin.isOptimizationInProgress(), (busy) => !busy, 60_000, "erin's optimization");

    const { transfers } = await erin.getTransfers(100);
    const request = (t: (typeof transfers)[number] | undefined): Record<string, unknown> => (t?.userRequest ?? {}) as unknown as Record<string, unknown>;
    const amount = (v: unknown): unknown => (v as { originalValue?: number } | undefined)?.originalValue;
    // The static claim: the UTXO swap that paid the credit.
    const claim = transfers.find((t) => t.id === claimed?.transferId);
    expect(claim?.type).toBe('UTXO_SWAP');
    expect(request(claim)).toMatchObject({ typename: 'ClaimStaticDeposit', transactionId: funded.txid, outputIndex: funded.vout, transferSparkId: claimed?.transferId });
    expect(amount(request(claim).creditAmount)).toBe(50_000 - FEE);
    // Every swap of erin's in the provider's books: both legs, each with the one swap request, amounts
    // as booked. Read with getTransfer: the legs are not among the types getTransfers asks for.
    const swaps = sspSwaps(network.dataDir).filter((e) => e.user === erinKey);
    expect(swaps.length).toBeGreaterThanOrEqual(2);
    for (const s of swaps) {
      const legs = await Promise.all([s.primary, s.counter].map((id) => erin.getTransfer(id)));
      expect(legs.map((t) => t?.type)).toEqual(['PRIMARY_SWAP_V3', 'COUNTER_SWAP_V3']);
      expect(legs.map((t) => t?.totalValue)).toEqual([s.receivedSats, s.paidSats]);
      for (const leg of legs) {
        expect(request(leg)).toMatchObject({ typename: 'LeavesSwapRequest', id: `SparkLeavesSwapRequest:${s.counter}`, status: 'SUCCEEDED' });
        expect([amount(request(leg).totalAmount), amount(request(leg).targetAmount), amount(request(leg).fee)]).toEqual([s.receivedSats, s.targetSats, 0]);
      }
    }
    // The cooperative exit.
    const exitTransfer = transfers.find((t) => t.id === exit?.transfer?.sparkId);
    expect(exitTransfer?.type).toBe('COOPERATIVE_EXIT');
    expect(request(exitTransfer)).toMatchObject({ typename: 'CoopExitRequest', id: exit?.id, coopExitTxid: exit?.coopExitTxid, exitSpeed: 'FAST' });
    expect([amount(request(exitTransfer).fee), amount(request(exitTransfer).l1BroadcastFee)]).toEqual([EXIT_FEES.FAST.user, EXIT_FEES.FAST.l1]);
    // The plain transfer: no provider request, and none asked for.
    const plain = transfers.filter((t) => t.type === 'TRANSFER');
    expect(plain.map((t) => [t.totalValue, t.userRequest])).toEqual([[1_000, undefined]]);
    // Nothing else the wallet has goes without its request.
    expect(transfers.filter((t) => t.type !== 'TRANSFER' && t.userRequest === undefined).map((t) => t.type)).toEqual([]);

    // getTransfer(id) reads the same (as data: the SDK binds fresh methods to each Transfer object),
    // and the provider answers the exit request by id.
    const data = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
    for (const t of [claim, exitTransfer]) {
      expect(data(request(await erin.getTransfer(t?.id ?? '')))).toEqual(data(request(t)));
    }
    expect((await erin.getCoopExitRequest(exit?.id ?? ''))?.coopExitTxid).toBe(exit?.coopExitTxid);

    const received = await waitFor(async () => (await frank.getTransfers()).transfers, (ts) => ts.length === 1, 30_000, "frank's transfer");
    expect(received.map((t) => [t.type, t.transferDirection, t.totalValue, t.userRequest])).toEqual([['TRANSFER', 'INCOMING', 1_000, undefined]]);
  });

  it('an output claimed twice is refused the second time and nothing moves; a claim by another wallet is refused', async () => {
    const { network } = suite;
    const { wallet: carol } = await suite.open(options());
    const { wallet: mallory } = await suite.open(options());
    const funded = await network.chain.fund(await carol.getStaticDepositAddress(), 40_000, { confirmations: 3 });
    const quote = await carol.getClaimStaticDepositQuote(funded.txid);

    // Another wallet: the SSP will not quote nor claim an output paying someone else's address,
    // and the operators refuse a claim the owner did not sign (checked directly below).
    await expect(mallory.getClaimStaticDepositQuote(funded.txid, funded.vout)).rejects.toThrow(/another wallet/);
    await expect(mallory.claimStaticDeposit({ transactionId: funded.txid, outputIndex: funded.vout, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature }))
      .rejects.toThrow(/not your identity key's signature|another wallet/);
    expect((await mallory.getBalance()).satsBalance.available).toBe(0n);

    await carol.claimStaticDeposit({ transactionId: funded.txid, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature });
    const credit = BigInt(40_000 - FEE);
    await waitFor(() => carol.getBalance(), (x) => x.satsBalance.available === credit, 60_000, "carol's credit");
    const claimsBefore = staticClaims(network).length;
    // The same output again, with the same quote: refused (the output is spent, or claimed already).
    await expect(carol.claimStaticDeposit({ transactionId: funded.txid, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature }))
      .rejects.toThrow(/already spent|already claimed/);
    expect(staticClaims(network)).toHaveLength(claimsBefore);
    expect((await carol.getBalance()).satsBalance.available).toBe(credit);
  });

  it('the operators themselves claim each output once, and only for its owner, as the owner signed it', async () => {
    const { network } = suite;
    // A provider of our own making: a wallet that pays with its own leaves and calls the
    // coordinator's static_deposit_utxo_swap directly (these modules load the SDK or grpc-js:
    // imported only now, once the network's CA is in place).
    const { CoordinatorClient } = await import('../../emulator/ssp/operator-client.js');
    const { transferTo } = await import('../../emulator/ssp/leaf-mint.js');
    const { spendOfDeposit } = await import('../../emulator/ssp/static-deposits.js');
    const { NETWORK_NAME, REQUEST_FIXED, statementBytes } = await import('../../emulator/operator/static-deposit/statement.js');
    const { wallet: erin } = await suite.open(options());
    const { wallet: frank } = await suite.open(options());
    const { wallet: provider } = await suite.open(options());
    const credit = 20_000 - FEE;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const f = await network.chain.fund(await provider.getSingleUseDepositAddress(), credit);
      ids.push(...(await provider.claimDeposit(f.txid)).map((l) => l.id));
    }
    await waitFor(() => provider.getBalance(), (b) => b.satsBalance.available === BigInt(3 * credit), 60_000, "the provider's leaves");
    const spark = await internals(provider).connectionManager.createSparkClient(internals(provider).config.getCoordinatorAddress());
    const nodes = (await spark.query_nodes({ source: { $case: 'nodeIds', nodeIds: { nodeIds: ids } }, includeParents: false, network: 2, statuses: [] })).nodes;
    const leaves = ids.map((id) => nodes[id] as TreeNode);
    const signer = internals(provider).config.signer;
    const coordinator = suite.network.walletOptions.signingOperators?.[suite.network.walletOptions.coordinatorIdentifier as string];
    const client = new CoordinatorClient(coordinator?.address ?? '', join(network.dataDir, 'tls', 'ca.pem'), signer);
    const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    const providerKey = await signer.getIdentityPublicKey();
    const payTo = network.chain.info.miningAddress;
    const quoteSig = new Uint8Array(32).fill(7);

    const claim = async (owner: typeof erin, signedBy: typeof erin, receiver: typeof erin, txid: string, vout: number, leafIndex: number): Promise<{ signedSpendTx: Uint8Array }> => {
      const address = (await owner.queryStaticDepositAddresses())[0] as string;
      const keys = await client.staticAddressKeys(address);
      const raw = Buffer.from(await network.chain.rpc.call<string>('getrawtransaction', [txid, 0]), 'hex');
      const { Transaction } = await import('@scure/btc-signer');
      const out = Transaction.fromRaw(raw, { allowUnknownOutputs: true }).getOutput(vout);
      const statement = { network: NETWORK_NAME, txid, vout, requestType: REQUEST_FIXED, creditAmountSats: BigInt(credit), tail: quoteSig };
      const userSignature = await internals(signedBy).config.signer.signMessageWithIdentityKey(sha256(statementBytes(statement)));
      const secret = await (internals(owner).config.signer as unknown as { getStaticDepositSecretKey(i: number): Promise<Uint8Array> }).getStaticDepositSecretKey(0);
      const spend = await spendOfDeposit(provider, { txid, vout, amount: out.amount as bigint, script: out.script as Uint8Array, keys: { verifying: keys.verifying_public_key, user: keys.user_signing_public_key } }, secret, payTo);
      const start = await transferTo(provider, providerKey, await internals(receiver).config.signer.getIdentityPublicKey(), [leaves[leafIndex] as TreeNode]);
      return client.staticDepositUtxoSwap({ txid: Buffer.from(txid, 'hex'), vout, credit_amount_sats: credit, ssp_signature: quoteSig, user_signature: userSignature, ...spend }, start);
    };

    try {
      const erinOut = await network.chain.fund(await erin.getStaticDepositAddress(), 20_000, { confirmations: 3 });
      const frankOut = await network.chain.fund(await frank.getStaticDepositAddress(), 20_000, { confirmations: 3 });
      // Frank's output, claimed with a statement Erin signed, or paid to Erin: refused, nothing moves.
      await expect(claim(frank, erin, frank, frankOut.txid, frankOut.vout, 0)).rejects.toThrow(/not the deposit address owner's signature/);
      await expect(claim(frank, frank, erin, frankOut.txid, frankOut.vout, 0)).rejects.toThrow(/does not pay the static deposit address's owner/);
      expect((await provider.getBalance()).satsBalance.available).toBe(BigInt(3 * credit));
      // Erin's output, claimed as she signed it: she is paid, the spend comes back signed.
      const first = await claim(erin, erin, erin, erinOut.txid, erinOut.vout, 0);
      await waitFor(() => erin.getBalance(), (b) => b.satsBalance.available === BigInt(credit), 60_000, "erin's credit");
      // The same output again (the spend not broadcast yet, so only the operators' claim row stands in the way).
      await expect(claim(erin, erin, erin, erinOut.txid, erinOut.vout, 1)).rejects.toThrow(/already claimed/);
      expect((await provider.getBalance()).satsBalance.available).toBe(BigInt(2 * credit));
      expect((await erin.getBalance()).satsBalance.available).toBe(BigInt(credit));
      // The operators' signature is a valid spend: btcd takes it.
      const spent = await network.chain.rpc.call<string>('sendrawtransaction', [hexOf(first.signedSpendTx)]);
      await network.chain.mine(1);
      expect(spent).toMatch(/^[0-9a-f]{64}$/);
      expect(await unspent(erinOut.txid, erinOut.vout)).toBeNull();
    } finally {
      client.close();
    }
  });

  it('the SSP down: a static claim fails with a clear error, the output stays unspent and claimable once the SSP is back', async () => {
    const { network } = suite;
    const ssp = network.ssp;
    if (ssp === undefined) throw new Error('the network has no SSP');
    const { wallet: dan } = await suite.open(options());
    const funded = await network.chain.fund(await dan.getStaticDepositAddress(), 30_000, { confirmations: 3 });
    const quote = await dan.getClaimStaticDepositQuote(funded.txid);
    await ssp.stop();
    await expect(dan.claimStaticDeposit({ transactionId: funded.txid, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature }))
      .rejects.toThrow();
    expect(await unspent(funded.txid, funded.vout)).not.toBeNull();
    expect((await dan.getBalance()).satsBalance.available).toBe(0n);
    await ssp.start(120_000);
    await dan.claimStaticDeposit({ transactionId: funded.txid, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature });
    const b = await waitFor(() => dan.getBalance(), (x) => x.satsBalance.available === BigInt(30_000 - FEE), 60_000, "dan's credit");
    expect(b.satsBalance.available).toBe(BigInt(30_000 - FEE));
  });
});
