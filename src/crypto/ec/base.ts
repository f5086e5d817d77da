/**
 * k·G with a fixed-base table: 32 rows (one per byte of k) of 255 affine multiples
 * d·256^j·G, built once on first use, so a base multiplication is at most 32 mixed
 * additions and no doublings. Variable-time (table index = scalar byte): used where JS bigint
 * arithmetic already is variable-time anyway; see the module notes in index.ts.
 */
import { G, modN } from '../bytes.js';
import { batchToAffine, fromAffine, INFINITY, jaddAffine, jdouble, toAffine } from './jacobian.js';
import type { Affine, Jac } from './jacobian.js';

let table: Affine[][] | undefined;

function buildTable(): Affine[][] {
  const rows: Affine[][] = [];
  const g = G.toAffine();
  let base: Affine = { x: g.x, y: g.y };
  for (let j = 0; j < 32; j++) {
    const row: Jac[] = [fromAffine(base)];
    for (let d = 1; d < 255; d++) row.push(jaddAffine(row[d - 1] as Jac, base.x, base.y));
    rows.push(batchToAffine(row));
    const next = toAffine(jdouble(row[127] as Jac)); // 2·(128·base) = 256·base
    if (next === undefined) throw new Error('base table: unexpected infinity');
    base = next;
  }
  return rows;
}

/** k·G in Jacobian coordinates (k reduced mod n). */
export function mulG(k: bigint): Jac {
  table ??= buildTable();
  const hex = modN(k).toString(16).padStart(64, '0');
  let acc = INFINITY;
  for (let j = 0; j < 32; j++) {
    const byte = parseInt(hex.slice(62 - 2 * j, 64 - 2 * j), 16);
    if (byte !== 0) {
      const e = (table[j] as Affine[])[byte - 1] as Affine;
      acc = jaddAffine(acc, e.x, e.y);
    }
  }
  return acc;
}
