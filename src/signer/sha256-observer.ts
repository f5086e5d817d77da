import { SHA256 } from '@noble/hashes/sha2.js';

/**
 * What the SDK 0.8.8 wallet hashes in this process, seen by the signer. The SparkSigner
 * interface hands the signer only hashes, and the bytes behind some of them are made inside the
 * wallet (docs/transfers.md, section "Hardware signer: clear signing"). The wallet hashes them
 * with @noble/hashes' SHA-256, the same module instance as ours (the SDK declares it as a
 * dependency, it does not bundle it), so one wrapper around `SHA256.update` shows every input to
 * whoever observes: identity-key statements (identity-preimages.ts) and the transactions whose
 * txid the wallet computes (exit-transactions.ts). Observers only find bytes; the device parses
 * and checks whatever they find.
 */

/** The chunks fed to one SHA-256 instance after its first, for an observer that wants them. */
export interface Sha256Sink {
  chunks: Uint8Array[];
  bytes: number;
}

export interface Sha256Observer {
  /** The first bytes a SHA-256 instance was fed; a sink to collect the rest, or undefined. */
  observeFirst(data: Uint8Array): Sha256Sink | undefined;
}

/** A sink stops collecting beyond this (a statement or transaction is never that long). */
const MAX_SINK_BYTES = 1 << 20;

type Update = (this: SHA256, data: Uint8Array) => SHA256;

/** One wrapper per process, shared by every observer. */
const observers = new Set<Sha256Observer>();
let original: Update | undefined;
/** Set while an observer hashes on its own account: those are not the wallet's hashes. */
let suspended = false;

function installHook(): void {
  if (original !== undefined) return;
  const proto = SHA256.prototype as unknown as { update: Update };
  const base = proto.update;
  original = base;
  const tracked = new WeakMap<object, Sha256Sink[]>();
  proto.update = function (this: SHA256, data: Uint8Array): SHA256 {
    const result = base.call(this, data);
    if (suspended || !(data instanceof Uint8Array)) return result;
    const open = tracked.get(this);
    if (open !== undefined) {
      for (const c of open) {
        if (c.bytes > MAX_SINK_BYTES) continue; // too long: it will never match
        c.chunks.push(data.slice());
        c.bytes += data.length;
      }
      return result;
    }
    const started: Sha256Sink[] = [];
    suspended = true; // an observer's own hashing is not observed
    try {
      for (const o of observers) {
        const c = o.observeFirst(data);
        if (c !== undefined) started.push(c);
      }
    } finally {
      suspended = false;
    }
    if (started.length > 0) tracked.set(this, started);
    return result;
  };
}

function uninstallHookIfUnused(): void {
  if (observers.size > 0 || original === undefined) return;
  (SHA256.prototype as unknown as { update: Update }).update = original;
  original = undefined;
}

/** Starts observing; returns the function that stops it. */
export function observeSha256(observer: Sha256Observer): () => void {
  observers.add(observer);
  installHook();
  return () => {
    observers.delete(observer);
    uninstallHookIfUnused();
  };
}

/** Runs f with observation off (an observer hashing its own candidates). */
export function unobserved<T>(f: () => T): T {
  const was = suspended;
  suspended = true;
  try {
    return f();
  } finally {
    suspended = was;
  }
}
