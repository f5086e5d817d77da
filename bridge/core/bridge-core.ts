import { DeviceManager } from './device/device-manager.js';
import type { PromptEvent } from './device/device-prompt.js';
import type { DeviceSource } from './device/device-source.js';
import type { DeviceStatus } from './device/device-status.js';
import { BridgeError, messageOf } from './errors.js';
import { TypedEmitter } from './events.js';
import type { SparkNetworkName } from '../../src/exit/exit-data.js';
import { deviceExitExecutor, type ChainExitOptions } from './exit/device-exit.js';
import { exitDataOf, exitNotAvailable, type ExitExecutor, type ExitOutcome, type ExitProgress, type ExitRequest } from './exit/exit-action.js';
import type { RoundStreamEvent } from './rounds/round-model.js';
import { RoundRecorder } from './rounds/round-recorder.js';
import { AccountStore } from './storage/account-store.js';
import { AccountSession, type SignerFactory, type WalletOpener } from './wallet/account-session.js';
import type { DepositTransactionSource } from './wallet/deposit-transaction.js';

/** Long work the UI shows a progress line for. */
export interface ProgressEvent {
  task: string;
  state: 'running' | 'done' | 'failed';
  message: string;
}

/** Everything the core publishes; the server streams it to the UI and paired applications. */
export type CoreEvent =
  | { type: 'device'; status: DeviceStatus }
  | { type: 'wallet'; account: number; state: 'opening' | 'open' | 'closed' | 'failed'; message: string }
  | { type: 'changed'; account: number; reason: string }
  | { type: 'progress'; progress: ProgressEvent }
  /** A review on the device's screen appeared (state "showing") or ended, as the signer asked for it. */
  | ({ type: 'device-prompt' } & PromptEvent)
  | RoundStreamEvent;

export interface CoreEvents extends Record<string, unknown> {
  event: CoreEvent;
}

export interface BridgeCoreOptions {
  source: DeviceSource;
  signerFactory: SignerFactory;
  openWallet: WalletOpener;
  /**
   * Reads a deposit's transaction before its claim, for the signer to sign the claim clearly
   * (LedgerSparkSigner.expectDeposit). Without it, or when the chain cannot be read, the claim's
   * shares are blind-signing requests.
   */
  depositTransaction?: DepositTransactionSource;
  dataDir: string;
  /** Accounts to open when the device is ready. Default [0]. */
  accounts?: number[];
  pollMs?: number;
  /** The Spark network: each account's exit data is kept in its record for it. Without it nothing is kept. */
  network?: SparkNetworkName;
  /** Where "exit now" exits (a Bitcoin node, a fee wallet): the sweeps are signed on the device. */
  exit?: ChainExitOptions;
  /** Replaces the device executor `exit` makes (tests). */
  exitExecutor?: ExitExecutor;
  /**
   * A Spark service provider serves the network, so a send may need a leaf swap. Default false:
   * the bridge then sends only sums of whole leaves and refuses other amounts with
   * NEEDS_SERVICE_PROVIDER before anything is signed.
   */
  serviceProvider?: boolean;
}

/**
 * The bridge without any UI: the device manager, one wallet per account, the round recorder and
 * local storage, wired together. Runs in plain Node (headless mode) and in Electron's main process.
 * When the device becomes ready the accounts' wallets are opened; when it goes away they stay open
 * (the SDK wallet holds no device state) and signing waits for it to come back.
 */
export class BridgeCore extends TypedEmitter<CoreEvents> {
  readonly device: DeviceManager;
  readonly recorder = new RoundRecorder();
  private readonly sessions = new Map<number, AccountSession>();
  private readonly exitExecutor: ExitExecutor;
  private opening: Promise<void> | undefined;
  private walletError: BridgeError | undefined;
  private exiting = false;

  constructor(private readonly options: BridgeCoreOptions) {
    super();
    this.device = new DeviceManager(options.source, options.pollMs === undefined ? {} : { pollMs: options.pollMs });
    this.exitExecutor = options.exitExecutor ?? (options.exit === undefined ? exitNotAvailable : deviceExitExecutor(this.device.transport, options.exit));
    this.device.on('exchange', (e) => this.recorder.onExchange(e));
    this.device.on('status', (status) => {
      this.emit('event', { type: 'device', status });
      if (status.state === 'ready') void this.openAccounts();
    });
    this.recorder.on('event', (e) => this.emit('event', e));
    for (const account of options.accounts ?? [0]) {
      const session = new AccountSession(account, {
        transport: this.device.transport,
        signerFactory: options.signerFactory,
        openWallet: options.openWallet,
        recorder: this.recorder,
        store: new AccountStore(options.dataDir, account),
        prompts: (e) => this.emit('event', { type: 'device-prompt', ...e }),
        serviceProvider: options.serviceProvider ?? false,
        ...(options.network === undefined ? {} : { exitDataNetwork: options.network }),
      });
      session.on('changed', (c) => this.emit('event', { type: 'changed', ...c }));
      session.on('exitData', (e) => {
        const progress: ProgressEvent =
          'error' in e
            ? { task: `exit data ${account}`, state: 'failed', message: `exit data not updated (the last saved copy is kept): ${e.error}` }
            : { task: `exit data ${account}`, state: 'done', message: `exit data saved for ${e.leaves} leaves` };
        this.emit('event', { type: 'progress', progress });
      });
      this.sessions.set(account, session);
    }
  }

