/**
 * The typed IPC between the Electron main process and the bridge's page. The page calls the
 * same operations as the headless server's UI API (bridge/server/operations.ts), by name, and
 * receives the same events. Channel names live here so main and preload cannot disagree.
 */
import type { CoreEvent } from '../core/bridge-core.js';
import type { UiOperationName } from '../server/operations.js';

export const IPC_OP_CHANNEL = 'spark-bridge:op';
export const IPC_EVENT_CHANNEL = 'spark-bridge:event';

/** What the preload exposes on `window.sparkBridge` (bridge/ui/client.js uses it when present). */
export interface SparkBridgePreloadApi {
  op(name: UiOperationName, args?: Record<string, unknown>): Promise<unknown>;
  onEvent(listener: (event: CoreEvent | { type: 'pairings' }) => void): () => void;
}

/** The result of an operation over IPC: errors cross as data (Electron would drop their code). */
export type IpcOpResult = { ok: true; value: unknown } | { ok: false; code: string; message: string };
