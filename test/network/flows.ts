import type { ServiceError } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { secp256k1 } from '@noble/curves/secp256k1';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import type { ClientError } from 'nice-grpc';
import { Transaction } from '@scure/btc-signer';
import type { SparkWallet } from '@buildonspark/spark-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNetwork } from '../../emulator/network/network.js';
import type { TestClient as TestClientType } from '../../emulator/operator/testing/client.js';
import { loadSdk, openWallet, waitFor } from './sdk.js';

type SdkModule = Awaited<ReturnType<typeof loadSdk>>;

const DEPOSIT_SATS = 100_000n;
/** Per-test limit: operator restarts and SDK syncs on a loaded 2-core CI machine. */
const FLOW_TIMEOUT_MS = 180_000;
/** Starting btcd, PostgreSQL and three operators (PGlite's first initdb and the DKG) under load. */
const START_TIMEOUT_MS = 300_000;

/**
 * gRPC libraries, imported only after loadSdk(): grpc-js reads GRPC_DEFAULT_SSL_ROOTS_FILE_PATH
 * once, when it is first loaded, so a static import here would pin the system roots.
 */
interface GrpcLibs {
  grpc: typeof import('@grpc/grpc-js');
  nice: typeof import('nice-grpc');
  TestClient: typeof TestClientType;
}

async function loadGrpcLibs(): Promise<GrpcLibs> {
  const grpc = await import('@grpc/grpc-js');
  const nice = await import('nice-grpc');
  // C2's raw client for one operator's public port (authn done by hand, so it can be done wrong).
  const { TestClient } = await import('../../emulator/operator/testing/client.js');
  return { grpc, nice, TestClient };
}

async function grpcError(libs: GrpcLibs, p: Promise<unknown>): Promise<ClientError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof libs.nice.ClientError) return e;
    throw e;
  }
  throw new Error('expected a gRPC error, the call succeeded');
}

