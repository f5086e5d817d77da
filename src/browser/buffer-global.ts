/**
 * The Ledger transports and the device client pass APDUs as Node's Buffer; a browser has none.
 * Imported first by the browser entry (./index.ts), before any module that uses it, so the
 * `buffer` package (what @ledgerhq's own browser builds expect) stands in for it.
 */
import { Buffer } from 'buffer';

const g = globalThis as { Buffer?: unknown };
g.Buffer ??= Buffer;
