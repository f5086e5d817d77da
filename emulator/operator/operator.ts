/**
 * One operator: wires the database (db/), the domain services (authn/, dkg/, signing/, deposit/,
 * replication/, transfer/) and the gRPC layer (grpc/) together, and tracks READY.
 * `Operator.start(config)` is what main.ts runs; tests may run it in-process too.
 */
import type { Server } from 'nice-grpc';
import { AuthnService } from './authn/authn-service.js';
import { ChainRpc, ChainWatcher } from './chain-watcher.js';
import type { ListeningLine, ReadyLine, ResolvedOperatorConfig } from './config.js';
import { hexToBytes } from './crypto.js';
import { UsedChallengeNonces } from './db/challenge-nonces.js';
import type { Database } from './db/database.js';
import { openDatabase } from './db/open.js';
import { Repository } from './db/repository.js';
import { TransferRepository } from './db/transfer-repository.js';
import { replicateAddress } from './deposit/address-replication.js';
import { DepositService } from './deposit/deposit-service.js';
import { checkStaticSpend } from './static-deposit/spend-check.js';
import { UtxoSwapService } from './static-deposit/utxo-swap-service.js';
import { storeNode } from './deposit/node-store.js';
import { KeyPool } from './dkg/key-pool.js';
import { DkgService } from './dkg/service.js';
import { firstDkg, repairDkgWhenAllUp } from './dkg/start-up.js';
import { OperatorError } from './errors.js';
import { EventBus } from './events.js';
import { createInternalHandlers } from './grpc/internal/handlers.js';
import { PeerClients } from './grpc/internal/peer-client.js';
import { healthOf } from './health.js';
import { learnIdentities } from './peers/identities.js';
import { coordinatorTransfers, createSparkService, wireRenderers } from './grpc/public/spark-service.js';
import { createSspService } from './grpc/public/ssp-service.js';
import { createTokenService } from './grpc/public/token-service.js';
import { serveInternal, servePublic } from './grpc/servers.js';
import { loadOrCreateIdentity, signDigestDer } from './identity.js';
import { addressSignatureDigest } from './deposit/proof.js';
import type { IdentityKey } from './identity.js';
import { recordKinds, Replicator } from './replication/index.js';
import { TRANSFER_DECISION, toTransferDecisionPayload, transferDecisionRecordId } from './replication/kinds/transfer-decision.js';
import { SigningCoordinator } from './signing/coordinator.js';
import type { SigningParticipant } from './signing/coordinator.js';
import { KeyshareCache } from './signing/keyshares.js';
import { NonceStore } from './signing/nonce-store.js';
import { OperatorSigner } from './signing/operator-signer.js';
import { TransferParticipant } from './transfer/participant.js';
import { TransferService } from './transfer/transfer-service.js';
import { RenewRepository } from './db/renew-repository.js';
import { checkRenewJob } from './renew/renew-job-check.js';
import { RenewService } from './renew/renew-service.js';
import { LEAF_RENEWAL, leafRenewalRecordId } from './replication/kinds/leaf-renewal.js';

export interface OperatorHooks {
  log?: (msg: string) => void;
  onListening?: (line: ListeningLine) => void;
  onReady?: (line: ReadyLine) => void;
}

