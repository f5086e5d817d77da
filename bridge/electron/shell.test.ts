import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BridgeCore } from '../core/bridge-core.js';
import type { RunningHeadlessBridge } from '../headless.js';
import { PairingRegistry } from '../server/pairing.js';
import { IPC_EVENT_CHANNEL, IPC_OP_CHANNEL, type IpcOpResult } from './ipc-contract.js';

/** Electron as the main process sees it, faked: windows, IPC and the app lifecycle. */
const fake = vi.hoisted(() => {
  class FakeWebContents {
    readonly sent: [string, unknown][] = [];
    readonly listeners = new Map<string, (...a: unknown[]) => void>();
    windowOpenHandler: ((d: { url: string }) => { action: string }) | undefined;
    send(channel: string, payload: unknown): void {
      this.sent.push([channel, payload]);
    }
    on(name: string, fn: (...a: unknown[]) => void): void {
      this.listeners.set(name, fn);
    }
    setWindowOpenHandler(fn: (d: { url: string }) => { action: string }): void {
      this.windowOpenHandler = fn;
    }
  }
  class FakeWindow {
    static all: FakeWindow[] = [];
    readonly webContents = new FakeWebContents();
    readonly events = new Map<string, () => void>();
    loaded: string | undefined;
    constructor(readonly options: Record<string, unknown>) {
      FakeWindow.all.push(this);
    }
    loadURL(url: string): Promise<void> {
      this.loaded = url;
      return Promise.resolve();
    }
    isDestroyed(): boolean {
      return false;
    }
    once(name: string, fn: () => void): void {
      this.events.set(name, fn);
    }
    on(name: string, fn: () => void): void {
      this.events.set(name, fn);
    }
    show(): void {}
  }
  const handlers = new Map<string, (...a: unknown[]) => unknown>();
  const appEvents = new Map<string, (...a: unknown[]) => void>();
  return { FakeWindow, handlers, appEvents };
});

vi.mock('electron', () => ({
  BrowserWindow: fake.FakeWindow,
  ipcMain: {
    handle: (ch: string, fn: (...a: unknown[]) => unknown) => fake.handlers.set(ch, fn),
    removeHandler: (ch: string) => fake.handlers.delete(ch),
  },
  shell: { openExternal: vi.fn(() => Promise.resolve()) },
  app: {
    on: (name: string, fn: (...a: unknown[]) => void) => fake.appEvents.set(name, fn),
    whenReady: () => new Promise(() => undefined), // the test drives startDesktop itself
    getPath: () => os.tmpdir(),
    quit: vi.fn(),
    exit: vi.fn(),
  },
}));

function offlineBridge(): RunningHeadlessBridge {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bridge-shell-'));
  const never = (): never => {
    throw new Error('no wallet in this test');
  };
  const core = new BridgeCore({ source: { description: 'none', open: () => Promise.reject(new Error('absent')) }, dataDir, signerFactory: never, openWallet: never });
  return {
    core,
    pairing: new PairingRegistry(dataDir),
    server: { url: 'http://127.0.0.1:45678', port: 45678, uiSession: 'x', close: () => Promise.resolve() },
    stop: vi.fn(() => Promise.resolve()),
  };
}

vi.mock('../headless.js', () => ({
  startHeadlessBridge: vi.fn(() => Promise.resolve(offlineBridge())),
  parseDeviceAddress: vi.fn(() => ({ description: 'none', open: () => Promise.reject(new Error('absent')) })),
}));

function invokeEvent(win: InstanceType<typeof fake.FakeWindow>, url: string, parent: unknown = null) {
  return { sender: win.webContents, senderFrame: { url, parent } };
}

