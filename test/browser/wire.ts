import { bytesToHex, hexToBytes } from '../../src/crypto/index.js';

/** JSON-safe form of nested values crossing into a page: every Uint8Array becomes { hex }. */
export type Wire = string | number | boolean | null | undefined | { hex: string } | Wire[] | { [k: string]: Wire };

export function toWire(v: unknown): Wire {
  if (v instanceof Uint8Array) return { hex: bytesToHex(v) };
  if (Array.isArray(v)) return v.map(toWire);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toWire(x)]));
  return v as Wire;
}

/** The inverse of toWire, for what a page sends back. */
export function fromWire(v: Wire): unknown {
  if (Array.isArray(v)) return v.map(fromWire);
  if (v !== null && typeof v === 'object') {
    if (typeof v.hex === 'string' && Object.keys(v).length === 1) return hexToBytes(v.hex);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromWire(x as Wire)]));
  }
  return v;
}
