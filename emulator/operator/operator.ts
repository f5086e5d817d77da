/**
 * One operator: identity, database, both gRPC servers, DKG, signing, deposits, chain watching.
 * `Operator.start(config)` is what main.ts runs; tests may run it in-process too.
 */
import { readFileSync } from 'node:fs';
import { ServerCredentials } from '@grpc/grpc-js';
import { createServer } from 'nice-grpc';
import type { Server } from 'nice-grpc';
import { SparkServiceDefinition } from '@buildonspark/spark-sdk/proto/spark';
import { SparkTokenServiceDefinition } from '@buildonspark/spark-sdk/proto/spark_token';
import { AuthnService } from './authn/authn-service.js';
import { ChainRpc, ChainWatcher } from './chain-watcher.js';
import type { ListeningLine, ReadyLine, ResolvedOperatorConfig } from './config.js';
import { hexToBytes } from './crypto.js';
import type { Database } from './db/database.js';
import { openDatabase } from './db/open.js';
import { Repository } from './db/repository.js';
import type { TreeNodeRow } from './db/repository.js';
import { DepositService } from './deposit/deposit-service.js';
import { SPARK_NETWORK_REGTEST } from './deposit/address.js';
import { DkgService } from './dkg/service.js';
import { OperatorError } from './errors.js';
import { EventBus } from './events.js';
import { loadOrCreateIdentity } from './identity.js';
import type { IdentityKey } from './identity.js';
import { createInternalHandlers } from './internal/handlers.js';
import { INTERNAL_SERVICE, PeerClients } from './internal/peers.js';
import type { HealthResponse, InternalApi } from './internal/types.js';
import { loadService } from './proto-load.js';
import { authMiddleware, errorMiddleware, servingGate } from './public/middleware.js';
import { earlyAuthInterceptor, tolerantGrpcJs, tolerantTsProto } from './public/request-guard.js';
import { recordKinds, Replicator } from './replication/index.js';
import { KEYSHARE_RETIRED, keyshareRetiredRecordId } from './replication/kinds/keyshare-retired.js';
import { TREE_NODE, toTreeNodePayload, treeNodeRecordId } from './replication/kinds/tree-node.js';
import { TRANSFER_DECISION, toTransferDecisionPayload, transferDecisionRecordId } from './replication/kinds/transfer-decision.js';
import { createSparkService } from './public/spark-service.js';
import { createTokenService } from './public/token-service.js';
import { SigningCoordinator } from './signing/coordinator.js';
import type { ParticipantApi } from './signing/coordinator.js';
import { KeyshareCache } from './signing/keyshares.js';
import type { Keyshare } from './signing/keyshares.js';
import { NonceStore } from './signing/nonce-store.js';
import { OperatorSigner } from './signing/operator-signer.js';
import { TransferRepository } from './db/transfer-repository.js';
import { TransferParticipant } from './transfer/participant.js';
import { TransferService } from './transfer/transfer-service.js';

export interface OperatorHooks {
  log?: (msg: string) => void;
  onListening?: (line: ListeningLine) => void;
  onReady?: (line: ReadyLine) => void;
}

