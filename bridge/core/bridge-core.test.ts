import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_DATA_FORMAT } from '../../src/exit/exit-data.js';
import { exitData, leafFixture } from '../../src/exit/testing/fixture.js';
import { BridgeCore, type CoreEvent } from './bridge-core.js';
import type { ExitExecutor, ExitOutcome } from './exit/exit-action.js';
import { AccountStore } from './storage/account-store.js';

const IDENTITY = '02' + '11'.repeat(32);

function core(dataDir: string, exitExecutor?: ExitExecutor): BridgeCore {
  const never = (): never => {
    throw new Error('no wallet in this test');
  };
  return new BridgeCore({
    source: { description: 'none', open: () => Promise.reject(new Error('absent')) },
    dataDir,
    signerFactory: never,
    openWallet: never,
    ...(exitExecutor === undefined ? {} : { exitExecutor }),
  });
}

describe('BridgeCore: exit now', () => {
  const request = { to: 'bcrt1qexample' };

  it('says there is no exit data before any was stored', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-core-'));
    await expect(core(dir).exitNow(request, 0)).rejects.toMatchObject({ code: 'NOT_AVAILABLE', message: expect.stringMatching(/no exit data/) as unknown });
  });

  it('hands the stored, checked exit data to the executor and publishes its progress; without a chain it says so', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-core-'));
    const store = new AccountStore(dir, 0);
    await store.open(IDENTITY);
    const stored = exitData([leafFixture().leaf]);
    await store.saveExitData(EXIT_DATA_FORMAT, stored);
    await expect(core(dir).exitNow(request, 0)).rejects.toMatchObject({ code: 'NOT_AVAILABLE', message: expect.stringMatching(/without a Bitcoin node/) as unknown });
    const seen: unknown[] = [];
    const outcome: ExitOutcome = { to: request.to, leaves: [{ leafId: 'l1', broadcastTxids: ['t1', 't2'], sweepTxid: 's1', sweptSats: '1000' }], leftBehind: [] };
    const executor: ExitExecutor = {
      exitNow(data, req, onProgress) {
        seen.push(data, req);
        onProgress({ leafId: 'l1', leaf: 1, leaves: 1, message: 'node 1/1: broadcast t1' });
        return Promise.resolve(outcome);
      },
    };
    const c = core(dir, executor);
    const events: CoreEvent[] = [];
    c.on('event', (e) => events.push(e));
    const progress: unknown[] = [];
    expect(await c.exitNow(request, 0, (p) => progress.push(p))).toEqual(outcome);
    expect(seen).toEqual([stored, request]);
    expect(progress).toEqual([{ leafId: 'l1', leaf: 1, leaves: 1, message: 'node 1/1: broadcast t1' }]);
    const lines = events.flatMap((e) => (e.type === 'progress' ? [`${e.progress.state}: ${e.progress.message}`] : []));
    expect(lines).toEqual(['running: exiting 1 leaves to bcrt1qexample', 'running: leaf 1/1: node 1/1: broadcast t1', 'done: done']);
  });

  it('refuses a slot that is not exit data, before anything runs', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-core-'));
    const store = new AccountStore(dir, 0);
    await store.open(IDENTITY);
    const ran: unknown[] = [];
    const executor: ExitExecutor = { exitNow: (d) => Promise.resolve(void ran.push(d)).then(() => ({ to: '', leaves: [], leftBehind: [] })) };
    await store.saveExitData('spark-exit-v0', { txs: ['aa'] });
    await expect(core(dir, executor).exitNow(request, 0)).rejects.toMatchObject({ code: 'STORAGE', message: expect.stringMatching(/format spark-exit-v0/) as unknown });
    await store.saveExitData(EXIT_DATA_FORMAT, { ...exitData([]), leaves: 'none' });
    await expect(core(dir, executor).exitNow(request, 0)).rejects.toMatchObject({ code: 'STORAGE', message: expect.stringMatching(/unusable/) as unknown });
    expect(ran).toEqual([]);
  });

  it('refuses an account it was not configured for', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-core-'));
    expect(() => core(dir).session(7)).toThrow(/not configured/);
  });
});
