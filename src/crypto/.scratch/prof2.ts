import { SeededRandom } from '../testing/prng.js';
import { makeGroup, makeRound } from '../testing/frost-fixtures.js';
import { signFrost, signFrostOperator, aggregateFrost } from '../index.js';
const rng = new SeededRandom('x');
const g = makeGroup(rng, 3, 2, 'dealer');
const r = makeRound(rng, g, [0, 1], false);
const p = { message: r.message, keyPackage: { secretKey: r.userSecret, publicKey: r.userPublic, verifyingKey: r.verifyingKey }, nonce: r.userNonce, selfCommitment: r.userCommitment, statechainCommitments: r.operatorCommitments, adaptorPubKey: undefined };
const us = signFrost(p);
const sigs: Record<string, Uint8Array> = {}; const pubs: Record<string, Uint8Array> = {};
for (const i of r.signers) { const id = g.ids[i]!; sigs[id] = signFrostOperator({ message: r.message, identifier: id, secretShare: g.secretShares[i]!, nonce: r.operatorNonces.get(id)!, verifyingKey: r.verifyingKey, operatorCommitments: r.operatorCommitments, userCommitment: r.userCommitment }); pubs[id] = g.publicShares[i]!; }
const ap = { message: r.message, statechainSignatures: sigs, statechainPublicKeys: pubs, verifyingKey: r.verifyingKey, statechainCommitments: r.operatorCommitments, selfCommitment: r.userCommitment, selfPublicKey: r.userPublic, selfSignature: us };
for (let i = 0; i < 30; i++) aggregateFrost(ap);
const t = performance.now();
for (let i = 0; i < 400; i++) aggregateFrost(ap);
console.log('ms/op', (performance.now() - t) / 400);
