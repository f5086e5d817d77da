import { bytesToHex } from '@noble/hashes/utils';
import type { ApduTransport } from '../../src/device/app.js';

/** A transport that keeps every command APDU sent and every reply received. */
export class RecordingTransport implements ApduTransport {
  readonly sent: Uint8Array[] = [];
  readonly received: Uint8Array[] = [];

  constructor(private readonly inner: ApduTransport) {}

  async exchange(apdu: Buffer): Promise<Buffer> {
    this.sent.push(new Uint8Array(apdu));
    const reply = await this.inner.exchange(apdu);
    this.received.push(new Uint8Array(reply));
    return reply;
  }
}

/**
 * Every byte string and string reachable from `root` through own properties, array items, Map
 * and Set entries (a heap walk limited to what the object graph exposes; closures are opaque).
 */
export function reachableData(root: unknown, maxNodes = 200_000): { bytes: Uint8Array[]; strings: string[] } {
  const bytes: Uint8Array[] = [];
  const strings: string[] = [];
  const seen = new Set<unknown>();
  const stack: unknown[] = [root];
  while (stack.length > 0 && seen.size < maxNodes) {
    const v = stack.pop();
    if (typeof v === 'string') {
      strings.push(v);
      continue;
    }
    if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) continue;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      bytes.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      continue;
    }
    if (v instanceof ArrayBuffer) {
      bytes.push(new Uint8Array(v));
      continue;
    }
    if (v instanceof Map) {
      for (const [k, x] of v) stack.push(k, x);
    } else if (v instanceof Set) {
      for (const x of v) stack.push(x);
    }
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key);
      if (d !== undefined && 'value' in d) stack.push(d.value);
    }
    stack.push(Object.getPrototypeOf(v));
  }
  return { bytes, strings };
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Names of the secrets found, as raw bytes or as hex text, in any of the byte strings or strings. */
export function secretsFound(secrets: Record<string, Uint8Array>, data: { bytes: Uint8Array[]; strings: string[] }): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    const hex = bytesToHex(secret);
    if (data.bytes.some((b) => contains(b, secret)) || data.strings.some((s) => s.toLowerCase().includes(hex))) found.push(name);
  }
  return found;
}
