import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BridgeCore } from './bridge-core.js';
import type { ExitExecutor } from './exit/exit-action.js';
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
  it('says there is no exit data before any was stored', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-core-'));
    await expect(core(dir).exitNow(0)).rejects.toMatchObject({ code: 'NOT_AVAILABLE', message: expect.stringMatching(/no exit data/) as unknown });
  });

  it('hands the stored slot to the executor and reports its progress; until exit lands, it says so', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-core-'));
    const store = new AccountStore(dir, 0);
    await store.open(IDENTITY);
    await store.saveExitData('spark-exit-v1', { txs: ['aa', 'bb'] });
    await expect(core(dir).exitNow(0)).rejects.toMatchObject({ code: 'NOT_AVAILABLE', message: expect.stringMatching(/not available/) as unknown });
    const seen: unknown[] = [];
    const executor: ExitExecutor = {
      exitNow(slot, onProgress) {
        seen.push(slot.payload);
        const done = { broadcastTxids: ['t1', 't2'], blocksToWait: 144 };
        onProgress({ broadcastTxids: ['t1'], blocksToWait: 144 });
        return Promise.resolve(done);
      },
    };
    const progress: unknown[] = [];
    expect(await core(dir, executor).exitNow(0, (p) => progress.push(p))).toEqual({ broadcastTxids: ['t1', 't2'], blocksToWait: 144 });
    expect(seen).toEqual([{ txs: ['aa', 'bb'] }]);
    expect(progress).toHaveLength(1);
  });

  it('refuses an account it was not configured for', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-core-'));
    expect(() => core(dir).session(7)).toThrow(/not configured/);
  });
});
