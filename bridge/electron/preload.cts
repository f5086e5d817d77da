/**
 * Preload of the bridge window (sandboxed, context-isolated): exposes only `sparkBridge.op` and
 * `sparkBridge.onEvent`, never ipcRenderer itself. Sandboxed preloads are CommonJS and may
 * require nothing but 'electron', so the channel names are repeated from ipc-contract.ts
 * (checked equal by shell.test.ts).
 */
// A sandboxed preload is CommonJS: this is how TypeScript writes its require of 'electron'.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import electron = require('electron');
import type { IpcOpResult, SparkBridgePreloadApi } from './ipc-contract.js';

const { contextBridge, ipcRenderer } = electron;

const OP_CHANNEL = 'spark-bridge:op';
const EVENT_CHANNEL = 'spark-bridge:event';

const api: SparkBridgePreloadApi = {
  async op(name, args = {}) {
    const result = (await ipcRenderer.invoke(OP_CHANNEL, name, args)) as IpcOpResult;
    if (result.ok) return result.value;
    throw Object.assign(new Error(result.message), { code: result.code });
  },
  onEvent(listener) {
    const handler = (_e: electron.IpcRendererEvent, event: Parameters<typeof listener>[0]): void => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('sparkBridge', api);
