/**
 * Bad requests get a gRPC error with a clear message and change nothing (in-process operators).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ClientError, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalOperators } from './testing/local-operators.js';
import type { LocalNetwork } from './testing/local-operators.js';
import { TestClient } from './testing/client.js';

async function grpcError(p: Promise<unknown>): Promise<ClientError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ClientError) return e;
    throw e;
  }
  throw new Error('expected a gRPC error');
}

describe('operator: authentication and bad input', () => {
  let net: LocalNetwork;
  let client: TestClient;
  const alice = secp256k1.utils.randomSecretKey();
  const bob = secp256k1.utils.randomSecretKey();
  const alicePub = secp256k1.getPublicKey(alice, true);
  const bobPub = secp256k1.getPublicKey(bob, true);

  beforeAll(async () => {
    net = await startLocalOperators(3, 2, { keyPoolBatch: 4 });
    client = new TestClient(`127.0.0.1:${net.configs[0]!.publicPort}`, net.caPath);
  });
  afterAll(async () => {
    client?.close();
    await net?.close();
  });

  const counts = async (): Promise<string> => {
    const db = net.operators[0]!.repo.db;
    const [a] = await db.query<{ n: string }>('SELECT count(*) AS n FROM deposit_addresses');
    const [t] = await db.query<{ n: string }>('SELECT count(*) AS n FROM tree_nodes');
    const [k] = await db.query<{ n: string }>("SELECT count(*) AS n FROM signing_keyshares WHERE status = 'AVAILABLE'");
    return `${a?.n}/${t?.n}/${k?.n}`;
  };

  it('rejects a challenge signed by another key, a tampered challenge, and a replayed one', async () => {
    const { protected_challenge: pc } = await client.authn.get_challenge({ public_key: alicePub });
    let e = await grpcError(client.authn.verify_challenge({ protected_challenge: pc, signature: TestClient.sign(pc.challenge, bob), public_key: alicePub }));
    expect(e.code).toBe(Status.UNAUTHENTICATED);
    expect(e.details).toMatch(/signature is invalid/);
    const tampered = { ...pc, challenge: { ...pc.challenge, timestamp: pc.challenge.timestamp + 1 } };
    e = await grpcError(client.authn.verify_challenge({ protected_challenge: tampered, signature: TestClient.sign(tampered.challenge, alice), public_key: alicePub }));
    expect(e.details).toMatch(/HMAC is invalid/);
    const good = { protected_challenge: pc, signature: TestClient.sign(pc.challenge, alice), public_key: alicePub };
    expect((await client.authn.verify_challenge(good)).session_token.length).toBeGreaterThan(20);
    e = await grpcError(client.authn.verify_challenge(good));
    expect(e.details).toMatch(/already used/);
  });

  it('requires a session, and a session only speaks for its own identity', async () => {
    let e = await grpcError(client.spark().query_nodes({ source: { $case: 'ownerIdentityPubkey', ownerIdentityPubkey: alicePub }, limit: 10, network: 2 }));
    expect(e.code).toBe(Status.UNAUTHENTICATED);
    expect(e.details).toMatch(/authorization/);
    e = await grpcError(client.spark('AAAA' + 'x'.repeat(100)).query_nodes({ source: { $case: 'ownerIdentityPubkey', ownerIdentityPubkey: alicePub } }));
    expect(e.code).toBe(Status.UNAUTHENTICATED);
    const bobToken = await client.login(bob);
    const before = await counts();
    e = await grpcError(client.spark(bobToken).query_nodes({ source: { $case: 'ownerIdentityPubkey', ownerIdentityPubkey: alicePub }, limit: 10, network: 2 }));
    expect(e.code).toBe(Status.PERMISSION_DENIED);
    e = await grpcError(client.spark(bobToken).generate_deposit_address({ identityPublicKey: alicePub, signingPublicKey: bobPub, network: 2, leafId: 'x1' }));
    expect(e.code).toBe(Status.PERMISSION_DENIED);
    expect(e.details).toMatch(/not the authenticated identity/);
    // A token from operator 1 is worthless on operator 2.
    const other = new TestClient(`127.0.0.1:${net.configs[1]!.publicPort}`, net.caPath);
    e = await grpcError(other.spark(bobToken).query_nodes({ source: { $case: 'ownerIdentityPubkey', ownerIdentityPubkey: bobPub } }));
    other.close();
    expect(e.details).toMatch(/not issued by this operator/);
    expect(await counts()).toBe(before);
  });

  it('answers malformed and unknown-leaf requests with clear errors and changes nothing', async () => {
    const token = await client.login(alice);
    const spark = client.spark(token);
    const before = await counts();
    let e = await grpcError(spark.generate_deposit_address({ identityPublicKey: alicePub, signingPublicKey: new Uint8Array(10), network: 2, leafId: 'x2' }));
    expect(e.code).toBe(Status.INVALID_ARGUMENT);
    expect(e.details).toMatch(/signing_public_key must be a 33-byte/);
    e = await grpcError(spark.finalize_deposit_tree_creation({ identityPublicKey: alicePub, onChainUtxo: { rawTx: Uint8Array.of(1, 2, 3), vout: 0, network: 2, txid: new Uint8Array(0) } }));
    expect(e.code).toBe(Status.INVALID_ARGUMENT);
    expect(e.details).toMatch(/raw_tx is not a valid transaction/);
    e = await grpcError(spark.get_signing_commitments({ nodeIds: ['no-such-leaf'], count: 1 }));
    expect(e.code).toBe(Status.NOT_FOUND);
    expect(e.details).toMatch(/no-such-leaf/);
    e = await grpcError(spark.start_transfer_v2({}));
    expect(e.code).toBe(Status.INVALID_ARGUMENT);
    expect(e.details).toMatch(/owner_identity_public_key is required/);
    e = await grpcError(spark.renew_leaf({}));
    expect(e.code).toBe(Status.INVALID_ARGUMENT);
    expect(e.details).toMatch(/leaf_id is required/);
    e = await grpcError(spark.renew_leaf({ leafId: 'no-such-leaf', signingJobs: { $case: 'renewNodeZeroTimelockSigningJob', renewNodeZeroTimelockSigningJob: { nodeTxSigningJob: undefined, refundTxSigningJob: undefined, directNodeTxSigningJob: undefined, directFromCpfpRefundTxSigningJob: undefined } } }));
    expect(e.code).toBe(Status.NOT_FOUND);
    expect(e.details).toMatch(/no-such-leaf/);
    e = await grpcError(spark.cooperative_exit_v2({}));
    expect(e.code).toBe(Status.INVALID_ARGUMENT);
    const none = await spark.query_nodes({ source: { $case: 'nodeIds', nodeIds: { nodeIds: ['no-such-leaf'] } } });
    expect(none.nodes).toEqual({});
    expect(await counts()).toBe(before);
  });

  it('refuses a second address for one leaf, and with an operator down gives no address at all', async () => {
    const token = await client.login(alice);
    const spark = client.spark(token);
    const leafKey = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true);
    const first = await spark.generate_deposit_address({ identityPublicKey: alicePub, signingPublicKey: leafKey, network: 2, leafId: 'leaf-a', isStatic: false, hashVariant: 1 });
    expect(first.depositAddress?.address).toMatch(/^bcrt1p/);
    expect(Object.keys(first.depositAddress?.depositAddressProof?.addressSignatures ?? {}).sort()).toEqual(net.configs.map((c) => c.identifier).sort());
    const before = await counts();
    let e = await grpcError(spark.generate_deposit_address({ identityPublicKey: alicePub, signingPublicKey: leafKey, network: 2, leafId: 'leaf-a' }));
    expect(e.code).toBe(Status.ALREADY_EXISTS);
    expect(await counts()).toBe(before);

    await net.stopOperator(2);
    try {
      e = await grpcError(spark.generate_deposit_address({ identityPublicKey: alicePub, signingPublicKey: leafKey, network: 2, leafId: 'leaf-b' }));
      expect(e.code).toBe(Status.UNAVAILABLE);
      expect(e.details).toMatch(/every operator must sign/);
      const listed = await spark.query_unused_deposit_addresses({ identityPublicKey: alicePub, network: 2, limit: 100, offset: 0 });
      expect(listed.depositAddresses.map((a) => a.leafId)).toEqual(['leaf-a']);
    } finally {
      await net.startOperator(2);
    }
  });
});
