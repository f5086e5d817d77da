import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeKeyRef, type KeyRef } from './keyref.js';

/**
 * The client's KEYREF encoding against device-app/PROTOCOL.md's KEYREF table, the table the
 * device's own key kind table is checked against (device-app/host/tests/test_key_kinds.c): a
 * tag or layout changed on one side only fails here or there.
 */
const PROTOCOL_MD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'device-app', 'PROTOCOL.md');

interface DocRow {
  tag: number;
  layout: string;
}

function keyrefTable(): Map<string, DocRow> {
  const text = fs.readFileSync(PROTOCOL_MD, 'utf8');
  const section = text.slice(text.indexOf('## Key references (KEYREF)'));
  const rows = new Map<string, DocRow>();
  for (const line of section.slice(0, section.indexOf('\n## ', 3)).split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (!/^0x[0-9a-f]{2}$/i.test(cells[1] ?? '')) continue;
    rows.set(cells[2] ?? '', { tag: Number.parseInt(cells[1] ?? '', 16), layout: cells[3] ?? '' });
  }
  return rows;
}

/** One reference of each kind, under the name PROTOCOL.md gives it. */
const SAMPLES: { docName: string; ref: KeyRef }[] = [
  { docName: 'identity', ref: { kind: 'identity', account: 1 } },
  { docName: 'signing base', ref: { kind: 'signingBase', account: 1 } },
  { docName: 'deposit', ref: { kind: 'deposit', account: 1 } },
  { docName: 'static deposit', ref: { kind: 'staticDeposit', account: 1, index: 2 } },
  { docName: 'HTLC preimage base', ref: { kind: 'htlcPreimage', account: 1 } },
  { docName: 'leaf', ref: { kind: 'leaf', account: 1, leafId: 'abc' } },
  { docName: 'explicit path', ref: { kind: 'path', path: [1, 2, 3] } },
];

/** The length after the tag that each layout the document names gives a reference. */
const LAYOUT_BYTES: Record<string, (ref: KeyRef) => number> = {
  'account u32': () => 4,
  'account u32, index u32 (< 2^31)': () => 8,
  'account u32, len u8 (1..64), leafId[len]': (ref) => 5 + (ref.kind === 'leaf' ? ref.leafId.length : 0),
  'depth u8 (1..10), depth × u32 path elements': (ref) => 1 + 4 * (ref.kind === 'path' ? ref.path.length : 0),
};

describe('KEYREF encoding agrees with PROTOCOL.md', () => {
  it('every kind of the document is one the client encodes, with its tag and layout', () => {
    const table = keyrefTable();
    expect([...table.keys()].sort()).toEqual(SAMPLES.map((s) => s.docName).sort());
    for (const sample of SAMPLES) {
      const row = table.get(sample.docName);
      const bytes = encodeKeyRef(sample.ref);
      expect(bytes[0], sample.docName).toBe(row?.tag);
      const layout = LAYOUT_BYTES[row?.layout ?? ''];
      expect(layout, `layout "${row?.layout}" of ${sample.docName}`).toBeDefined();
      expect(bytes.length - 1, sample.docName).toBe(layout?.(sample.ref));
    }
  });
});