describe('Electron main process (electron mocked)', () => {
  beforeEach(() => {
    fake.FakeWindow.all.length = 0;
    fake.handlers.clear();
  });
  afterEach(() => {
    delete process.env.SPARK_BRIDGE_NETWORK;
  });

  it('opens one sandboxed, context-isolated window without Node, on the bridge’s loopback page', async () => {
    const { attachWindow } = await import('./shell.js');
    const bridge = offlineBridge();
    const { BrowserWindow } = await import('electron');
    attachWindow({ ipcMain: (await import('electron')).ipcMain, createWindow: (o) => new BrowserWindow(o), openExternal: () => Promise.resolve() }, bridge, '/app/preload.cjs');
    const [win] = fake.FakeWindow.all;
    expect(win?.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webviewTag: false, preload: '/app/preload.cjs' });
    expect(win?.loaded).toBe('http://127.0.0.1:45678/');
  });

  it('answers operations over typed IPC only for its own page, and carries errors as codes', async () => {
    const { attachWindow } = await import('./shell.js');
    const { BrowserWindow, ipcMain } = await import('electron');
    const bridge = offlineBridge();
    attachWindow({ ipcMain, createWindow: (o) => new BrowserWindow(o), openExternal: () => Promise.resolve() }, bridge, '/p.cjs');
    const win = fake.FakeWindow.all[0];
    if (win === undefined) throw new Error('no window');
    const handler = fake.handlers.get(IPC_OP_CHANNEL);
    if (handler === undefined) throw new Error('no IPC handler');
    const ok = (await handler(invokeEvent(win, 'http://127.0.0.1:45678/'), 'status', {})) as IpcOpResult;
    expect(ok).toMatchObject({ ok: true, value: { device: { state: 'no-device' }, wallet: { open: false } } });
    const typed = (await handler(invokeEvent(win, 'http://127.0.0.1:45678/'), 'balance', {})) as IpcOpResult;
    expect(typed).toMatchObject({ ok: false, code: 'WALLET_NOT_OPEN' });
    const badArgs = (await handler(invokeEvent(win, 'http://127.0.0.1:45678/'), 'setDeviceSource', { address: 'example.com:1' })) as IpcOpResult;
    expect(badArgs).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
    expect(await handler(invokeEvent(win, 'http://127.0.0.1:45678/'), 'constructor', {})).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    // Another origin (a page the window was tricked into loading), a subframe, another window.
    expect(await handler(invokeEvent(win, 'https://evil.example/'), 'status', {})).toMatchObject({ ok: false, code: 'WRONG_ORIGIN' });
    expect(await handler(invokeEvent(win, 'http://127.0.0.1:45678/', {}), 'status', {})).toMatchObject({ ok: false, code: 'WRONG_ORIGIN' });
    expect(await handler({ sender: {}, senderFrame: { url: 'http://127.0.0.1:45678/', parent: null } }, 'status', {})).toMatchObject({ ok: false, code: 'WRONG_ORIGIN' });
  });

  it('forwards core events to the page, blocks navigation away and new windows, and detaches on close', async () => {
    const { attachWindow } = await import('./shell.js');
    const { BrowserWindow, ipcMain } = await import('electron');
    const bridge = offlineBridge();
    const opened: string[] = [];
    attachWindow({ ipcMain, createWindow: (o) => new BrowserWindow(o), openExternal: (u) => Promise.resolve(void opened.push(u)) }, bridge, '/p.cjs');
    const win = fake.FakeWindow.all[0];
    if (win === undefined) throw new Error('no window');
    bridge.core.emit('event', { type: 'changed', account: 0, reason: 'balance' });
    expect(win.webContents.sent).toEqual([[IPC_EVENT_CHANNEL, { type: 'changed', account: 0, reason: 'balance' }]]);
    const prevent = vi.fn();
    win.webContents.listeners.get('will-navigate')?.({ preventDefault: prevent }, 'https://evil.example/');
    expect(prevent).toHaveBeenCalledTimes(1);
    win.webContents.listeners.get('will-navigate')?.({ preventDefault: prevent }, 'http://127.0.0.1:45678/#x');
    expect(prevent).toHaveBeenCalledTimes(1);
    expect(win.webContents.windowOpenHandler?.({ url: 'https://mempool.space/tx/ab' })).toEqual({ action: 'deny' });
    expect(win.webContents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://mempool.space/tx/ab']);
    win.events.get('closed')?.();
    expect(fake.handlers.has(IPC_OP_CHANNEL)).toBe(false);
    bridge.core.emit('event', { type: 'changed', account: 0, reason: 'after close' });
    expect(win.webContents.sent).toHaveLength(1);
  });

  it('main.ts: refuses to start without a network file; with one, starts the bridge and opens the window', async () => {
    const main = await import('./main.js');
    await expect(main.startDesktop()).rejects.toThrow(/SPARK_BRIDGE_NETWORK/);
    expect(fake.appEvents.has('window-all-closed')).toBe(true);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bridge-net-')), 'network.json');
    (await import('node:fs')).writeFileSync(file, JSON.stringify({ walletOptions: { network: 'LOCAL' } }));
    process.env.SPARK_BRIDGE_NETWORK = file;
    const bridge = await main.startDesktop();
    expect(fake.FakeWindow.all).toHaveLength(1);
    expect(String(fake.FakeWindow.all[0]?.options.webPreferences && (fake.FakeWindow.all[0].options.webPreferences as { preload: string }).preload)).toMatch(/preload\.cjs$/);
    expect(bridge.stop).not.toHaveBeenCalled();
  });
});

describe('preload (electron mocked)', () => {
  it('exposes only op and onEvent, on the channels of the IPC contract', async () => {
    const exposed = new Map<string, Record<string, unknown>>();
    const invoke = vi.fn((..._a: unknown[]) => Promise.resolve({ ok: false, code: 'WALLET_NOT_OPEN', message: 'the wallet is not open' }));
    const renderer = new EventEmitter();
    const electronFake = {
      contextBridge: { exposeInMainWorld: (k: string, api: Record<string, unknown>) => exposed.set(k, api) },
      ipcRenderer: { invoke, on: renderer.on.bind(renderer), removeListener: renderer.removeListener.bind(renderer) },
    };
    // Run the preload as Electron would: compiled to CommonJS, in a sandbox where require()
    // knows 'electron' only.
    const ts = (await import('typescript')).default;
    const source = (await import('node:fs')).readFileSync(new URL('./preload.cts', import.meta.url), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
    const required: string[] = [];
    const sandboxRequire = (id: string): unknown => {
      required.push(id);
      if (id === 'electron') return electronFake;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    };
    const module = { exports: {} };
    new Function('require', 'module', 'exports', outputText)(sandboxRequire, module, module.exports);
    expect(required).toEqual(['electron']);
    const api = exposed.get('sparkBridge') as { op: (n: string, a?: object) => Promise<unknown>; onEvent: (cb: (e: unknown) => void) => () => void };
    expect(Object.keys(api).sort()).toEqual(['onEvent', 'op']);
    await expect(api.op('balance')).rejects.toMatchObject({ code: 'WALLET_NOT_OPEN' });
    expect(invoke).toHaveBeenCalledWith(IPC_OP_CHANNEL, 'balance', {});
    const got: unknown[] = [];
    const off = api.onEvent((e) => got.push(e));
    renderer.emit(IPC_EVENT_CHANNEL, {}, { type: 'device' });
    off();
    renderer.emit(IPC_EVENT_CHANNEL, {}, { type: 'device' });
    expect(got).toEqual([{ type: 'device' }]);
  });
});
