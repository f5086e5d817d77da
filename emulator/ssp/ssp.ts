/**
 * The local Spark service provider (docs/ssp.md): its own Spark wallet on the network's operators
 * (its identity key is the SSP identity wallets send swaps and exits to), its own L1 wallet on
 * btcd, and the GraphQL API the SDK's SSP client calls.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:https';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { SparkWallet } from '@buildonspark/spark-sdk';
import { FundingWallet } from '../chain/funding-wallet.js';
import { RpcClient } from '../chain/rpc-client.js';
import { WalletAuth } from './auth.js';
import { Books } from './books.js';
import { UserRequests } from './user-requests.js';
import { CoordinatorClient } from './operator-client.js';
import { internals } from './sdk-internals.js';
import { SwapDesk } from './swap-desk.js';
import { ExitDesk } from './exit-desk.js';
import { Serial } from './leaf-mint.js';
import { StaticDepositDesk } from './static-deposits.js';
import type { SspConfig, SspReadyLine } from './config.js';
import { SspError } from './errors.js';
import { sspResolvers } from './resolvers.js';
import { loadSchema, startSspServer } from './server.js';

/** The wallet seed, created at first start: the SSP's identity must survive restarts. */
function loadOrCreateSeed(path: string): Uint8Array {
  if (existsSync(path)) {
    const hex = readFileSync(path, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new SspError('INTERNAL', `${path} does not hold a 32-byte hex seed`);
    return new Uint8Array(Buffer.from(hex, 'hex'));
  }
  const seed = new Uint8Array(randomBytes(32));
  writeFileSync(path, `${Buffer.from(seed).toString('hex')}\n`, { mode: 0o600 });
  return seed;
}

export class ServiceProvider {
  private constructor(
    readonly wallet: SparkWallet,
    readonly l1: FundingWallet,
    private readonly server: Server,
    readonly ready: SspReadyLine,
    private readonly coordinator: CoordinatorClient,
    private readonly exits: ExitDesk,
  ) {}

  static async start(cfg: SspConfig, log: (m: string) => void): Promise<ServiceProvider> {
    mkdirSync(cfg.dataDir, { recursive: true });
    const seed = loadOrCreateSeed(join(cfg.dataDir, 'wallet.seed'));
    const l1 = FundingWallet.loadOrCreate(join(cfg.dataDir, 'l1.key'), new RpcClient(cfg.btcdRpc));
    const { wallet } = await SparkWallet.initialize({
      mnemonicOrSeed: Buffer.from(seed).toString('hex'),
      // The SSP's own wallet never swaps: it is the swap's other side.
      options: { ...cfg.walletOptions, optimizationOptions: { auto: false } },
    });
    const auth = new WalletAuth(sha256(new Uint8Array([...seed, ...new TextEncoder().encode('ssp graphql auth')])));
    const identityPublicKey = await wallet.getIdentityPublicKey();
    const coordinatorAddress = internals(wallet).config.getCoordinatorAddress();
    const coordinator = new CoordinatorClient(coordinatorAddress, cfg.tls.caPath, {
      getIdentityPublicKey: () => internals(wallet).config.signer.getIdentityPublicKey(),
      signMessageWithIdentityKey: (digest) => internals(wallet).config.signer.signMessageWithIdentityKey(digest),
    });
    const books = new Books(join(cfg.dataDir, 'books.jsonl'));
    const serial = new Serial();
    const btcd = new RpcClient(cfg.btcdRpc);
    const swaps = new SwapDesk({ wallet, identityPublicKey, l1, btcd, coordinator, books, serial, log });
    const exits = new ExitDesk({
      wallet, identityPublicKey, l1, btcd, coordinator, books, serial, dataDir: cfg.dataDir, log, ...(cfg.faults?.exit === undefined ? {} : { cheat: cfg.faults.exit }),
      ...(cfg.faults?.exitBroadcastFailures === undefined ? {} : { broadcastFailures: cfg.faults.exitBroadcastFailures }),
    });
    const deposits = new StaticDepositDesk({ wallet, identityPublicKey, l1, btcd, coordinator, books, serial, log });
    let server: Server;
    try {
      server = await startSspServer({
        host: cfg.host, port: cfg.port, certPath: cfg.tls.certPath, keyPath: cfg.tls.keyPath,
        schema: loadSchema(), resolvers: sspResolvers(auth, swaps, exits, deposits, new UserRequests({ entries: () => books.entries(), exitsOf: (u) => exits.requestsOf(u) })), session: (h) => auth.session(h), log,
      });
    } catch (e) {
      coordinator.close();
      await wallet.cleanupConnections();
      throw e;
    }
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : cfg.port;
    const ready: SspReadyLine = { url: `https://${cfg.host}:${port}`, identityPublicKey, l1Address: l1.address, pid: process.pid };
    exits.start();
    return new ServiceProvider(wallet, l1, server, ready, coordinator, exits);
  }

  async stop(): Promise<void> {
    this.exits.stop();
    await new Promise<void>((r) => this.server.close(() => r()));
    this.server.closeAllConnections();
    this.coordinator.close();
    await this.wallet.cleanupConnections();
  }
}
