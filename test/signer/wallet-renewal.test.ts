import { beforeAll, describe, expect, it } from 'vitest';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import type { TreeNode } from '@buildonspark/spark-sdk/proto/spark';
import { Transaction } from '@scure/btc-signer';
import { bytesToHex } from '@noble/hashes/utils';
import { Ins } from '../../src/device/apdu.js';
import { sspSwaps, wouldSwap } from '../network/leaf-optimizer.js';
import { waitFor } from '../network/sdk.js';
import { tapWallet, type WireTap } from '../network/wallet-wire.js';
import { clearSigningSuite } from './clear-signing-device.js';
import { SETTLE_MS, START_TIMEOUT_MS, STEP_TIMEOUT_MS, chunkedPayloads, completed, identityStatements, keySplits } from './device-wallet-suite.js';
import { reachableData, secretsFound } from './secret-scan.js';
import { accountSecrets } from './seed-keys.js';

/**
 * A leaf renewal run by the Ledger wallet itself (docs/transfers.md, section "Renewal"): the
 * unmodified SDK wallet on LedgerSparkSigner (clear signing on, blind signing off, the app under
 * Speculos) and a software wallet (DefaultSparkSigner) pass one deposit leaf back and forth on
 * the 2-of-3 operator network. Every transfer lowers the leaf's refund timelock by the SDK's
 * TIME_LOCK_INTERVAL; the hop that brings it below the SDK's renewal threshold
 * (doesTxnNeedRenewed) lands on the Ledger wallet, whose claim renews the leaf: a deposit leaf's
 * node timelock is zero, so this is the zero-timelock variant (renewZeroTimelockNodeTxn: a new
 * node tx and its direct variant spending the old node tx, fresh refunds). The device signs its
 * four transactions with the transactions attached (FROST_SIGN_TX, found by the signer's
 * transaction catalog), no screen, no blind request. The network has no knob to start a leaf's
 * timelock lower: the deposit's refund starts at the SDK's initial timelock, and every hop is a
 * real transfer.
 *
 * Both wallets run on the network's wallet options as printed (leaf optimization on); the leaf is
 * a single leaf of a value the SDK's optimizer leaves alone (test/network/leaf-optimizer.ts), so
 * no swap runs under the test and the subject stays this one leaf id.
 */

/** A single leaf of at most 14 sats: the SDK's optimizer leaves a wallet holding it alone. */
const SATS = 8n;

const tx = (raw: Uint8Array): Transaction => Transaction.fromRaw(raw, { allowUnknownOutputs: true });
const timelock = (raw: Uint8Array): number => (tx(raw).getInput(0).sequence ?? 0) & 0xffff;
const spends = (raw: Uint8Array): string => bytesToHex(tx(raw).getInput(0).txid ?? new Uint8Array());
/** A transaction without its witness: the bytes the device is sent to sign (and the wallet's signing jobs carry). */
const unsigned = (raw: Uint8Array): string => bytesToHex(tx(raw).toBytes(true, false));

