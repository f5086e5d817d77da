/** In-process fan-out of wallet events (deposit confirmations, transfers) to open subscribe_to_events streams. */
import type { TreeNodeRow } from './db/repository.js';
import type { TransferRecord } from './db/transfer-repository.js';

export type WalletEvent =
  | { kind: 'deposit'; node: TreeNodeRow }
  | { kind: 'receiver_transfer' | 'sender_transfer'; transfer: TransferRecord };

export class EventBus {
  private readonly listeners = new Map<string, Set<(e: WalletEvent) => void>>();

  subscribe(identityHex: string, fn: (e: WalletEvent) => void): () => void {
    let set = this.listeners.get(identityHex);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(identityHex, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.listeners.delete(identityHex);
    };
  }

  publish(identityHex: string, e: WalletEvent): void {
    for (const fn of this.listeners.get(identityHex) ?? []) fn(e);
  }
}
