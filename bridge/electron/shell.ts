import type { BrowserWindow, BrowserWindowConstructorOptions, IpcMain, IpcMainInvokeEvent } from 'electron';
import { BridgeError, messageOf } from '../core/errors.js';
import type { RunningHeadlessBridge } from '../headless.js';
import { createUiOperations, isUiOperation } from '../server/operations.js';
import { ApiError } from '../server/api-errors.js';
import { IPC_EVENT_CHANNEL, IPC_OP_CHANNEL, type IpcOpResult } from './ipc-contract.js';

/** The window's web preferences: the page gets no Node, runs sandboxed, and sees only the preload's API. */
export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1100,
    height: 820,
    title: 'Spark Bridge',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** The parts of Electron the shell uses, passed in so this module is tested with fakes. */
export interface ShellElectron {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  createWindow(options: BrowserWindowConstructorOptions): BrowserWindow;
  openExternal(url: string): Promise<void>;
}

/**
 * Wires a running bridge (core + server) to one window: loads the UI from the bridge's own
 * loopback server, answers the page's operations over IPC (only from that window's main frame
 * at the bridge's own origin), forwards core events, and keeps the page from navigating away
 * or opening windows.
 */
export function attachWindow(electron: ShellElectron, bridge: RunningHeadlessBridge, preloadPath: string): { window: BrowserWindow; detach: () => void } {
  const window = electron.createWindow(windowOptions(preloadPath));
  const ops = createUiOperations(bridge.core, bridge.pairing);
  const origin = bridge.server.url;
  const fromOurPage = (e: IpcMainInvokeEvent): boolean => {
    const frame = e.senderFrame;
    return e.sender === window.webContents && frame !== null && frame.parent === null && new URL(frame.url).origin === origin;
  };

  electron.ipcMain.handle(IPC_OP_CHANNEL, async (e: IpcMainInvokeEvent, name: unknown, args: unknown): Promise<IpcOpResult> => {
    if (!fromOurPage(e)) return { ok: false, code: 'WRONG_ORIGIN', message: 'IPC is answered only for the bridge’s own page' };
    if (typeof name !== 'string' || !isUiOperation(ops, name)) return { ok: false, code: 'NOT_FOUND', message: `no such operation: ${String(name)}` };
    try {
      const op = ops[name] as (a: unknown) => unknown;
      // Structured clone cannot carry bigint: the same JSON shapes as the HTTP UI API.
      return { ok: true, value: JSON.parse(JSON.stringify(await op(args), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as unknown };
    } catch (err) {
      const code = err instanceof BridgeError || err instanceof ApiError ? err.code : 'INTERNAL';
      return { ok: false, code, message: messageOf(err) };
    }
  });

  const send = (event: unknown): void => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, JSON.parse(JSON.stringify(event, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))));
  };
  const offCore = bridge.core.on('event', send);
  const offPairing = bridge.pairing.on('changed', (c) => send({ type: 'pairings', ...c }));

  window.webContents.on('will-navigate', (e, url) => {
    if (new URL(url).origin !== origin) e.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    // Links (e.g. to an explorer) open in the user's browser, never inside the app.
    if (/^https:\/\//.test(url)) void electron.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${origin}/`);

  const detach = (): void => {
    offCore();
    offPairing();
    electron.ipcMain.removeHandler(IPC_OP_CHANNEL);
  };
  window.on('closed', detach);
  return { window, detach };
}
