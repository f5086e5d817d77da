import { SeededRandom } from '../testing/prng.js';
import { makeGroup, makeRound, signingSubsets } from '../testing/frost-fixtures.js';
import type { OperatorGroup } from '../testing/frost-fixtures.js';
import { sdkFrost } from '../testing/sdk-oracle.js';
import { signFrost, signFrostOperator, bytesToHex, scalarToBytes, taprootOutputKey, buildSigningContext } from '../index.js';
const f = sdkFrost();
const CONFIGS = [...signingSubsets(3, 2).map((signers) => ({ n: 3, t: 2, signers })), ...signingSubsets(5, 3).map((signers) => ({ n: 5, t: 3, signers }))];
const rng = new SeededRandom('spark-frost-oracle-1/blame');
const groups = new Map<string, OperatorGroup>();
for (let i = 0; i <= 20; i++) {
  const cfg = CONFIGS[i % CONFIGS.length]!;
  const withAdaptor = Math.floor(i / CONFIGS.length) % 2 === 1;
  const key = `${cfg.n}/${cfg.t}`;
  let group = groups.get(key);
  if (group === undefined || i % 7 === 0) { group = makeGroup(rng, cfg.n, cfg.t, i % 4 === 0 ? 'dkg' : 'dealer'); groups.set(key, group); }
  const r = makeRound(rng, group, cfg.signers, withAdaptor);

  const g = group;
  const p = { message: r.message, keyPackage: { secretKey: r.userSecret, publicKey: r.userPublic, verifyingKey: r.verifyingKey }, nonce: r.userNonce, selfCommitment: r.userCommitment, statechainCommitments: r.operatorCommitments, adaptorPubKey: r.adaptorPubKey };
  const us = signFrost(p);
  const sigs: Record<string, Uint8Array> = {}; const pubs: Record<string, Uint8Array> = {};
  for (const j of r.signers) { const id = g.ids[j]!; sigs[id] = signFrostOperator({ message: r.message, identifier: id, secretShare: g.secretShares[j]!, nonce: r.operatorNonces.get(id)!, verifyingKey: r.verifyingKey, operatorCommitments: r.operatorCommitments, userCommitment: r.userCommitment, adaptorPubKey: r.adaptorPubKey }); pubs[id] = g.publicShares[j]!; }
  const ids = Object.keys(sigs); const victim = ids[i % ids.length]!;
  const bad = { ...sigs, [victim]: scalarToBytes(BigInt('0x' + bytesToHex(sigs[victim]!)) + 1n) };
  const ctx = buildSigningContext({ message: r.message, verifyingKey: r.verifyingKey, operatorCommitments: r.operatorCommitments, userCommitment: r.userCommitment, adaptorPubKey: r.adaptorPubKey });
  console.log('victim', victim.slice(-2), 'P', ctx.key.pEven, 'Q', ctx.key.qEven, 'R', ctx.rEven);
  const ap = (s: Record<string, Uint8Array>) => ({ message: r.message, statechainSignatures: s, statechainPublicKeys: pubs, verifyingKey: r.verifyingKey, statechainCommitments: r.operatorCommitments, selfCommitment: r.userCommitment, selfPublicKey: r.userPublic, selfSignature: us, adaptorPubKey: r.adaptorPubKey });

  for (let z = 0; z < 1; z++) try { const s = await f.aggregateFrost(i % 4 === 3 ? {...ap(sigs), selfSignature: scalarToBytes(BigInt('0x' + bytesToHex(us)) + 1n)} : ap(bad)); console.log('SDK accepted', bytesToHex(s), f.validateAdaptorSignature(taprootOutputKey(r.verifyingKey), r.message, s, r.adaptorPubKey!)); } catch (e) { console.log('rejected', String(e)); }
}