describe('the Ledger wallet renews a leaf passed back and forth with a software wallet', { timeout: STEP_TIMEOUT_MS }, () => {
  // blind signing stays off: a blind request would fail the wallet
  const suite = clearSigningSuite({ blindSigning: false });
  const { reviews, shownSince } = suite;
  let ledger: SparkWallet;
  let software: SparkWallet;
  let ledgerTap: WireTap;
  let sdkTimelocks: { interval: number; needsRenewal: (sequence: number) => boolean };
  let leafId = '';
  let depositNodeTx: Uint8Array = new Uint8Array();
  /** The deposit refund's timelock: the SDK's initial timelock, where a renewal starts the refunds again. */
  let startTimelock = 0;
  /** The hop whose receiver holds the leaf below the renewal threshold (counted from the timelocks). */
  let renewalHop = 0;
  let hops = 0;

  beforeAll(async () => {
    const { initializeClearSigned } = await import('../../src/signer/clear-signed-wallet.js');
    const sdk = suite.sdk as unknown as { TIME_LOCK_INTERVAL: number; doesTxnNeedRenewed: (sequence: number) => boolean };
    sdkTimelocks = { interval: sdk.TIME_LOCK_INTERVAL, needsRenewal: sdk.doesTxnNeedRenewed };
    ledger = await initializeClearSigned(suite.sdk.SparkWallet, suite.signer, 'LOCAL', suite.network.walletOptions);
    suite.wallets.push(ledger);
    const coordinator = suite.network.walletOptions.signingOperators?.[suite.network.walletOptions.coordinatorIdentifier ?? '']?.address ?? '';
    ledgerTap = tapWallet(ledger, coordinator);
    ({ wallet: software } = await suite.open(suite.network.walletOptions));
  }, START_TIMEOUT_MS);

  const available = async (w: SparkWallet): Promise<bigint> => (await w.getBalance()).satsBalance.available;

  async function leafOf(w: SparkWallet): Promise<TreeNode> {
    const l = (await w.getLeaves()).find((x) => x.id === leafId);
    if (l === undefined) throw new Error(`the wallet does not hold leaf ${leafId}`);
    return l;
  }

  /** The leaf and its parent as the operators serve them to the owner (query_nodes with include_parents). */
  async function operatorsView(): Promise<{ leaf: TreeNode; parent: TreeNode | undefined }> {
    const client = await ledgerTap.coordinatorClient();
    const q = (await client.query_nodes!({ source: { $case: 'nodeIds', nodeIds: { nodeIds: [leafId] } }, includeParents: true, network: 0, statuses: [] })) as { nodes: Record<string, TreeNode> };
    const leaf = q.nodes[leafId] as TreeNode;
    return { leaf, parent: q.nodes[leaf.parentNodeId ?? ''] };
  }

  /** One hop: the holder sends the leaf, the other wallet claims it from its event stream; exact balances on both sides. */
  async function hop(): Promise<void> {
    const [from, to] = hops % 2 === 0 ? [software, ledger] : [ledger, software];
    const t = await from.transfer({ receiverSparkAddress: await to.getSparkAddress(), amountSats: Number(SATS) });
    expect(t.leaves.map((l) => l.leaf?.id)).toEqual([leafId]);
    hops++;
    await waitFor(() => available(to), (b) => b === SATS, SETTLE_MS, `the claim of hop ${hops}`);
    await waitFor(() => to.getLeaves(), (ls) => ls.some((l) => l.id === leafId), SETTLE_MS, `the leaf in the receiver's wallet after hop ${hops}`);
    expect(await available(from)).toBe(0n);
  }

  it('the software wallet deposits one leaf; the hop that renews it is counted from the timelocks and lands on the Ledger wallet', async () => {
    expect(await wouldSwap(ledger, [Number(SATS)])).toBe(false);
    expect(await wouldSwap(software, [Number(SATS)])).toBe(false);
    const funded = await suite.network.chain.fund(await software.getSingleUseDepositAddress(), SATS);
    leafId = (await software.claimDeposit(funded.txid))[0]?.id ?? '';
    await waitFor(() => available(software), (b) => b === SATS, 60_000, 'the deposit');
    const leaf = await leafOf(software);
    depositNodeTx = leaf.nodeTx;
    expect(timelock(leaf.nodeTx)).toBe(0); // a deposit leaf: the zero-timelock renewal applies
    // Each transfer lowers the refund timelock by one interval; the first hop whose receiver holds
    // it below the SDK's threshold is the one after which that receiver renews.
    startTimelock = timelock(leaf.refundTx);
    while (!sdkTimelocks.needsRenewal(startTimelock - renewalHop * sdkTimelocks.interval)) renewalHop++;
    expect(renewalHop).toBeGreaterThan(1);
    // Odd hops go software → Ledger: the renewing hop must be one of them.
    expect(renewalHop % 2).toBe(1);
  });

  it('the hops before the threshold: no renewal, one approval per Ledger transfer, nothing blind', async () => {
    const mark = suite.recorder.sent.length;
    const before = reviews().length;
    while (hops < renewalHop - 1) await hop();
    expect(timelock((await leafOf(software)).refundTx)).toBe(startTimelock - hops * sdkTimelocks.interval);
    expect(ledgerTap.requests.get('renew_leaf') ?? []).toHaveLength(0);
    const sent = suite.recorder.sent.slice(mark);
    const ledgerSends = Math.floor(hops / 2);
    expect(shownSince(before, 'Send')).toHaveLength(ledgerSends);
    expect(reviews().slice(before)).toHaveLength(ledgerSends);
    expect(keySplits(sent, 'transfer')).toBe(ledgerSends);
    expect(keySplits(sent, 'claim')).toBe(hops - ledgerSends);
    expect(completed(sent, Ins.FROST_SIGN)).toBe(0);
    expect(completed(sent, Ins.SIGN_IDENTITY)).toBe(0);
  });

  it('the renewing hop: the Ledger wallet claims the leaf and renews it, every renewal transaction clear-signed with no screen', async () => {
    const mark = suite.recorder.sent.length;
    const before = reviews().length;
    const old = await leafOf(software);
    expect(sdkTimelocks.needsRenewal(timelock(old.refundTx) - sdkTimelocks.interval)).toBe(true);
    await hop();
    const renewed = await waitFor(() => leafOf(ledger), (l) => !sdkTimelocks.needsRenewal(timelock(l.refundTx)), SETTLE_MS, 'the renewed leaf in the Ledger wallet');

    // The Ledger wallet sent the renewal itself: the zero-timelock variant, once.
    const calls = ledgerTap.requests.get('renew_leaf') ?? [];
    expect(calls).toHaveLength(1);
    const request = calls[0] as { leafId: string; signingJobs: { $case: string; renewNodeZeroTimelockSigningJob: Record<string, { rawTx: Uint8Array }> } };
    expect(request.leafId).toBe(leafId);
    expect(request.signingJobs.$case).toBe('renewNodeZeroTimelockSigningJob');
    const jobs = Object.values(request.signingJobs.renewNodeZeroTimelockSigningJob).filter((j) => j !== undefined);
    expect(jobs).toHaveLength(4); // node, direct node, refund, direct-from-CPFP refund

    // The operators serve the renewed leaf: a new zero-timelock node tx spending the old one (now
    // its parent), refunds back at the initial timelock.
    const { leaf, parent } = await operatorsView();
    expect(bytesToHex(leaf.nodeTx)).toBe(bytesToHex(renewed.nodeTx));
    expect(bytesToHex(leaf.nodeTx)).not.toBe(bytesToHex(depositNodeTx));
    expect(timelock(leaf.nodeTx)).toBe(0);
    expect(spends(leaf.nodeTx)).toBe(tx(depositNodeTx).id);
    expect(bytesToHex(parent?.nodeTx ?? new Uint8Array())).toBe(bytesToHex(depositNodeTx));
    expect(timelock(leaf.refundTx)).toBe(startTimelock);
    expect(spends(leaf.refundTx)).toBe(tx(leaf.nodeTx).id);

    // Each of the four transactions went to the device whole, in a FROST_SIGN_TX; nothing blind,
    // nothing to press (the claim costs no press either).
    const sent = suite.recorder.sent.slice(mark);
    const signedTxs = chunkedPayloads(sent, Ins.FROST_SIGN_TX).map((p) => bytesToHex(p));
    for (const job of jobs) expect(signedTxs.some((p) => p.includes(unsigned(job.rawTx)))).toBe(true);
    for (const raw of [leaf.nodeTx, leaf.directTx, leaf.refundTx, leaf.directFromCpfpRefundTx]) expect(signedTxs.some((p) => p.includes(unsigned(raw)))).toBe(true);
    expect(completed(sent, Ins.FROST_SIGN)).toBe(0);
    expect(completed(sent, Ins.SIGN_IDENTITY)).toBe(0);
    expect(identityStatements(sent, 'claim')).toBeGreaterThanOrEqual(1);
    expect(reviews().slice(before)).toEqual([]);
    expect(await available(ledger)).toBe(SATS);
    expect(await available(software)).toBe(0n);
  });

  it('the renewed leaf still spends: the Ledger wallet sends it once more (one approval), the software wallet claims it', async () => {
    const mark = suite.recorder.sent.length;
    const before = reviews().length;
    await hop();
    expect(shownSince(before, 'Send')).toHaveLength(1);
    expect(reviews().slice(before)).toHaveLength(1);
    const sent = suite.recorder.sent.slice(mark);
    expect(keySplits(sent, 'transfer')).toBe(1);
    expect(completed(sent, Ins.FROST_SIGN)).toBe(0);
    expect(completed(sent, Ins.SIGN_IDENTITY)).toBe(0);
    const received = await leafOf(software);
    expect(timelock(received.refundTx)).toBe(startTimelock - sdkTimelocks.interval);
    expect(await available(ledger)).toBe(0n);
    expect(await available(software)).toBe(SATS);
    expect(ledgerTap.requests.get('renew_leaf') ?? []).toHaveLength(1);
    // Leaf optimization on all along, nothing for it to do: no swap in the provider's books.
    expect(sspSwaps(suite.network.dataDir)).toEqual([]);
  });

  it('the host never held a private key: not in any APDU, reply, the signer or the wallet', () => {
    const secrets = accountSecrets({ leafIds: [leafId] });
    expect(secretsFound(secrets, { bytes: [...suite.recorder.sent, ...suite.recorder.received], strings: [] })).toEqual([]);
    expect(secretsFound(secrets, reachableData(suite.signer))).toEqual([]);
    expect(secretsFound(secrets, reachableData(ledger))).toEqual([]);
  });
});
