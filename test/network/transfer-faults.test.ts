/**
 * Transfers when an operator is stopped (docs/transfers.md): a 2-of-3 network on PGlite,
 * unmodified SDK wallets. Every transfer ends COMPLETED, claimable, or RETURNED with the leaves
 * back with the sender, and every operator agrees on every leaf (a fresh wallet keeps only leaves
 * on which all operators agree: status, keys, transactions). A SIGKILL at each step of a transfer,
 * a claim and a renewal is in crash-points.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetwork } from '../../emulator/network/network.js';
import type { RunningNetwork } from '../../emulator/network/network.js';
import { faultHarness } from './fault-harness.js';
import { sspSwaps } from './leaf-optimizer.js';
import { loadSdk, randomSeed, waitFor } from './sdk.js';

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

const START_TIMEOUT_MS = 300_000;
const FLOW_TIMEOUT_MS = 300_000;
const FAILED_PRECONDITION = 9;

describe('transfers with an operator stopped (2-of-3, PGlite)', { timeout: FLOW_TIMEOUT_MS }, () => {
  let network: RunningNetwork;
  let sdk: SdkModule;
  const h = faultHarness(() => network, () => sdk);

  beforeAll(async () => {
    network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
    sdk = await loadSdk(network.env);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await h.close();
    await network?.stop();
  });

  it('one of three operators stopped: the transfer fails cleanly, and succeeds once it is back', async () => {
    const a = await h.funded(8n);
    const b = randomSeed();
    const s = await h.sender(a, b);
    await network.stopOperator(3);
    try {
      // Every operator must apply the key tweak, so none does.
      expect(await h.send(s, 8)).toBe(FAILED_PRECONDITION);
    } finally {
      await network.restartOperator(3);
    }
    await h.settlesTo(a, 8n, b, 0n, 'the leaf back with the sender on every operator');
    expect(await h.send(await h.sender(a, b), 8)).toBe('sent');
    await h.settlesTo(a, 0n, b, 8n, 'the receiver\'s claim');
    // Leaf optimization on, and nothing for it to do: no background swap crossed the outage.
    expect(sspSwaps(network.dataDir)).toEqual([]);
  });

  it('a peer killed before it applies a decision, the coordinator restarted meanwhile: the peer applies it from the outbox before it serves', async () => {
    const a = await h.funded(4n);
    const b = randomSeed();
    await h.armCrash(3, 'decision:peer-apply');
    try {
      // The coordinator applied the commit and recorded it for both peers before answering;
      // operator 3 dies on receiving it, so the record stays in the coordinator's outbox.
      expect(await h.send(await h.sender(a, b), 4)).toBe('sent');
      const op3 = network.operators[2];
      await waitFor(async () => op3?.running, (r) => r === false, 60_000, 'operator 3 to crash on the decision');
      // The outbox survives a restart of its owner too.
      await network.stopOperator(1);
    } finally {
      await network.stopOperator(3);
      // Each waits for the other at start-up (catch-up), so both start together.
      await Promise.all([network.restartOperator(1), network.restartOperator(3)]);
    }
    // The claim needs every operator to hold the sender's tweaked key: operator 3 applied the
    // decision at start-up, before it served.
    await h.settlesTo(a, 0n, b, 4n, 'the receiver\'s claim after both restarts');
    expect(sspSwaps(network.dataDir)).toEqual([]);
  });
});
