import { getSparkFrost } from '@buildonspark/spark-sdk';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { signFrost, aggregateFrost, signFrostOperator, bytesToHex, operatorIdentifier, runDkgInProcess, generateNonce } from '../index.js';
const f = getSparkFrost();
const rnd = () => secp256k1.utils.randomPrivateKey();
const nonce = () => { const n = { hiding: rnd(), binding: rnd() }; return { n, c: { hiding: secp256k1.getPublicKey(n.hiding), binding: secp256k1.getPublicKey(n.binding) } }; };
let ok = 0, bad = 0;
for (let i = 0; i < 50; i++) {
  const userSk = rnd(); const userPk = secp256k1.getPublicKey(userSk);
  const ids = [1,2,3].map(operatorIdentifier);
  const dkg = runDkgInProcess(ids, 2);
  const group = secp256k1.Point.fromHex(dkg[0]!.groupPublicKey);
  const vk = group.add(secp256k1.Point.fromHex(userPk)).toBytes(true);
  const signers = [0, 2];
  const opN = signers.map(() => nonce());
  const commits: Record<string, {hiding: Uint8Array; binding: Uint8Array}> = {};
  signers.forEach((s, j) => { commits[ids[s]!] = opN[j]!.c; });
  const un = nonce();
  const msg = rnd();
  const adaptor = i % 2 ? secp256k1.getPublicKey(rnd()) : undefined;
  const p = { message: msg, keyPackage: { secretKey: userSk, publicKey: userPk, verifyingKey: vk }, nonce: un.n, selfCommitment: un.c, statechainCommitments: commits, adaptorPubKey: adaptor };
  const sdk = await f.signFrost(p);
  const ours = signFrost(p);
  const sigs: Record<string, Uint8Array> = {}; const pubs: Record<string, Uint8Array> = {};
  signers.forEach((s, j) => {
    sigs[ids[s]!] = signFrostOperator({ message: msg, identifier: ids[s]!, secretShare: dkg[s]!.secretShare, nonce: opN[j]!.n, verifyingKey: vk, operatorCommitments: commits, userCommitment: un.c, adaptorPubKey: adaptor });
    pubs[ids[s]!] = dkg[s]!.publicShare;
  });
  const ap = { message: msg, statechainSignatures: sigs, statechainPublicKeys: pubs, verifyingKey: vk, statechainCommitments: commits, selfCommitment: un.c, selfPublicKey: userPk, selfSignature: sdk, adaptorPubKey: adaptor };
  let sdkAgg: Uint8Array | string;
  try { sdkAgg = await f.aggregateFrost(ap); } catch (e) { sdkAgg = 'ERR ' + String(e); }
  let ourAgg: Uint8Array | string;
  try { ourAgg = aggregateFrost(ap); } catch (e) { ourAgg = 'ERR ' + String(e); }
  const same = bytesToHex(sdk) === bytesToHex(ours) && typeof sdkAgg !== 'string' && typeof ourAgg !== 'string' && bytesToHex(sdkAgg) === bytesToHex(ourAgg);
  if (same) ok++; else { bad++; if (bad < 4) console.log(i, bytesToHex(sdk) === bytesToHex(ours), typeof sdkAgg === 'string' ? sdkAgg : bytesToHex(sdkAgg), typeof ourAgg === 'string' ? ourAgg : bytesToHex(ourAgg)); }
}
console.log({ ok, bad });
void generateNonce;
