const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const FOLD = 0x1000003d1n; const M = (1n << 256n) - 1n;
function f1(a: bigint, b: bigint) { let x = a * b; x = (x >> 256n) * FOLD + (x & M); x = (x >> 256n) * FOLD + (x & M); return x >= P ? x - P : x; }
function f2(a: bigint, b: bigint) { return (a * b) % P; }
function f3(a: bigint, b: bigint) { const x = a * b; const y = (x >> 256n) * FOLD + (x & M); return y % P; }
function f4(a: bigint, b: bigint) { const x = a * b; const hi = x >> 256n; let y = hi * FOLD + (x & M); if (y >= P) { y = (y >> 256n) * FOLD + (y & M); if (y >= P) y -= P; } return y; }
const xs: bigint[] = []; let s = 0x123456789abcdefn;
for (let i = 0; i < 1000; i++) { s = (s * 0x5deece66dn + 11n) % P; xs.push((s * s * s) % P); }
for (const [name, f] of [['fold2', f1], ['mod', f2], ['fold+mod', f3], ['fold+cond', f4], ['fold2', f1], ['mod', f2], ['fold+cond', f4]] as const) {
  let acc = 0n; const t = performance.now();
  for (let r = 0; r < 200; r++) for (let i = 0; i < 999; i++) acc ^= f(xs[i]!, xs[i + 1]!);
  console.log(name, ((performance.now() - t) / 199800 * 1e6).toFixed(0), 'ns', acc % 7n);
}
for (let i = 0; i < 999; i++) if (f4(xs[i]!, xs[i+1]!) !== f2(xs[i]!, xs[i+1]!)) throw new Error('f4 wrong');
