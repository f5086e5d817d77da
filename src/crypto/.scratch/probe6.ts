const P = 2n ** 256n - 2n ** 32n - 977n;
const C = 2n ** 32n + 977n;
const M = 2n ** 256n - 1n;
let a = 0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdefn % P;
const b = 0xfedcba0987654321fedcba0987654321fedcba0987654321fedcba0987654321n % P;
const N = 200000;
let t = performance.now();
for (let i = 0; i < N; i++) a = (a * b) % P;
console.log('mul %', ((performance.now() - t) / N * 1000).toFixed(1), 'ns');
t = performance.now();
for (let i = 0; i < N; i++) { let x = a * b; x = (x >> 256n) * C + (x & M); x = (x >> 256n) * C + (x & M); if (x >= P) x -= P; a = x; }
console.log('mul special', ((performance.now() - t) / N * 1000).toFixed(1), 'ns');
t = performance.now();
for (let i = 0; i < N; i++) { a = a + b; if (a >= P) a -= P; }
console.log('add', ((performance.now() - t) / N * 1000).toFixed(1), 'ns');
t = performance.now();
for (let i = 0; i < N; i++) { a = (a + b) % P; }
console.log('add %', ((performance.now() - t) / N * 1000).toFixed(1), 'ns');
