import fs from 'node:fs';
import { sdkFrost } from '../testing/sdk-oracle.js';
import { hexToBytes, aggregateFrost, bytesToHex, taprootOutputKey } from '../index.js';
const f = sdkFrost();
const j = JSON.parse(fs.readFileSync('/tmp/a-case.json', 'utf8'));
const conv = (v: unknown): unknown => typeof v === 'string' && /^[0-9a-f]+$/.test(v) && v.length !== 64 || (typeof v === 'string' && v.length === 64) ? hexToBytes(v as string) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x)])) : v;
const p = conv(j) as Parameters<typeof aggregateFrost>[0];
const s = await f.aggregateFrost(p);
console.log('sdk', bytesToHex(s), f.validateAdaptorSignature(taprootOutputKey(p.verifyingKey), p.message, s, p.adaptorPubKey!));
try { aggregateFrost(p); } catch (e) { console.log('ours', String(e)); }
