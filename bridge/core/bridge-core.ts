import { DeviceManager } from './device/device-manager.js';
import type { DeviceSource } from './device/device-source.js';
import type { DeviceStatus } from './device/device-status.js';
import { BridgeError, messageOf } from './errors.js';
import { TypedEmitter } from './events.js';
import { exitNotAvailable, type ExitExecutor, type ExitProgress } from './exit/exit-action.js';
import type { RoundStreamEvent } from './rounds/round-model.js';
import { RoundRecorder } from './rounds/round-recorder.js';
import { AccountStore } from './storage/account-store.js';
import { AccountSession, type SignerFactory, type WalletOpener } from './wallet/account-session.js';

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
  | RoundStreamEvent;

export interface CoreEvents extends Record<string, unknown> {
  event: CoreEvent;
}

export interface BridgeCoreOptions {
  source: DeviceSource;
  signerFactory: SignerFactory;
  openWallet: WalletOpener;
  dataDir: string;
  /** Accounts to open when the device is ready. Default [0]. */
  accounts?: number[];
  pollMs?: number;
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

  constructor(private readonly options: BridgeCoreOptions) {
    super();
    this.device = new DeviceManager(options.source, options.pollMs === undefined ? {} : { pollMs: options.pollMs });
    this.exitExecutor = options.exitExecutor ?? exitNotAvailable;
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
        serviceProvider: options.serviceProvider ?? false,
      });
      session.on('changed', (c) => this.emit('event', { type: 'changed', ...c }));
      this.sessions.set(account, session);
    }
  }

  start(): void {
    this.device.start();
  }

  async stop(): Promise<void> {
    await this.device.stop();
    for (const s of this.sessions.values()) await s.close();
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
      this.emit('event', { type: 'wallet', account: s.account, state: 'opening', message: 'Opening the wallet: approve the sign-in requests on your Ledger' });
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

  /** Claims a deposit with progress shown; the claim's FROST signatures are recorded rounds. */
  async claimDeposit(txid: string, account = 0): Promise<{ claimedSats: string }> {
    return await this.withProgress(`claim ${txid.slice(0, 12)}…`, 'claiming the deposit: approve each signature on your Ledger', () =>
      this.session(account).claimDeposit(txid),
    );
  }

  async send(receiverSparkAddress: string, amountSats: bigint, account = 0): ReturnType<AccountSession['send']> {
    return await this.withProgress(`send ${amountSats} sats`, 'sending: approve each signature on your Ledger', () =>
      this.session(account).send(receiverSparkAddress, amountSats),
    );
  }

  /** 'Exit now': broadcasts the stored exit data without the operators. */
  async exitNow(account = 0, onProgress: (p: ExitProgress) => void = () => undefined): Promise<ExitProgress> {
    const doc = await new AccountStore(this.options.dataDir, account).read();
    if (doc?.exitData === null || doc === undefined) {
      throw new BridgeError('NOT_AVAILABLE', `account ${account} has no exit data stored yet`);
    }
    return await this.exitExecutor.exitNow(doc.exitData, onProgress);
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
