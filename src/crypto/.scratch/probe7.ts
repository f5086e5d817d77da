import { SeededRandom } from '../testing/prng.js';
import { makeGroup, makeRound } from '../testing/frost-fixtures.js';
import { sdkFrost } from '../testing/sdk-oracle.js';
import { signFrost, signFrostOperator, bytesToHex, scalarToBytes, taprootOutputKey, aggregateFrost } from '../index.js';
const f = sdkFrost();
const rng = new SeededRandom('y');
for (const adaptor of [false, true]) for (let k = 0; k < 3; k++) {
  const g = makeGroup(rng, 3, 2, 'dealer');
  const r = makeRound(rng, g, [0, 1], adaptor);
  const p = { message: r.message, keyPackage: { secretKey: r.userSecret, publicKey: r.userPublic, verifyingKey: r.verifyingKey }, nonce: r.userNonce, selfCommitment: r.userCommitment, statechainCommitments: r.operatorCommitments, adaptorPubKey: r.adaptorPubKey };
  const us = signFrost(p);
  const sigs: Record<string, Uint8Array> = {}; const pubs: Record<string, Uint8Array> = {};
  for (const i of r.signers) { const id = g.ids[i]!; sigs[id] = signFrostOperator({ message: r.message, identifier: id, secretShare: g.secretShares[i]!, nonce: r.operatorNonces.get(id)!, verifyingKey: r.verifyingKey, operatorCommitments: r.operatorCommitments, userCommitment: r.userCommitment, adaptorPubKey: r.adaptorPubKey }); pubs[id] = g.publicShares[i]!; }
  const id0 = g.ids[0]!;
  const bad = { ...sigs, [id0]: scalarToBytes(BigInt('0x' + bytesToHex(sigs[id0]!)) + 1n) };
  const ap = (s: Record<string, Uint8Array>, u: Uint8Array, pk = pubs) => ({ message: r.message, statechainSignatures: s, statechainPublicKeys: pk, verifyingKey: r.verifyingKey, statechainCommitments: r.operatorCommitments, selfCommitment: r.userCommitment, selfPublicKey: r.userPublic, selfSignature: u, adaptorPubKey: r.adaptorPubKey });
  const res = async (x: ReturnType<typeof ap>) => { try { const s = await f.aggregateFrost(x); return 'OK ' + (adaptor ? f.validateAdaptorSignature(taprootOutputKey(r.verifyingKey), r.message, s, r.adaptorPubKey!) : 'x') ; } catch (e) { return 'ERR ' + String(e).slice(0, 80); } };
  const ourres = (x: ReturnType<typeof ap>) => { try { aggregateFrost(x); return 'OK'; } catch (e) { return 'ERR ' + String(e).slice(0, 80); } };
  const badUser = scalarToBytes(BigInt('0x' + bytesToHex(us)) + 1n);
  const badPubs = { ...pubs, [id0]: r.userPublic };
  console.log('adaptor', adaptor, 'honest', await res(ap(sigs, us)), '| bad op', await res(ap(bad, us)), '| bad user', await res(ap(sigs, badUser)), '| bad pub', await res(ap(sigs, us, badPubs)), '| ours bad pub', ourres(ap(sigs, us, badPubs)));
}
const g = makeGroup(rng, 5, 3, 'dealer');
const r = makeRound(rng, g, [0, 1, 2], false);
const p = { message: r.message, keyPackage: { secretKey: r.userSecret, publicKey: r.userPublic, verifyingKey: r.verifyingKey }, nonce: r.userNonce, selfCommitment: r.userCommitment, statechainCommitments: r.operatorCommitments, adaptorPubKey: r.adaptorPubKey };
const us = signFrost(p);
const sigs: Record<string, Uint8Array> = {}; const pubs: Record<string, Uint8Array> = {};
for (const i of r.signers) { const id = g.ids[i]!; sigs[id] = signFrostOperator({ message: r.message, identifier: id, secretShare: g.secretShares[i]!, nonce: r.operatorNonces.get(id)!, verifyingKey: r.verifyingKey, operatorCommitments: r.operatorCommitments, userCommitment: r.userCommitment }); pubs[id] = g.publicShares[i]!; }
const ap = { message: r.message, statechainSignatures: sigs, statechainPublicKeys: pubs, verifyingKey: r.verifyingKey, statechainCommitments: r.operatorCommitments, selfCommitment: r.userCommitment, selfPublicKey: r.userPublic, selfSignature: us };
let t = performance.now(); for (let i = 0; i < 50; i++) await f.aggregateFrost(ap); console.log('sdk agg', (performance.now() - t) / 50);
t = performance.now(); for (let i = 0; i < 50; i++) aggregateFrost(ap); console.log('our agg', (performance.now() - t) / 50);
