import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

/** The app lifecycle with electron mocked: the bridge starts when Electron is ready, and stops before it quits. */
const state = vi.hoisted(() => ({
  appEvents: new Map<string, (e: { preventDefault: () => void }) => void>(),
  quit: { calls: 0 },
  exit: [] as number[],
  stop: { calls: 0 },
  windows: 0,
}));

vi.mock('electron', () => ({
  BrowserWindow: class {
    webContents = { on: () => undefined, setWindowOpenHandler: () => undefined, send: () => undefined };
    constructor() {
      state.windows++;
    }
    loadURL() {
      return Promise.resolve();
    }
    once() {}
    on() {}
    isDestroyed() {
      return false;
    }
  },
  ipcMain: { handle: () => undefined, removeHandler: () => undefined },
  shell: { openExternal: () => Promise.resolve() },
  app: {
    on: (name: string, fn: (e: { preventDefault: () => void }) => void) => state.appEvents.set(name, fn),
    whenReady: () => Promise.resolve(),
    getPath: () => os.tmpdir(),
    quit: () => {
      state.quit.calls++;
    },
    exit: (code: number) => state.exit.push(code),
  },
}));

vi.mock('../headless.js', async () => {
  const { BridgeCore } = await import('../core/bridge-core.js');
  const { PairingRegistry } = await import('../server/pairing.js');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bridge-main-'));
  const never = (): never => {
    throw new Error('no wallet in this test');
  };
  return {
    parseDeviceAddress: () => ({ description: 'none', open: () => Promise.reject(new Error('absent')) }),
    startHeadlessBridge: () =>
      Promise.resolve({
        core: new BridgeCore({ source: { description: 'none', open: () => Promise.reject(new Error('absent')) }, dataDir, signerFactory: never, openWallet: never }),
        pairing: new PairingRegistry(dataDir),
        server: { url: 'http://127.0.0.1:45679', port: 45679, uiSession: 'x', close: () => Promise.resolve() },
        stop: () => {
          state.stop.calls++;
          return Promise.resolve();
        },
      }),
  };
});

describe('Electron main lifecycle (electron mocked)', () => {
  it('starts the bridge and its window when ready; on quit, stops the bridge first, then quits', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bridge-net-')), 'network.json');
    writeFileSync(file, JSON.stringify({ walletOptions: { network: 'LOCAL' } }));
    process.env.SPARK_BRIDGE_NETWORK = file;
    try {
      await import('./main.js');
      await vi.waitFor(() => expect(state.windows).toBe(1));
      expect(state.exit).toEqual([]);
      const preventDefault = vi.fn();
      state.appEvents.get('before-quit')?.({ preventDefault });
      expect(preventDefault).toHaveBeenCalledTimes(1);
      await vi.waitFor(() => expect(state.quit.calls).toBe(1));
      expect(state.stop.calls).toBe(1);
      // The second before-quit (from that quit) goes through.
      const again = vi.fn();
      state.appEvents.get('before-quit')?.({ preventDefault: again });
      expect(again).not.toHaveBeenCalled();
      expect(state.stop.calls).toBe(1);
      state.appEvents.get('window-all-closed')?.({ preventDefault: () => undefined });
      expect(state.quit.calls).toBe(2);
    } finally {
      delete process.env.SPARK_BRIDGE_NETWORK;
    }
  });
});
