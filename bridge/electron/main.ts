/**
 * Electron main process of the desktop bridge: the one file that imports 'electron'. It starts
 * the same core and server as the headless mode (bridge/headless.ts) and shows the same UI in a
 * sandboxed window (bridge/electron/shell.ts). Configuration comes from the environment:
 * SPARK_BRIDGE_NETWORK (the network JSON file), SPARK_BRIDGE_SPECULOS (127.0.0.1:<port>, else
 * USB), SPARK_BRIDGE_DATA (default: Electron's userData folder).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, ipcMain, shell } from 'electron';
import type { ConfigOptions } from '@buildonspark/spark-sdk';
import { parseDeviceAddress, startHeadlessBridge, type RunningHeadlessBridge } from '../headless.js';
import { attachWindow } from './shell.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function startDesktop(): Promise<RunningHeadlessBridge> {
  const networkFile = process.env.SPARK_BRIDGE_NETWORK;
  if (networkFile === undefined) throw new Error('set SPARK_BRIDGE_NETWORK to the network JSON file (walletOptions, env)');
  const config = JSON.parse(readFileSync(networkFile, 'utf8')) as { walletOptions: ConfigOptions; env?: Record<string, string> };
  const bridge = await startHeadlessBridge({
    walletOptions: config.walletOptions,
    ...(config.env === undefined ? {} : { env: config.env }),
    source: parseDeviceAddress(process.env.SPARK_BRIDGE_SPECULOS),
    dataDir: process.env.SPARK_BRIDGE_DATA ?? path.join(app.getPath('userData'), 'bridge'),
    port: 0,
  });
  attachWindow(
    { ipcMain, createWindow: (o) => new BrowserWindow(o), openExternal: (url) => shell.openExternal(url) },
    bridge,
    path.join(here, 'preload.cjs'),
  );
  return bridge;
}

let running: RunningHeadlessBridge | undefined;
let quitting = false;

app.on('window-all-closed', () => app.quit());
app.on('before-quit', (event) => {
  if (running === undefined || quitting) return;
  // Stop the core (close the device, end the wallet's streams) before the process exits.
  event.preventDefault();
  quitting = true;
  void running.stop().finally(() => app.quit());
});

app
  .whenReady()
  .then(async () => {
    running = await startDesktop();
  })
  .catch((err: unknown) => {
    console.error(`Spark Bridge failed to start: ${err instanceof Error ? err.message : String(err)}`);
    app.exit(1);
  });