/** Unpublished nonce pairs each operator keeps ready (a few commitment requests' worth). */
const NONCE_POOL = 256;

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
  /** returns swap primary transfers that got no counter transfer in time (coordinator) */
  private swapSweeper: NodeJS.Timeout | undefined;
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
    const chainRpc = cfg.chain === undefined ? undefined : new ChainRpc(cfg.chain);
    const transferParticipant = new TransferParticipant({
      self: cfg.identifier, isCoordinator: this.isCoordinator, threshold: cfg.threshold, operators: participants, identity, transfers: transferRows, keys,
      ...(chainRpc === undefined ? {} : { chainHeight: () => chainRpc.height() }),
    });
    const renewRows = new RenewRepository(this.db);
    // A binding changes when a transfer moves a leaf to a tweaked key: read it per job.
    const signer = new OperatorSigner(cfg.identifier, nonces, keys, (keyshareId) => repo.boundVerifyingKey(keyshareId), (jobs) => transferParticipant.checkSigningJobs(jobs),
      (job) => checkRenewJob(renewRows, cfg.identifier, job), (job) => checkStaticSpend({ db: this.db, transfers: transferRows, self: cfg.identifier }, job));
    const peers = this.peers.peers;
    const dkg = new DkgService(cfg.identifier, participants, cfg.threshold, repo, peers, log, () => this.keysReady());
    const replicator = new Replicator(this.db, cfg.identifier, peers, recordKinds(repo, transferParticipant, cfg.coordinatorIdentifier, cfg.index, renewRows), log);
    this.replicator = replicator;
    const identityKeys: Record<string, Uint8Array> = { [cfg.identifier]: identity.publicKey };
    for (const p of cfg.peers) if (p.identityPublicKey !== undefined) identityKeys[p.identifier] ??= hexToBytes(p.identityPublicKey);

    const health = healthOf({ cfg, identity, repo, ready: () => this.ready, publicPort: () => this.publicPort });
    let coordinator: SigningCoordinator | undefined;
    // For benchmarks and diagnostics: operator-only signatures with a DKG key (the first one by default).
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
    if (cfg.chain !== undefined && chainRpc !== undefined) {
      chain = new ChainWatcher(chainRpc, repo, cfg.chain, (node) => events.publish(node.owner_identity_public_key, { kind: 'deposit', node }), log, {
        pending: async () => {
          const out: { transferId: string; exitTxid: string }[] = [];
          for (const id of await transferRows.listUnconfirmedExits()) {
            const t = await transferRows.get(id);
            if (t?.exit !== undefined) out.push({ transferId: id, exitTxid: t.exit.exitTxid });
          }
          return out;
        },
        confirmed: (transferId, height) => transferParticipant.applyExitConfirmed(transferId, height),
      });
    }
    this.watcher = chain;

    let keyPool: KeyPool | undefined;
    let deposits: DepositService | undefined;
    let transfers: TransferService | undefined;
    let renewals: RenewService | undefined;
    let utxoSwaps: UtxoSwapService | undefined;
    if (this.isCoordinator) {
      // This operator signs in-process, alike with its peers.
      const self: SigningParticipant = { frostCommitments: async (count) => nonces.create(count), frostSign: (jobs) => signer.sign(jobs) };
      const participantsApi = new Map<string, SigningParticipant>([[cfg.identifier, self], ...peers]);
      coordinator = new SigningCoordinator(cfg.identifier, cfg.threshold, participantsApi, identity.privateKey, log, signer);
      const pool = new KeyPool({ db: this.db, repo, keys, dkg, replicator, batchSize: cfg.keyPool.batchSize, lowWater: cfg.keyPool.lowWater, log });
      keyPool = pool;
      deposits = new DepositService({
        cfg, repo, keys, coordinator,
        takeKey: () => pool.take(),
        replicateAddress: (a) => replicateAddress(peers, a),
        signAddress: (address) => signDigestDer(identity, addressSignatureDigest(address)),
        storeNode: (n, address) => storeNode({ db: this.db, repo, replicator }, n, address),
        retireKey: (id) => pool.retire(id),
        isConfirmed: chain === undefined ? undefined : (txid) => chain.isConfirmed(txid),
      });
      transfers = new TransferService({
        self: cfg.identifier, index: cfg.index, participant: transferParticipant, peers, signing: coordinator, keys, transfers: transferRows, events, log,
        recordDecision: (sql, action, decision) => replicator.record(sql, TRANSFER_DECISION, transferDecisionRecordId(action, decision.transferId), toTransferDecisionPayload(action, decision)),
        deliverNow: () => replicator.deliverNow(),
      });
      renewals = new RenewService({
        index: cfg.index, nodes: renewRows, keys, signing: coordinator,
        record: (sql, decision) => replicator.record(sql, LEAF_RENEWAL, leafRenewalRecordId(decision), decision),
        deliverNow: () => replicator.deliverNow(),
      });
      utxoSwaps = new UtxoSwapService({
        db: this.db, repo, transferRows, transfers, signing: coordinator, keys, replicator, index: cfg.index,
        chain: cfg.chain === undefined ? undefined : new ChainRpc(cfg.chain), confirmations: chain?.required ?? 1,
      });
      // Before serving: a transfer left undecided by a stop is returned to its sender.
      await transfers.recover();
      const swept = transfers;
      const sweepEveryMs = Math.min(5_000, Math.max(250, cfg.swapPrimaryTimeoutMs / 4));
      this.swapSweeper = setInterval(() => {
        swept.returnStalePrimaries(new Date(Date.now() - cfg.swapPrimaryTimeoutMs)).catch((e: unknown) => log(`returning stale swap primaries: ${String(e)}`));
      }, sweepEveryMs);
      this.swapSweeper.unref();
    }

    const internalServer = await serveInternal(cfg, internal, log);
    this.internalServer = internalServer.server;
    this.internalPort = internalServer.port;
    const authn = new AuthnService(identity, new UsedChallengeNonces(this.db), { challengeTtlSeconds: cfg.challengeTtlSeconds, sessionTtlSeconds: cfg.sessionTtlSeconds });
    const publicServer = await servePublic(cfg, {
      authn,
      spark: createSparkService({ repo, keys, events, deposits, transfers, transferRows, renewals, utxoSwaps, renewRows, peers: cfg.peers, identityPublicKeys: () => identityKeys }),
      token: createTokenService(),
      ssp: createSspService(() => coordinatorTransfers(transfers), wireRenderers({ repo, keys, peers: cfg.peers }).toTransfer, () => {
        if (utxoSwaps === undefined) throw new OperatorError('FAILED_PRECONDITION', 'this operator is not the coordinator: send static deposit claims to the coordinator');
        return utxoSwaps;
      }, repo),
      serving: () => this.ready,
    }, log);
    this.publicServer = publicServer.server;
    this.publicPort = publicServer.port;

    const listening: ListeningLine = {
      identifier: cfg.identifier,
      index: cfg.index,
      identityPublicKey: identity.publicKeyHex,
      publicAddress: `https://${cfg.host}:${this.publicPort}`,
      internalAddress: `${cfg.host}:${this.internalPort}`,
      pid: process.pid,
    };
    hooks.onListening?.(listening);

    await keyPool?.retireAbandoned();
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
    void learnIdentities(peers, identityKeys, () => this.stopped);

    if ((await repo.firstKeyshare()) !== undefined) {
      this.keysReady();
      if (this.isCoordinator) void repairDkgWhenAllUp(dkg, () => this.stopped);
    } else if (this.isCoordinator) {
      void firstDkg({
        dkg, peers, repo, batchSize: cfg.keyPool.batchSize, log,
        finished: () => this.stopped || this.hasKeys, onKeys: () => this.keysReady(),
      });
    }
    void this.whenReady().then(async () => {
      if (this.stopped) return;
      try {
        const h = await health();
        if (this.stopped) return;
        hooks.onReady?.({ ...listening, groupPublicKey: Buffer.from(h.groupPublicKey).toString('hex'), threshold: cfg.threshold, operators: cfg.peers.length, keyPoolAvailable: h.keyPoolAvailable });
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

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.swapSweeper);
    this.watcher?.stop();
    this.replicator?.stop();
    this.peers.close();
    this.nonces?.close();
    await Promise.all([this.publicServer?.forceShutdown(), this.internalServer?.forceShutdown()]);
    await this.db.close().catch(() => undefined);
  }
}