  start(): void {
    this.device.start();
  }

  async stop(): Promise<void> {
    await this.device.stop();
    for (const s of this.sessions.values()) await s.close();
    this.recorder.dispose();
  }

  session(account = 0): AccountSession {
    const s = this.sessions.get(account);
    if (s === undefined) throw new BridgeError('INVALID_REQUEST', `account ${account} is not configured in this bridge`);
    return s;
  }

  /** Why the wallet is not open, if opening failed (shown until the next attempt). */
  lastWalletError(): BridgeError | undefined {
    return this.walletError;
  }

  /** Opens every account's wallet (again after a failure); one attempt at a time. */
  openAccounts(): Promise<void> {
    this.opening ??= this.openAll().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async openAll(): Promise<void> {
    for (const s of this.sessions.values()) {
      if (s.isOpen) continue;
      const task = `open account ${s.account}`;
      this.emit('event', { type: 'wallet', account: s.account, state: 'opening', message: 'Opening the wallet: the Ledger signs in to the Spark operators (nothing to approve)' });
      this.emit('event', { type: 'progress', progress: { task, state: 'running', message: 'signing in to the Spark operators with your Ledger' } });
      try {
        await s.open();
        this.walletError = undefined;
        this.emit('event', { type: 'wallet', account: s.account, state: 'open', message: 'open' });
        this.emit('event', { type: 'progress', progress: { task, state: 'done', message: 'signed in' } });
      } catch (err) {
        this.walletError = err instanceof BridgeError ? err : new BridgeError('WALLET_FAILED', messageOf(err));
        this.emit('event', { type: 'wallet', account: s.account, state: 'failed', message: this.walletError.message });
        this.emit('event', { type: 'progress', progress: { task, state: 'failed', message: this.walletError.message } });
      }
    }
  }

  /**
   * Claims a deposit with progress shown; the claim's FROST signatures are recorded rounds. The
   * deposit transaction is announced to the signer first, so they are signed with no screen.
   */
  async claimDeposit(txid: string, account = 0): Promise<{ claimedSats: string }> {
    const task = `claim ${txid.slice(0, 12)}…`;
    return await this.withProgress(task, 'claiming the deposit', async () => {
      const source = this.options.depositTransaction;
      const rawTx = source === undefined ? undefined : await source(txid).catch((err: unknown) => {
        const message = `${messageOf(err)}: approve each signature of the claim on your Ledger (blind signing)`;
        this.emit('event', { type: 'progress', progress: { task, state: 'running', message } });
        return undefined;
      });
      return await this.session(account).claimDeposit(txid, rawTx);
    });
  }

  async send(receiverSparkAddress: string, amountSats: bigint, account = 0): ReturnType<AccountSession['send']> {
    return await this.withProgress(`send ${amountSats} sats`, 'sending: approve each signature on your Ledger', () =>
      this.session(account).send(receiverSparkAddress, amountSats),
    );
  }

  /**
   * 'Exit now': every leaf of the account's stored exit data goes back to Bitcoin without the
   * operators and is swept to `request.to`, each sweep approved on the device. One exit at a time;
   * progress is published as it goes.
   */
  async exitNow(request: ExitRequest, account = 0, onProgress: (p: ExitProgress) => void = () => undefined): Promise<ExitOutcome> {
    const doc = await new AccountStore(this.options.dataDir, account).read();
    if (doc?.exitData === null || doc === undefined) {
      throw new BridgeError('NOT_AVAILABLE', `account ${account} has no exit data stored yet`);
    }
    const data = exitDataOf(doc.exitData);
    if (this.exiting) throw new BridgeError('INVALID_REQUEST', 'an exit is already running');
    this.exiting = true;
    try {
      return await this.withProgress(`exit account ${account}`, `exiting ${data.leaves.length} leaves to ${request.to}`, () =>
        this.exitExecutor.exitNow(data, request, (p) => {
          onProgress(p);
          this.emit('event', { type: 'progress', progress: { task: `exit account ${account}`, state: 'running', message: `leaf ${p.leaf}/${p.leaves}: ${p.message}` } });
        }),
      );
    } finally {
      this.exiting = false;
    }
  }

  private async withProgress<T>(task: string, message: string, work: () => Promise<T>): Promise<T> {
    this.emit('event', { type: 'progress', progress: { task, state: 'running', message } });
    try {
      const result = await work();
      this.emit('event', { type: 'progress', progress: { task, state: 'done', message: 'done' } });
      return result;
    } catch (err) {
      this.emit('event', { type: 'progress', progress: { task, state: 'failed', message: messageOf(err) } });
      throw err;
    }
  }
}
