import { it } from 'vitest';
import fs from 'node:fs';
import { sdkFrost } from '../testing/sdk-oracle.js';
import { hexToBytes, bytesToHex } from '../index.js';
it('which', async () => {
  const f = sdkFrost();
  const j = JSON.parse(fs.readFileSync('/tmp/a-case.json', 'utf8'));
  const conv = (v: unknown): unknown => typeof v === 'string' ? hexToBytes(v) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x)])) : v;
  const p = conv(j) as Parameters<typeof f.aggregateFrost>[0];
  for (let i = 0; i < 10; i++) try { const s = await f.aggregateFrost(p); console.log('RESULT accepted', bytesToHex(s)); } catch (e) { console.log('RESULT rejected', String(e)); }
  const q = { ...p, adaptorPubKey: undefined }; try { await f.aggregateFrost(q); console.log('RESULT noadaptor accepted'); } catch (e) { console.log('RESULT noadaptor rejected', String(e)); }
});