/** Sends bytes that are not a protobuf message to a method, bypassing any client-side encoder. */
async function sendRawBytes(libs: GrpcLibs, address: string, caPath: string, path: string, body: Buffer, token: string): Promise<ServiceError> {
  const client = new libs.grpc.Client(address.replace(/^https:\/\//, ''), libs.grpc.credentials.createSsl(readFileSync(caPath)));
  const metadata = new libs.grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  try {
    return await new Promise<ServiceError>((resolve, reject) => {
      client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, body, metadata, (err: ServiceError | null) => {
        if (err === null) reject(new Error(`${path} accepted a malformed message`));
        else resolve(err);
      });
    });
  } finally {
    client.close();
  }
}

/**
 * The end-to-end flows with the unmodified SDK wallet and DefaultSparkSigner, against a
 * 2-of-3 network started by `start`. Run once on PGlite and once on a PostgreSQL server.
 */
export function networkFlows(label: string, start: () => Promise<{ network: RunningNetwork; cleanup: () => Promise<void> }>): void {
  describe(`Spark network on ${label}: unmodified SDK wallet`, { timeout: FLOW_TIMEOUT_MS }, () => {
    let network: RunningNetwork;
    let cleanup: () => Promise<void> = async () => undefined;
    let sdk: SdkModule;
    let wallet: SparkWallet;
    let seed: string;
    const depositTxids: string[] = [];
    const wallets: SparkWallet[] = [];

    beforeAll(async () => {
      ({ network, cleanup } = await start());
      sdk = await loadSdk(network.env);
    }, START_TIMEOUT_MS);

    afterAll(async () => {
      for (const w of wallets) await w.cleanupConnections().catch(() => undefined);
      await cleanup();
    });

    it('initializes: authenticates with every operator and syncs an empty wallet', async () => {
      ({ wallet, seed } = await openWallet(sdk, network.walletOptions));
      wallets.push(wallet);
      expect(await wallet.getIdentityPublicKey()).toMatch(/^0[23][0-9a-f]{64}$/);
      const balance = await wallet.getBalance();
      expect(balance.satsBalance.available).toBe(0n);
      expect(await wallet.getLeaves()).toEqual([]);
    });

    it('claims a deposit funded on btcd into a leaf signed by the user and t operators', async () => {
      // The SDK verifies the operators' address signatures and proof of possession itself.
      const address = await wallet.getSingleUseDepositAddress();
      expect(address).toMatch(/^bcrt1p/);
      const funded = await network.chain.fund(address, DEPOSIT_SATS);
      depositTxids.push(funded.txid);

      const claimed = await wallet.claimDeposit(funded.txid);
      expect(claimed).toHaveLength(1);
      expect(BigInt(claimed[0]?.value ?? 0)).toBe(DEPOSIT_SATS);

      const balance = await waitFor(() => wallet.getBalance(), (b) => b.satsBalance.available === DEPOSIT_SATS, 30_000, 'the deposit balance');
      expect(balance.satsBalance.available).toBe(DEPOSIT_SATS);

      const leaves = await wallet.getLeaves();
      expect(leaves.map((l) => l.id)).toEqual([claimed[0]?.id]);
      const leaf = leaves[0];
      if (leaf === undefined) throw new Error('no leaf');
      expect(leaf.value).toBe(Number(DEPOSIT_SATS));
      expect(leaf.status).toBe('AVAILABLE');
      const root = Transaction.fromRaw(leaf.nodeTx, { allowUnknownOutputs: true });
      const input = root.getInput(0);
      expect(bytesToHex(input.txid ?? new Uint8Array())).toBe(funded.txid);
      expect(input.index).toBe(funded.vout);
      // A key-path taproot spend: one 64-byte BIP340 signature (SIGHASH_DEFAULT) as the witness.
      expect(input.finalScriptWitness?.map((w) => w.length)).toEqual([64]);
    });

    it('signs with two of three operators while the third is stopped, and the third catches up on restart', async () => {
      if (network.operators.length !== 3 || network.threshold !== 2) throw new Error('this flow expects a 2-of-3 network');
      // New deposit addresses need every operator's signature, so the address comes first.
      const address = await wallet.getSingleUseDepositAddress();
      await network.stopOperator(3);
      try {
        const funded = await network.chain.fund(address, DEPOSIT_SATS);
        depositTxids.push(funded.txid);
        const claimed = await wallet.claimDeposit(funded.txid);
        expect(claimed).toHaveLength(1);
        expect(BigInt(claimed[0]?.value ?? 0)).toBe(DEPOSIT_SATS);
      } finally {
        await network.restartOperator(3);
      }
      const balance = await waitFor(() => wallet.getBalance(), (b) => b.satsBalance.available === 2n * DEPOSIT_SATS, 30_000, 'both deposits in the balance');
      expect(balance.satsBalance.available).toBe(2n * DEPOSIT_SATS);
    });

    it('keeps every operator’s state across a restart, and across a crash', async () => {
      const before = network.operators.map((o) => network.ready(o.index));
      for (const op of network.operators) {
        // Operator 2 is killed (SIGKILL, as in a crash); the others stop gracefully.
        if (op.index === 2) await network.killOperator(op.index);
        else await network.stopOperator(op.index);
        await network.restartOperator(op.index);
      }
      const after = network.operators.map((o) => network.ready(o.index));
      expect(after.map((r) => r.identityPublicKey)).toEqual(before.map((r) => r.identityPublicKey));
      expect(after.map((r) => r.groupPublicKey)).toEqual(before.map((r) => r.groupPublicKey));

      // A second wallet from the same seed finds the same funds through the restarted operators.
      // On the SDK's default options its first sync starts leaf optimization (docs/ssp.md,
      // section "Wallet options"): its two 100,000-sat leaves are swapped for smaller ones with
      // the SSP, and the balance stays exact to the satoshi throughout.
      const { wallet: again } = await openWallet(sdk, network.walletOptions, seed);
      wallets.push(again);
      const settled = await waitFor(async () => ({ b: await again.getBalance(), leaves: await again.getLeaves() }),
        (x) => x.b.satsBalance.available === 2n * DEPOSIT_SATS && x.leaves.length > 2, 120_000, 'the balance after restart, optimized');
      expect(settled.b.satsBalance.available).toBe(2n * DEPOSIT_SATS);
      expect(settled.leaves.reduce((a, l) => a + BigInt(l.value), 0n)).toBe(2n * DEPOSIT_SATS);
      // The first instance's view predates the swap: the later tests use the one that made it.
      await wallet.cleanupConnections();
      wallet = again;
    });

    it('answers bad signatures, foreign credentials, unknown leaves and malformed messages with clear gRPC errors, changing nothing', async () => {
      const coordinator = network.walletOptions.signingOperators?.[network.walletOptions.coordinatorIdentifier ?? ''];
      if (coordinator === undefined) throw new Error('no coordinator in the wallet options');
      const libs = await loadGrpcLibs();
      const { TestClient } = libs;
      const { Status } = libs.nice;
      const client = new TestClient(coordinator.address, network.caPath);
      const leavesBefore = (await wallet.getLeaves()).map((l) => l.id).sort();
      const heightBefore = await network.chain.getBlockCount();
      try {
        const walletIdentity = hexToBytes(await wallet.getIdentityPublicKey());
        const mallory = secp256k1.utils.randomPrivateKey();
        const malloryPub = secp256k1.getPublicKey(mallory, true);

        // A challenge for the wallet's identity, signed by another key.
        const { protected_challenge: pc } = await client.authn.get_challenge({ public_key: walletIdentity });
        let e = await grpcError(libs, client.authn.verify_challenge({ protected_challenge: pc, signature: TestClient.sign(pc.challenge, mallory), public_key: walletIdentity }));
        expect(e.code).toBe(Status.UNAUTHENTICATED);
        expect(e.details).toMatch(/signature/i);

        // Another identity's session used for the wallet's identity.
        const malloryToken = await client.login(mallory);
        const spark = client.spark(malloryToken);
        e = await grpcError(libs, spark.query_nodes({ source: { $case: 'ownerIdentityPubkey', ownerIdentityPubkey: walletIdentity }, limit: 10, network: 2 }));
        expect(e.code).toBe(Status.PERMISSION_DENIED);
        e = await grpcError(libs, spark.generate_deposit_address({ identityPublicKey: walletIdentity, signingPublicKey: malloryPub, network: 2, leafId: 'intruder' }));
        expect(e.code).toBe(Status.PERMISSION_DENIED);
        expect(e.details.length).toBeGreaterThan(10);

        // A leaf nobody has.
        e = await grpcError(libs, spark.get_signing_commitments({ nodeIds: ['no-such-leaf'], count: 1 }));
        expect(e.code).toBe(Status.NOT_FOUND);
        expect(e.details).toMatch(/no-such-leaf/);

        // Bytes that do not decode as the request message.
        const raw = await sendRawBytes(libs, coordinator.address, network.caPath, '/spark.SparkService/query_nodes', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), malloryToken);
        expect(raw.code).toBe(libs.grpc.status.INVALID_ARGUMENT);
        expect(raw.details).toMatch(/not a valid protobuf message/);
        // The same bytes without a session: refused from the metadata, before the body is decoded.
        const unauthenticated = await sendRawBytes(libs, coordinator.address, network.caPath, '/spark.SparkService/query_nodes', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'not-a-token');
        expect(unauthenticated.code).toBe(libs.grpc.status.UNAUTHENTICATED);
        // A malformed body for the unauthenticated authn service is INVALID_ARGUMENT too.
        const badChallenge = await sendRawBytes(libs, coordinator.address, network.caPath, '/spark_authn.SparkAuthnService/get_challenge', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), malloryToken);
        expect(badChallenge.code).toBe(libs.grpc.status.INVALID_ARGUMENT);
      } finally {
        client.close();
      }
      // Nothing changed: the wallet sees the same leaves on every operator, the chain the same tip.
      const balance = await wallet.getBalance();
      expect(balance.satsBalance.available).toBe(2n * DEPOSIT_SATS);
      expect((await wallet.getLeaves()).map((l) => l.id).sort()).toEqual(leavesBefore);
      expect(await network.chain.getBlockCount()).toBe(heightBefore);
    });

    it('a REGTEST-network wallet reads its deposit through the Esplora API and claims it', async () => {
      // On REGTEST the SDK fetches {electrsUrl}/tx/{txid}/hex instead of the JSON-RPC (docs/sdk-wire.md,
      // section "Chain access").
      const options = { ...network.walletOptions, network: 'REGTEST' as const };
      const { wallet: regtest } = await openWallet(sdk, options);
      wallets.push(regtest);
      const address = await regtest.getSingleUseDepositAddress();
      const funded = await network.chain.fund(address, 30_000n);
      const claimed = await regtest.claimDeposit(funded.txid);
      expect(claimed.map((l) => BigInt(l.value))).toEqual([30_000n]);
      const balance = await waitFor(() => regtest.getBalance(), (b) => b.satsBalance.available === 30_000n, 30_000, 'the REGTEST wallet balance');
      expect(balance.satsBalance.available).toBe(30_000n);
    });

    it('the FROST-signed root transactions are accepted by btcd', async () => {
      // The wallet's leaves are the SSP's deposits now (optimization swapped the first two): each
      // still a root spending a confirmed deposit output, worth exactly the wallet's funds.
      const leaves = await wallet.getLeaves();
      expect(leaves.reduce((a, l) => a + BigInt(l.value), 0n)).toBe(BigInt(depositTxids.length) * DEPOSIT_SATS);
      for (const leaf of leaves) {
        const txid = await network.chain.sendRawTransaction(bytesToHex(leaf.nodeTx));
        expect(txid).toBe(Transaction.fromRaw(leaf.nodeTx, { allowUnknownOutputs: true }).id);
      }
      await network.chain.mine(1);
      for (const leaf of leaves) {
        const id = Transaction.fromRaw(leaf.nodeTx, { allowUnknownOutputs: true }).id;
        expect((await network.chain.getRawTransaction(id)).confirmations).toBe(1);
      }
    });
  });
}