/** Unpublished nonce pairs each operator keeps ready (a few commitment requests' worth). */
const NONCE_POOL = 256;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Operator {
  private publicServer: Server | undefined;
  private internalServer: Server | undefined;
  private watcher: ChainWatcher | undefined;
  private stopped = false;
  private ready = false;
  /** Set once the DKG keys exist here. */
  private hasKeys = false;
  /** Set once every peer's records for this operator are applied (replication catch-up). */
  private caughtUp = false;
  private readyWaiters: (() => void)[] = [];
  private replicator: Replicator | undefined;
  private nonces: NonceStore | undefined;
  publicPort = 0;
  internalPort = 0;

  private constructor(
    readonly cfg: ResolvedOperatorConfig,
    readonly identity: IdentityKey,
    private readonly db: Database,
    readonly repo: Repository,
    private readonly peers: PeerClients,
    private readonly log: (m: string) => void,
  ) {}

  get isCoordinator(): boolean {
    return this.cfg.identifier === this.cfg.coordinatorIdentifier;
  }

  static async start(cfg: ResolvedOperatorConfig, hooks: OperatorHooks = {}): Promise<Operator> {
    const log = hooks.log ?? ((m: string): void => void process.stderr.write(`[operator ${cfg.index}] ${m}\n`));
    const identity = loadOrCreateIdentity(cfg.dataDir);
    const db = await openDatabase(cfg.database);
    const op = new Operator(cfg, identity, db, new Repository(db), new PeerClients(cfg), log);
    try {
      await op.listen(hooks);
    } catch (e) {
      await op.stop();
      throw e;
    }
    return op;
  }

  private async listen(hooks: OperatorHooks): Promise<void> {
    const { cfg, repo, identity, log } = this;
    const events = new EventBus();
    const keys = new KeyshareCache(repo);
    // A pool of nonce pairs made ahead of demand, so a commitment request only hands them out.
    const nonces = new NonceStore(identity.privateKey, undefined, undefined, NONCE_POOL);
    this.nonces = nonces;
    const participants = cfg.peers.map((p) => p.identifier);
    const transferRows = new TransferRepository(this.db);
    const transferParticipant = new TransferParticipant({
      self: cfg.identifier, isCoordinator: this.isCoordinator, threshold: cfg.threshold, operators: participants, identity, transfers: transferRows, keys,
    });
    // A binding changes when a transfer moves a leaf to a tweaked key: read it per job.
    const signer = new OperatorSigner(cfg.identifier, nonces, keys, (keyshareId) => repo.boundVerifyingKey(keyshareId), (jobs) => transferParticipant.checkSigningJobs(jobs));
    const peerApis = new Map<string, InternalApi>([...this.peers.peers].map(([id, p]) => [id, p.api]));
    const dkg = new DkgService(cfg.identifier, participants, cfg.threshold, repo, peerApis, log, () => this.keysReady());
    const replicator = new Replicator(this.db, cfg.identifier, peerApis, recordKinds(repo, transferParticipant, cfg.coordinatorIdentifier, cfg.index), log);
    this.replicator = replicator;
    const identityKeys: Record<string, Uint8Array> = { [cfg.identifier]: identity.publicKey };
    for (const p of cfg.peers) if (p.identityPublicKey !== undefined) identityKeys[p.identifier] ??= hexToBytes(p.identityPublicKey);

    const health = async (): Promise<HealthResponse> => {
      const first = this.ready ? await repo.firstKeyshare() : undefined;
      return {
        identifier: cfg.identifier,
        identity_public_key: identity.publicKey,
        ready: this.ready,
        group_public_key: first === undefined ? new Uint8Array(0) : hexToBytes(first.public_key),
        key_pool_available: await repo.countAvailableKeyshares(),
        public_address: `https://${cfg.host}:${this.publicPort}`,
      };
    };
    let coordinator: SigningCoordinator | undefined;
    const signOperators = async (keyshareId: string, messages: Uint8Array[]): Promise<{ signatures: Uint8Array[]; verifying_key: Uint8Array; signers: string[] }> => {
      if (coordinator === undefined) throw new OperatorError('FAILED_PRECONDITION', 'not the coordinator');
      const id = keyshareId !== '' ? keyshareId : (await repo.firstKeyshare())?.id;
      if (id === undefined) throw new OperatorError('FAILED_PRECONDITION', 'no DKG key yet');
      const key = await keys.get(id);
      const { signatures, signers } = await coordinator.signOperatorsOnlyBatch(key, messages, 'ops');
      return { signatures, verifying_key: key.groupKey, signers };
    };
    const internal = createInternalHandlers({ health, dkg, nonces, signer, repo, keys, identity, events, replicator, transfers: transferParticipant, caughtUp: () => this.caughtUp, index: cfg.index, signOperators: this.isCoordinator ? signOperators : undefined });

    let chain: ChainWatcher | undefined;
    if (cfg.chain !== undefined) {
      chain = new ChainWatcher(new ChainRpc(cfg.chain), repo, cfg.chain, (node) => events.publish(node.owner_identity_public_key, { kind: 'deposit', node }), log);
    }
    this.watcher = chain;

    let deposits: DepositService | undefined;
    let transfers: TransferService | undefined;
    if (this.isCoordinator) {
      const participantsApi = new Map<string, ParticipantApi>([[cfg.identifier, internal], ...peerApis]);
      coordinator = new SigningCoordinator(cfg.identifier, cfg.threshold, participantsApi, identity.privateKey, log, signer);
      deposits = new DepositService({
        cfg, repo, keys, coordinator,
        takeKey: () => this.takeKey(dkg, keys),
        replicateAddress: (r) => this.replicateAddress(r),
        storeNode: (n, address) => this.storeNode(n, address),
        retireKey: (id) => this.retireKey(id),
        isConfirmed: chain === undefined ? undefined : (txid) => chain.isConfirmed(txid),
        operators: participants,
      });
      transfers = new TransferService({
        self: cfg.identifier, index: cfg.index, participant: transferParticipant, peers: peerApis, signing: coordinator, keys, transfers: transferRows, events, log,
        recordDecision: (sql, action, decision) => replicator.record(sql, TRANSFER_DECISION, transferDecisionRecordId(action, decision.transferId), toTransferDecisionPayload(action, decision)),
        deliverNow: () => replicator.deliverNow(),
      });
      // Before serving: a transfer left undecided by a stop is returned to its sender.
      await transfers.recover();
    }

    // Internal port: mutual TLS with the network's CA.
    const ca = readFileSync(cfg.tls.caPath);
    const keyPair = { private_key: readFileSync(cfg.tls.keyPath), cert_chain: readFileSync(cfg.tls.certPath) };
    const internalServer = createServer({ 'grpc.max_receive_message_length': 64 << 20 }).use(errorMiddleware(log));
    internalServer.add(tolerantGrpcJs(INTERNAL_SERVICE()), internal as unknown as Record<string, never>);
    this.internalServer = internalServer;
    this.internalPort = await internalServer.listen(`${cfg.host}:${cfg.internalPort}`, ServerCredentials.createSsl(ca, [keyPair], true));

    // Public port: TLS (ALPN h2 is grpc-js's default), authn unauthenticated, the rest behind a session.
    const authn = new AuthnService(identity, this.db, { challengeTtlSeconds: cfg.challengeTtlSeconds, sessionTtlSeconds: cfg.sessionTtlSeconds });
    // Size limit and session check before any body is decoded (request-guard.ts says what grpc-js allows).
    const publicOptions = {
      'grpc.max_receive_message_length': 20 << 20,
      interceptors: [earlyAuthInterceptor(authn.tokens, [SparkServiceDefinition.fullName, SparkTokenServiceDefinition.fullName])],
    };
    const publicServer = createServer(publicOptions as unknown as Parameters<typeof createServer>[0]).use(errorMiddleware(log));
    publicServer.add(tolerantGrpcJs(loadService('spark_authn.proto', 'spark_authn.SparkAuthnService')), {
      get_challenge: async (req: { public_key: Buffer }) => authn.getChallenge(req),
      verify_challenge: (req: Parameters<AuthnService['verifyChallenge']>[0]) => authn.verifyChallenge(req),
    } as unknown as Record<string, never>);
    // Nothing is served to wallets before this operator has caught up with its peers: a missing
    // leaf would read as a balance of 0.
    const authed = publicServer.with(servingGate(() => this.ready)).with(authMiddleware(authn.tokens));
    authed.add(tolerantTsProto(SparkServiceDefinition), createSparkService({ repo, keys, events, deposits, transfers, transferRows, peers: cfg.peers, identityPublicKeys: () => identityKeys }));
    authed.add(tolerantTsProto(SparkTokenServiceDefinition), createTokenService());
    this.publicServer = publicServer;
    this.publicPort = await publicServer.listen(`${cfg.host}:${cfg.publicPort}`, ServerCredentials.createSsl(ca, [keyPair], false));

    const listening: ListeningLine = {
      identifier: cfg.identifier,
      index: cfg.index,
      identityPublicKey: identity.publicKeyHex,
      publicAddress: `https://${cfg.host}:${this.publicPort}`,
      internalAddress: `${cfg.host}:${this.internalPort}`,
      pid: process.pid,
    };
    hooks.onListening?.(listening);

    if (this.isCoordinator) {
      // A key taken for an address request that a crash cut short: no request is in flight yet,
      // so a taken key without an address is one. Retire it everywhere, as a failed request would.
      for (const id of await repo.listAbandonedKeyshares()) {
        log(`retiring key ${id}: taken for an address request that did not finish`);
        await this.retireKeyDurably(replicator, id);
      }
    }
    replicator.start();
    chain?.start();
    void replicator
      .catchUp(() => this.stopped, (waiting) => log(`not serving wallets yet: waiting for operator(s) ${waiting.join(', ')} to answer the replication catch-up`))
      .then(() => {
        if (this.stopped) return;
        this.caughtUp = true;
        this.maybeReady();
      });

    // Learn the peers' identity keys for get_signing_operator_list, lazily.
    void this.learnIdentities(identityKeys);

    if ((await repo.firstKeyshare()) !== undefined) {
      this.keysReady();
      // A later batch a crash cut short is settled as soon as every operator answers.
      if (this.isCoordinator) void this.repairDkgWhenAllUp(dkg);
    } else if (this.isCoordinator) {
      void this.firstDkg(dkg);
    }
    void this.whenReady().then(async () => {
      if (this.stopped) return;
      try {
        const h = await health();
        if (this.stopped) return;
        hooks.onReady?.({ ...listening, groupPublicKey: Buffer.from(h.group_public_key).toString('hex'), threshold: cfg.threshold, operators: cfg.peers.length, keyPoolAvailable: h.key_pool_available });
      } catch (e) {
        // Only when stopped in the meantime (the database is closed); otherwise say so.
        if (!this.stopped) log(`could not report READY: ${(e as Error).message}`);
      }
    });
  }

  private keysReady(): void {
    this.hasKeys = true;
    this.maybeReady();
  }

  /** READY = the DKG keys exist here AND every peer's records for this operator are applied. */
  private maybeReady(): void {
    if (this.ready || !this.hasKeys || !this.caughtUp) return;
    this.ready = true;
    for (const w of this.readyWaiters.splice(0)) w();
  }

  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((r) => this.readyWaiters.push(r));
  }

  /** First start: wait until every peer answers, then run the first DKG batch (retrying). */
  private async firstDkg(dkg: DkgService): Promise<void> {
    while (!this.stopped && !this.hasKeys) {
      const down: string[] = [];
      await Promise.all([...this.peers.peers].map(async ([id, p]) => {
        try {
          await p.api.health({});
        } catch {
          down.push(id);
        }
      }));
      if (down.length === 0) {
        try {
          // A first batch that a crash cut short may only need its commit (or must go everywhere).
          await dkg.repair();
          if ((await this.repo.firstKeyshare()) !== undefined) {
            this.keysReady();
            return;
          }
          await dkg.runBatch(this.cfg.keyPool.batchSize);
          return;
        } catch (e) {
          this.log(`first DKG failed, retrying: ${(e as Error).message}`);
        }
      }
      await sleep(300);
    }
  }

  private async repairDkgWhenAllUp(dkg: DkgService): Promise<void> {
    while (!this.stopped) {
      try {
        await dkg.repair();
        return;
      } catch {
        await sleep(1000);
      }
    }
  }

  private async takeKey(dkg: DkgService, keys: KeyshareCache): Promise<Keyshare> {
    let row = await this.repo.takeKeyshare();
    if (row === undefined) {
      try {
        await dkg.runBatch(this.cfg.keyPool.batchSize);
      } catch (e) {
        throw new OperatorError('KEY_POOL_EMPTY', `no unused DKG key left and a new DKG batch failed: ${(e as Error).message}`);
      }
      row = await this.repo.takeKeyshare();
      if (row === undefined) throw new OperatorError('KEY_POOL_EMPTY', 'no unused DKG key left');
    }
    if ((await this.repo.countAvailableKeyshares()) < this.cfg.keyPool.lowWater) {
      dkg.runBatch(this.cfg.keyPool.batchSize).catch((e: unknown) => this.log(`key pool refill failed: ${(e as Error).message}`));
    }
    return keys.get(row.id);
  }

  private async replicateAddress(r: { address: string; leafId: string; identity: Uint8Array; userKey: Uint8Array; verifyingKey: Uint8Array; keyshareId: string; pop: Uint8Array }): Promise<Record<string, string>> {
    const record = {
      address: r.address, leaf_id: r.leafId, identity_public_key: r.identity, user_signing_public_key: r.userKey,
      verifying_public_key: r.verifyingKey, keyshare_id: r.keyshareId, network: SPARK_NETWORK_REGTEST, proof_of_possession: r.pop,
    };
    // Every peer answers before this fails: the caller then retires the key everywhere, and that
    // retirement should follow every store this request sent rather than race one still running
    // on a slower peer (retireKeyshareIn orders the two correctly either way, as it must for a
    // store that outlives its deadline).
    const results = await Promise.allSettled([...this.peers.peers].map(async ([id, p]): Promise<[string, string]> => {
      try {
        const res = await p.api.store_deposit_address({ record });
        return [id, Buffer.from(res.address_signature).toString('hex')];
      } catch (e) {
        throw new Error(`operator ${id} could not store the deposit address (every operator must sign it): ${(e as Error).message}`, { cause: e });
      }
    }));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    if (failures.length > 0) throw new OperatorError('UNAVAILABLE', failures.join('; '));
    return Object.fromEntries(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])));
  }

  /** Stores a node and, in the same transaction, records it for every peer; then tries to deliver it at once. */
  private async storeNode(n: Omit<TreeNodeRow, 'created_at' | 'updated_at'>, address: string): Promise<'stored' | 'exists' | 'conflict'> {
    const replicator = this.replicator;
    if (replicator === undefined) throw new OperatorError('UNAVAILABLE', 'operator is not started');
    const res = await this.db.transaction(async (tx) => {
      const r = await this.repo.insertTreeNodeIn(tx, n, address);
      if (r !== 'conflict') await replicator.record(tx, TREE_NODE, treeNodeRecordId(n.id), toTreeNodePayload(n));
      return r;
    });
    // Peers that are up get it before the wallet is answered; the others from the delivery loop.
    await replicator.deliverNow();
    return res;
  }

  /** Retires a key here and records the retirement for every peer (delivered by the replicator). */
  private async retireKeyDurably(replicator: Replicator, keyshareId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.repo.retireKeyshareIn(tx, keyshareId);
      await replicator.record(tx, KEYSHARE_RETIRED, keyshareRetiredRecordId(keyshareId), { keyshare_id: keyshareId });
    });
  }

  private async retireKey(keyshareId: string): Promise<void> {
    const replicator = this.replicator;
    if (replicator === undefined) return;
    try {
      await this.retireKeyDurably(replicator, keyshareId);
      await replicator.deliverNow();
    } catch (e) {
      this.log(`could not retire key ${keyshareId}: ${(e as Error).message}`);
    }
  }

  private async learnIdentities(keys: Record<string, Uint8Array>): Promise<void> {
    for (let attempt = 0; attempt < 50 && !this.stopped; attempt++) {
      let missing = 0;
      for (const [id, p] of this.peers.peers) {
        if (keys[id] !== undefined) continue;
        try {
          keys[id] = Uint8Array.from((await p.api.health({})).identity_public_key);
        } catch {
          missing++;
        }
      }
      if (missing === 0) return;
      await sleep(500);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.watcher?.stop();
    this.replicator?.stop();
    this.peers.close();
    this.nonces?.close();
    await Promise.all([this.publicServer?.forceShutdown(), this.internalServer?.forceShutdown()]);
    await this.db.close().catch(() => undefined);
  }
}
