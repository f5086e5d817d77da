import { existsSync, readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import type { TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import { internals } from '../../emulator/ssp/sdk-internals.js';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { p2wpkh } from '@scure/btc-signer';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { describe, expect, it } from 'vitest';
import { REGTEST, addressToScript } from '../../emulator/chain/regtest.js';
import type { RunningNetwork } from '../../emulator/network/network.js';
import type { BookEntry } from '../../emulator/ssp/books.js';
// Not from static-deposits.ts: that loads the SDK (and grpc-js) before the network's CA is trusted.
import { STATIC_SPEND_FEE_SATS } from '../../emulator/ssp/fees.js';
import { networkSuite, waitFor } from './sdk.js';

const FEE = Number(STATIC_SPEND_FEE_SATS);
/** The fee rate the tests refund at. */
const SATS_PER_VBYTE = 2;
/** The SDK's refund fee: sats per vbyte times its size estimate of a 1-in 1-out transaction (10 + 150 + 34 vbytes, utils/bitcoin.ts). */
const refundFee = (satsPerVbyte: number): number => satsPerVbyte * 194;

function books(network: RunningNetwork): BookEntry[] {
  const path = join(network.dataDir, 'ssp', 'books.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BookEntry);
}

/** A fresh regtest P2WPKH address nobody else pays. */
function freshAddress(): string {
  return p2wpkh(secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true), REGTEST).address as string;
}

describe('static deposit refunds to an L1 address (SDK refundStaticDeposit), with the unmodified SDK wallet', { timeout: 400_000 }, () => {
  const suite = networkSuite({ operators: 3, threshold: 2 });
  const options = (): RunningNetwork['walletOptions'] => suite.network.walletOptions;
  const unspent = (txid: string, vout: number): Promise<unknown> => suite.network.chain.rpc.call('gettxout', [txid, vout, true]);
  const staticClaimsOf = (utxo: string): BookEntry[] => books(suite.network).filter((e) => e.kind === 'static_claim' && e.utxo === utxo);

  /** A wallet with a confirmed deposit of `sats` to its static address. */
  async function deposited(sats: number): Promise<{ wallet: SparkWallet; txid: string; vout: number }> {
    const { wallet } = await suite.open(options());
    const funded = await suite.network.chain.fund(await wallet.getStaticDepositAddress(), sats, { confirmations: 3 });
    return { wallet, txid: funded.txid, vout: funded.vout };
  }

  /** What the refund pays `address`, once mined: its value in sats. */
  async function paidTo(refundHex: string, address: string): Promise<number> {
    const txid = await suite.network.chain.rpc.call<string>('sendrawtransaction', [refundHex]);
    await suite.network.chain.mine(1);
    const tx = await suite.network.chain.rpc.getRawTransaction(txid);
    expect(tx.confirmations).toBeGreaterThanOrEqual(1);
    const out = tx.vout.find((o) => o.scriptPubKey.hex === Buffer.from(addressToScript(address)).toString('hex'));
    return Math.round((out?.value ?? 0) * 1e8);
  }

  it('refunds a static deposit to a btcd address: signed with the user\'s FROST share, mined, the coins arrive; the SSP cannot claim it afterwards', async () => {
    const { wallet: alice, txid, vout } = await deposited(30_000);
    const address = freshAddress();
    // A quote taken before the refund, to try a claim with afterwards.
    const early = await alice.getClaimStaticDepositQuote(txid);
    const hex = await alice.refundStaticDeposit({ depositTransactionId: txid, destinationAddress: address, satsPerVbyteFee: SATS_PER_VBYTE });
    // Signed, not broadcast: a claim through the SSP is refused before it makes any leaf for it
    // (the operators hold the output for the refund), and no new quote is given.
    await expect(alice.getClaimStaticDepositQuote(txid)).rejects.toThrow(/was refunded to its owner; it cannot be claimed/);
    const mintsBefore = books(suite.network).filter((e) => e.kind === 'mint').length;
    await expect(alice.claimStaticDeposit({ transactionId: txid, outputIndex: vout, creditAmountSats: early.creditAmountSats, sspSignature: early.signature }))
      .rejects.toThrow(/was refunded to its owner; it cannot be claimed/);
    expect(books(suite.network).filter((e) => e.kind === 'mint')).toHaveLength(mintsBefore);
    expect(await unspent(txid, vout)).not.toBeNull();
    expect((await alice.getBalance()).satsBalance.available).toBe(0n);

    expect(await paidTo(hex, address)).toBe(30_000 - refundFee(SATS_PER_VBYTE));
    expect(await unspent(txid, vout)).toBeNull();
    expect(staticClaimsOf(`${txid}:${vout}`)).toHaveLength(0);
    expect((await alice.getBalance()).satsBalance.available).toBe(0n);
  });

  it('the owner may sign a second refund of the same output (another fee); only one can be mined', async () => {
    const { wallet: bob, txid } = await deposited(25_000);
    const address = freshAddress();
    const first = await bob.refundStaticDeposit({ depositTransactionId: txid, destinationAddress: address, satsPerVbyteFee: SATS_PER_VBYTE });
    const second = await bob.refundStaticDeposit({ depositTransactionId: txid, destinationAddress: address, satsPerVbyteFee: 3 * SATS_PER_VBYTE });
    expect(second).not.toBe(first);
    expect(await paidTo(second, address)).toBe(25_000 - refundFee(3 * SATS_PER_VBYTE));
    await expect(suite.network.chain.rpc.call('sendrawtransaction', [first])).rejects.toThrow();
    // Spent: a further refund is refused.
    await expect(bob.refundStaticDeposit({ depositTransactionId: txid, destinationAddress: address, satsPerVbyteFee: SATS_PER_VBYTE }))
      .rejects.toThrow(/already spent/);
  });

  it('a refund after a claim is refused with a clear error and nothing changes', async () => {
    const { wallet: carol, txid, vout } = await deposited(40_000);
    const quote = await carol.getClaimStaticDepositQuote(txid);
    await carol.claimStaticDeposit({ transactionId: txid, creditAmountSats: quote.creditAmountSats, sspSignature: quote.signature });
    const credit = BigInt(40_000 - FEE);
    await waitFor(() => carol.getBalance(), (b) => b.satsBalance.available === credit, 60_000, "carol's credit");
    // The provider's spend may still wait in the mempool: the claim row refuses the refund anyway.
    await expect(carol.refundStaticDeposit({ depositTransactionId: txid, destinationAddress: freshAddress(), satsPerVbyteFee: SATS_PER_VBYTE }))
      .rejects.toThrow(/already claimed through the service provider|already spent/);
    await suite.network.chain.mine(1);
    await expect(carol.refundStaticDeposit({ depositTransactionId: txid, destinationAddress: freshAddress(), satsPerVbyteFee: SATS_PER_VBYTE }))
      .rejects.toThrow(/already claimed through the service provider|already spent/);
    expect((await carol.getBalance()).satsBalance.available).toBe(credit);
    expect(staticClaimsOf(`${txid}:${vout}`)).toHaveLength(1);
  });

  it('only the owner refunds: another wallet naming the output is refused and the output stays unspent', async () => {
    const { txid, vout } = await deposited(20_000);
    const { wallet: mallory } = await suite.open(options());
    await mallory.getStaticDepositAddress();
    await expect(mallory.refundStaticDeposit({ depositTransactionId: txid, outputIndex: vout, destinationAddress: freshAddress(), satsPerVbyteFee: SATS_PER_VBYTE }))
      .rejects.toThrow(/only its owner may refund it|signature/);
    expect(await unspent(txid, vout)).not.toBeNull();
  });

  it('the operators themselves refuse to claim a refunded output for a provider, even with the owner\'s signed claim, and nothing moves', async () => {
    const { network } = suite;
    // A provider of our own making that pays with its own leaf and calls the coordinator's
    // static_deposit_utxo_swap directly, past the SSP's own check (these modules load the SDK or
    // grpc-js: imported only now, once the network's CA is in place).
    const { CoordinatorClient } = await import('../../emulator/ssp/operator-client.js');
    const { transferTo } = await import('../../emulator/ssp/leaf-mint.js');
    const { spendOfDeposit } = await import('../../emulator/ssp/static-deposits.js');
    const { NETWORK_NAME, REQUEST_FIXED, statementBytes } = await import('../../emulator/operator/static-deposit/statement.js');
    const { Transaction } = await import('@scure/btc-signer');
    const { wallet: provider } = await suite.open({ ...options(), optimizationOptions: { auto: false } });
    const credit = 20_000 - FEE;
    const f = await network.chain.fund(await provider.getSingleUseDepositAddress(), credit);
    const [claimed] = await provider.claimDeposit(f.txid);
    await waitFor(() => provider.getBalance(), (b) => b.satsBalance.available === BigInt(credit), 60_000, "the provider's leaf");
    const spark = await internals(provider).connectionManager.createSparkClient(internals(provider).config.getCoordinatorAddress());
    const id = claimed?.id ?? '';
    const leaf = (await spark.query_nodes({ source: { $case: 'nodeIds', nodeIds: { nodeIds: [id] } }, includeParents: false, network: 2, statuses: [] })).nodes[id];
    const { wallet: erin, txid, vout } = await deposited(20_000);
    await erin.refundStaticDeposit({ depositTransactionId: txid, destinationAddress: freshAddress(), satsPerVbyteFee: SATS_PER_VBYTE });

    const signer = internals(provider).config.signer;
    const client = new CoordinatorClient(internals(provider).config.getCoordinatorAddress(), network.caPath, signer);
    try {
      const keys = await client.staticAddressKeys(await erin.getStaticDepositAddress(), { txid, vout });
      expect(keys.held_as).toBe('refund');
      const out = Transaction.fromRaw(Buffer.from(await network.chain.rpc.call<string>('getrawtransaction', [txid, 0]), 'hex'), { allowUnknownOutputs: true }).getOutput(vout);
      const quoteSig = new Uint8Array(32).fill(7);
      const statement = { network: NETWORK_NAME, txid, vout, requestType: REQUEST_FIXED, creditAmountSats: BigInt(credit), tail: quoteSig };
      const userSignature = await internals(erin).config.signer.signMessageWithIdentityKey(sha256(statementBytes(statement)));
      const secret = await (internals(erin).config.signer as unknown as { getStaticDepositSecretKey(i: number): Promise<Uint8Array> }).getStaticDepositSecretKey(0);
      const spend = await spendOfDeposit(provider, { txid, vout, amount: out.amount as bigint, script: out.script as Uint8Array, keys: { verifying: keys.verifying_public_key, user: keys.user_signing_public_key } }, secret, network.chain.info.miningAddress);
      const start = await transferTo(provider, await signer.getIdentityPublicKey(), await internals(erin).config.signer.getIdentityPublicKey(), [leaf as TreeNode]);
      await expect(client.staticDepositUtxoSwap({ txid: Buffer.from(txid, 'hex'), vout, credit_amount_sats: credit, ssp_signature: quoteSig, user_signature: userSignature, ...spend }, start))
        .rejects.toThrow(/was refunded to its owner; it cannot be claimed/);
    } finally {
      client.close();
    }
    expect((await provider.getBalance()).satsBalance.available).toBe(BigInt(credit));
    expect((await erin.getBalance()).satsBalance.available).toBe(0n);
    expect(await unspent(txid, vout)).not.toBeNull();
  });
});
