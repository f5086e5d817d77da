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
 * Leaf renewals on the Ledger wallet (docs/transfers.md, sections "Renewal" and "Hardware signer:
 * clear signing"): the unmodified SDK wallet on LedgerSparkSigner (clear signing on, blind signing
 * off, the app under Speculos) and a software wallet (DefaultSparkSigner) pass one deposit leaf
 * back and forth on the 2-of-3 operator network. Every transfer lowers the leaf's refund timelock
 * by the SDK's TIME_LOCK_INTERVAL; the transfer that brings it below the SDK's renewal threshold
 * (doesTxnNeedRenewed) lands on the Ledger wallet, whose claim renews the leaf by itself. A
 * deposit leaf's node timelock is zero, so that is the zero-timelock variant (4 transactions).
 * The node-timelock variant (7 transactions: split node, node, their direct variants, refunds)
 * the wallet reaches by itself only after many refund renewals, so the test runs it through the
 * SDK's own renewNodeTxn on the Ledger wallet; the same number of transfers later the Ledger
 * wallet's claim renews the leaf with the refund-timelock variant (5 transactions), which spends
 * the parent node's output: the signer reads the parent from the coordinator. Each time the device
 * signs every transaction with the transaction attached (FROST_SIGN_TX), no screen, no blind
 * request. The network has no knob to start a leaf's timelock lower: the deposit's refund starts
 * at the SDK's initial timelock, and every hop is a real transfer.
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
  /** The wallet that holds the leaf. */
  let holder: SparkWallet;

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

  /**
   * One transfer of the leaf from its holder to `to` (the other wallet unless told), which claims
   * it from its event stream: done when the receiver holds the leaf available with a refund other
   * than the one sent and above the renewal threshold (one interval lower, or renewed: the wallet
   * may hold the claimed leaf for a moment before its renewal is done).
   */
  async function hop(to: SparkWallet = holder === ledger ? software : ledger): Promise<void> {
    const from = holder;
    const sent = timelock((await leafOf(from)).refundTx);
    const t = await from.transfer({ receiverSparkAddress: await to.getSparkAddress(), amountSats: Number(SATS) });
    expect(t.leaves.map((l) => l.leaf?.id)).toEqual([leafId]);
    hops++;
    const refundOf = async (): Promise<number | undefined> => {
      const l = (await to.getLeaves()).find((x) => x.id === leafId);
      return l === undefined ? undefined : timelock(l.refundTx);
    };
    await waitFor(() => available(to), (b) => b === SATS, SETTLE_MS, `the receiver's balance after hop ${hops}`);
    await waitFor(refundOf, (r) => r !== undefined && r !== sent && !sdkTimelocks.needsRenewal(r), SETTLE_MS, `the leaf claimed (and renewed if due) after hop ${hops}`);
    holder = to;
    if (from !== to) expect(await available(from)).toBe(0n);
  }

  type RenewRequest = { leafId: string; signingJobs: { $case: string } & Record<string, Record<string, { rawTx: Uint8Array } | undefined>> };
  /** The Ledger wallet's renew_leaf requests: each one's variant and the unsigned transactions of its signing jobs. */
  const renewals = (): { leafId: string; variant: string; txs: Uint8Array[] }[] =>
    ((ledgerTap.requests.get('renew_leaf') ?? []) as RenewRequest[]).map((r) => ({
      leafId: r.leafId,
      variant: r.signingJobs.$case,
      txs: Object.values(r.signingJobs[r.signingJobs.$case] ?? {}).flatMap((j) => (j === undefined ? [] : [j.rawTx])),
    }));

  /**
   * The Ledger wallet's renew_leaf request that made `nodeTx` (the node tx the operators serve
   * now). A wallet whose claim and sync both see a leaf due may send the same renewal twice, the
   * second refused while the first runs; the transactions are the same.
   */
  function renewalThatMade(nodeTx: Uint8Array): { variant: string; txs: Uint8Array[] } {
    const made = renewals().find((r) => r.txs.some((t) => unsigned(t) === unsigned(nodeTx)));
    if (made === undefined) throw new Error(`no renew_leaf of the Ledger wallet carries node tx ${tx(nodeTx).id}`);
    expect(made.leafId).toBe(leafId);
    return made;
  }

  /**
   * Since APDU `mark` and review `before`: each of `txs` went to the device whole in a
   * FROST_SIGN_TX; no blind FROST share, no blind identity signature, nothing to press, and the
   * device is back on its home screen (no prompt left waiting).
   */
  async function expectClearSigned(mark: number, before: number, txs: Uint8Array[]): Promise<void> {
    const sent = suite.recorder.sent.slice(mark);
    const payloads = chunkedPayloads(sent, Ins.FROST_SIGN_TX).map((p) => bytesToHex(p));
    for (const raw of txs) expect(payloads.some((p) => p.includes(unsigned(raw))), `transaction ${unsigned(raw)} in a FROST_SIGN_TX`).toBe(true);
    expect(completed(sent, Ins.FROST_SIGN)).toBe(0);
    expect(completed(sent, Ins.SIGN_IDENTITY)).toBe(0);
    expect(reviews().slice(before)).toEqual([]);
    expect(await suite.device.screen.screenTexts()).toEqual(expect.arrayContaining(['Spark Signer', 'Ready']));
  }

  /** The Ledger wallet sends the leaf to the software wallet: one approval, one key split, nothing blind. */
  async function ledgerSends(): Promise<void> {
    expect(holder).toBe(ledger);
    const mark = suite.recorder.sent.length;
    const before = reviews().length;
    await hop();
    expect(shownSince(before, 'Send')).toHaveLength(1);
    expect(reviews().slice(before)).toHaveLength(1);
    const sent = suite.recorder.sent.slice(mark);
    expect(keySplits(sent, 'transfer')).toBe(1);
    expect(completed(sent, Ins.FROST_SIGN)).toBe(0);
    expect(completed(sent, Ins.SIGN_IDENTITY)).toBe(0);
  }

  it('the software wallet deposits one leaf; the hop that renews it is counted from the timelocks and lands on the Ledger wallet', async () => {
    expect(await wouldSwap(ledger, [Number(SATS)])).toBe(false);
    expect(await wouldSwap(software, [Number(SATS)])).toBe(false);
    const funded = await suite.network.chain.fund(await software.getSingleUseDepositAddress(), SATS);
    leafId = (await software.claimDeposit(funded.txid))[0]?.id ?? '';
    await waitFor(() => available(software), (b) => b === SATS, 60_000, 'the deposit');
    holder = software;
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

  it('the renewing hop: the Ledger wallet claims the leaf and renews it (zero-timelock variant), its four transactions clear-signed with no screen', async () => {
    const mark = suite.recorder.sent.length;
    const before = reviews().length;
    const old = await leafOf(software);
    expect(sdkTimelocks.needsRenewal(timelock(old.refundTx) - sdkTimelocks.interval)).toBe(true);
    await hop();
    expect(holder).toBe(ledger);
    const renewed = await leafOf(ledger);

    // The operators serve the renewed leaf: the old node tx is now its parent, refunds back at the initial timelock.
    const { leaf, parent } = await operatorsView();
    // The Ledger wallet sent the renewal itself: a new zero-timelock node tx and its direct
    // variant spending the old node tx, refunds from them.
    const r = renewalThatMade(leaf.nodeTx);
    expect(r.variant).toBe('renewNodeZeroTimelockSigningJob');
    expect(r.txs).toHaveLength(4);
    await expectClearSigned(mark, before, r.txs);
    expect(identityStatements(suite.recorder.sent.slice(mark), 'claim')).toBeGreaterThanOrEqual(1);
    expect(bytesToHex(leaf.nodeTx)).toBe(bytesToHex(renewed.nodeTx));
    expect(bytesToHex(leaf.nodeTx)).not.toBe(bytesToHex(depositNodeTx));
    expect(timelock(leaf.nodeTx)).toBe(0);
    expect(spends(leaf.nodeTx)).toBe(tx(depositNodeTx).id);
    expect(bytesToHex(parent?.nodeTx ?? new Uint8Array())).toBe(bytesToHex(depositNodeTx));
    expect(timelock(leaf.refundTx)).toBe(startTimelock);
    expect(spends(leaf.refundTx)).toBe(tx(leaf.nodeTx).id);
    // Every transaction the wallet holds for the leaf is one the device was sent whole.
    await expectClearSigned(mark, before, [leaf.nodeTx, leaf.directTx, leaf.refundTx, leaf.directFromCpfpRefundTx]);
    expect(await available(ledger)).toBe(SATS);
    expect(await available(software)).toBe(0n);
  });

  it('the renewed leaf still spends: the Ledger wallet sends it (one approval), the software wallet claims it', async () => {
    await ledgerSends();
    expect(timelock((await leafOf(software)).refundTx)).toBe(startTimelock - sdkTimelocks.interval);
    expect(renewals().map((r) => r.variant)).not.toContain('renewRefundTimelockSigningJob');
  });

  it('the node-timelock variant, run through the SDK\'s own renewNodeTxn on the Ledger wallet: split node, node, direct variants and refunds, seven transactions clear-signed, no screen', async () => {
    // The wallet reaches this variant by itself only once refund renewals have brought the node
    // timelock below the threshold (one interval per renewal); the test calls the SDK's code for it,
    // once the Ledger wallet holds the leaf at a refund timelock the operators renew at
    // (RENEW_THRESHOLD) and the wallet does not renew at yet.
    // (imported here: the operator's modules load the SDK, which must load after the network's environment is set)
    const { RENEW_THRESHOLD } = await import('../../emulator/operator/renew/renew-txs.js');
    while (!(holder === ledger && timelock((await leafOf(ledger)).refundTx) <= RENEW_THRESHOLD)) await hop();
    const { leaf, parent } = await operatorsView();
    expect(sdkTimelocks.needsRenewal(timelock(leaf.refundTx))).toBe(false);
    if (parent === undefined) throw new Error('the operators serve no parent for the leaf');
    const mark = suite.recorder.sent.length;
    const before = reviews().length;
    const service = (ledger as unknown as { transferService: { renewNodeTxn(n: TreeNode, p: TreeNode): Promise<TreeNode> } }).transferService;
    const renewed = await service.renewNodeTxn(leaf, parent);
    const r = renewalThatMade(renewed.nodeTx);
    expect(r.variant).toBe('renewNodeTimelockSigningJob');
    expect(r.txs).toHaveLength(7);
    await expectClearSigned(mark, before, r.txs);

    // A zero-timelock split node spends the parent's tx; the new node spends the split node, its
    // refunds start again at the initial timelock.
    const after = await operatorsView();
    expect(bytesToHex(after.leaf.nodeTx)).toBe(bytesToHex(renewed.nodeTx));
    const split = after.parent?.nodeTx ?? new Uint8Array();
    expect(timelock(split)).toBe(0);
    expect(spends(split)).toBe(tx(parent.nodeTx).id);
    expect(spends(after.leaf.nodeTx)).toBe(tx(split).id);
    expect(sdkTimelocks.needsRenewal(timelock(after.leaf.nodeTx))).toBe(false);
    expect(timelock(after.leaf.refundTx)).toBe(startTimelock);
    expect(after.leaf.directRefundTx.length).toBeGreaterThan(0);
    // The SDK's own sync puts the renewed leaf in the wallet's cache (the call above went around its leaf manager).
    await (ledger as unknown as { syncWallet(): Promise<void> }).syncWallet();
    expect(bytesToHex((await leafOf(ledger)).nodeTx)).toBe(bytesToHex(renewed.nodeTx));
    expect(await available(ledger)).toBe(SATS);
  });

  it('as many transfers later, the Ledger wallet\'s claim renews the leaf by itself with the refund-timelock variant, from the parent node the operators serve: five transactions clear-signed, no screen', async () => {
    const { leaf: start, parent } = await operatorsView();
    if (parent === undefined) throw new Error('the operators serve no parent for the leaf');
    const first = hops;
    // The Ledger wallet holds the leaf at the initial timelock and must receive it on the
    // renewing transfer, an odd number away: one software self-transfer evens the alternation.
    await ledgerSends();
    await hop(software);
    while (hops < first + renewalHop - 1) await hop();
    expect(holder).toBe(software);
    expect(renewals().map((r) => r.variant)).not.toContain('renewRefundTimelockSigningJob');
    const mark = suite.recorder.sent.length;
    const before = reviews().length;
    await hop();
    expect(holder).toBe(ledger);
    const renewed = await leafOf(ledger);
    expect(timelock(renewed.refundTx)).toBe(startTimelock);

    const r = renewalThatMade(renewed.nodeTx);
    expect(r.variant).toBe('renewRefundTimelockSigningJob');
    expect(r.txs).toHaveLength(5); // node, direct node, refund, direct refund, direct-from-CPFP refund
    await expectClearSigned(mark, before, r.txs);
    // The node re-made from the same parent (the split node) one interval lower; no new split node.
    const after = await operatorsView();
    expect(bytesToHex(after.leaf.nodeTx)).toBe(bytesToHex(renewed.nodeTx));
    expect(timelock(after.leaf.nodeTx)).toBe(timelock(start.nodeTx) - sdkTimelocks.interval);
    expect(spends(after.leaf.nodeTx)).toBe(tx(parent.nodeTx).id);
    expect(after.leaf.parentNodeId).toBe(parent.id);
    expect(await available(ledger)).toBe(SATS);
    expect(await available(software)).toBe(0n);
  });

  it('the leaf renewed twice still spends: sent once more and claimed; exact balances, no swap in the provider\'s books', async () => {
    await ledgerSends();
    const received = await leafOf(software);
    expect(timelock(received.refundTx)).toBe(startTimelock - sdkTimelocks.interval);
    expect(received.directRefundTx.length).toBeGreaterThan(0);
    expect(await available(ledger)).toBe(0n);
    expect(await available(software)).toBe(SATS);
    // The three variants, each sent by the Ledger wallet.
    expect(new Set(renewals().map((r) => r.variant))).toEqual(new Set(['renewNodeZeroTimelockSigningJob', 'renewNodeTimelockSigningJob', 'renewRefundTimelockSigningJob']));
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
