import type { SparkSigner, SparkWallet } from '@buildonspark/spark-sdk';
import type { ApduTransport } from '../../../src/device/app.js';
import type { PromptSink } from '../device/device-prompt.js';
import { EXIT_DATA_FORMAT, type SparkNetworkName } from '../../../src/exit/exit-data.js';
import { keepExitDataIn, type ExitDataKeeper } from '../../../src/exit/keeper.js';
import { BridgeError } from '../errors.js';
import { TypedEmitter } from '../events.js';
import type { RoundRecorder } from '../rounds/round-recorder.js';
import type { AccountStore } from '../storage/account-store.js';
import { classifyWalletError } from './classify-error.js';
import { operatorTransfers } from './operator-transfers.js';
import { wholeLeavesFor } from './whole-leaves.js';

/**
 * Makes the SparkSigner of one account over the device's transport (LedgerSparkSigner in the app);
 * `prompts` hears each review the signer's requests put on the device's screen.
 */
export type SignerFactory = (transport: ApduTransport, account: number, prompts: PromptSink) => SparkSigner;
/** Opens the SDK wallet on a signer (SparkWallet.initialize with the network's options, clear signing on from the first login). */
export type WalletOpener = (signer: SparkSigner) => Promise<SparkWallet>;

/** A signer that signs a deposit's claim clearly once it is given the deposit transaction (LedgerSparkSigner). */
interface DepositAwareSigner {
  expectDeposit(rawTx: Uint8Array): void;
}

function expectsDeposits(signer: SparkSigner): signer is SparkSigner & DepositAwareSigner {
  return typeof (signer as Partial<DepositAwareSigner>).expectDeposit === 'function';
}

export interface Balance {
  availableSats: string;
  ownedSats: string;
  incomingSats: string;
}

/** A transfer as the UI and the API show it (amounts as decimal strings: JSON has no bigint). */
export interface TransferView {
  id: string;
  direction: 'INCOMING' | 'OUTGOING' | string;
  status: string;
  amountSats: string;
  counterparty: string;
  createdAt: string | null;
  type: string;
}

export interface AccountSessionEvents extends Record<string, unknown> {
  /** The balance or the transfers changed (deposit claimed, transfer sent or received). */
  changed: { account: number; reason: string };
  /** The account's exit data was saved (how many leaves it covers), or could not be. */
  exitData: { account: number; leaves: number } | { account: number; error: string };
}

/** Spark addresses (bech32m, prefixes per network) as the SDK encodes them. */
const SPARK_ADDRESS = /^(spark|sparkrt|sparkt|sparks|sparkl)1[02-9ac-hj-np-z]{20,}$/;

/**
 * One Spark account: one unmodified SDK SparkWallet on the device's signer, wrapped so that every
 * FROST signature it asks for is a recorded round, plus the account's local record.
 */
export class AccountSession extends TypedEmitter<AccountSessionEvents> {
  private wallet: SparkWallet | undefined;
  private signer: SparkSigner | undefined;
  private identity: string | undefined;
  private sparkAddress: string | undefined;
  private keeper: ExitDataKeeper | undefined;

  constructor(
    readonly account: number,
    private readonly deps: {
      transport: ApduTransport;
      signerFactory: SignerFactory;
      openWallet: WalletOpener;
      recorder: RoundRecorder;
      store: AccountStore;
      /** Where the device prompts of this account's signer go (the core publishes them). */
      prompts: PromptSink;
      /**
       * A service provider (SSP) serves the network and may split leaves for a send. When false,
       * a send the wallet's available whole leaves cannot pay exactly is refused before anything
       * is signed (see whole-leaves.ts).
       */
      serviceProvider: boolean;
      /**
       * Keeps the account's exit data (src/exit) in its record, now and after every change of its
       * leaves, for the Spark network named here. Without it nothing is kept.
       */
      exitDataNetwork?: SparkNetworkName;
    },
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.wallet !== undefined;
  }

  /** Initializes the wallet (the operators authenticate the device's identity key, signed clearly: no approval). */
  async open(): Promise<void> {
    if (this.wallet !== undefined) return;
    const signer = this.deps.recorder.wrapSigner(this.deps.signerFactory(this.deps.transport, this.account, this.deps.prompts));
    let wallet: SparkWallet;
    try {
      wallet = await this.deps.openWallet(signer);
    } catch (err) {
      throw classifyWalletError(err);
    }
    try {
      this.identity = await wallet.getIdentityPublicKey();
      await this.deps.store.open(this.identity);
      this.sparkAddress = await wallet.getSparkAddress();
    } catch (err) {
      await wallet.cleanup().catch(() => undefined);
      throw err instanceof BridgeError ? err : classifyWalletError(err);
    }
    const changed = (reason: string) => () => this.emit('changed', { account: this.account, reason });
    wallet.on('balance:update', changed('balance'));
    wallet.on('transfer:claimed', () => {
      // The claim's refunds were signed in background rounds: the operators accepted them.
      this.deps.recorder.endBackground('succeeded', 'the wallet claimed the incoming transfer');
      this.emit('changed', { account: this.account, reason: 'transfer claimed' });
    });
    wallet.on('deposit:confirmed', changed('deposit confirmed'));
    this.wallet = wallet;
    this.signer = signer;
    this.keepExitData(wallet);
  }

  /** Resolves once every exit-data save asked for so far has ended (saved or failed). */
  async exitDataSettled(): Promise<void> {
    await this.keeper?.settled();
  }

  private keepExitData(wallet: SparkWallet): void {
    const network = this.deps.exitDataNetwork;
    if (network === undefined) return;
    const account = this.account;
    this.keeper = keepExitDataIn(wallet, async (data) => void (await this.deps.store.saveExitData(EXIT_DATA_FORMAT, data)), {
      network,
      account,
      onSaved: (leaves) => this.emit('exitData', { account, leaves }),
      // The previous copy stays; the next change of leaves tries again.
      onError: (err) => this.emit('exitData', { account, error: classifyWalletError(err).message }),
    });
  }

  async close(): Promise<void> {
    const w = this.wallet;
    this.wallet = undefined;
    this.signer = undefined;
    this.keeper?.stop();
    this.keeper = undefined;
    await w?.cleanup().catch(() => undefined);
  }

  identityInfo(): { account: number; identityPublicKey: string; sparkAddress: string } {
    this.requireWallet();
    return { account: this.account, identityPublicKey: this.identity ?? '', sparkAddress: this.sparkAddress ?? '' };
  }

  async balance(): Promise<Balance> {
    const b = await this.call((w) => w.getBalance());
    return { availableSats: b.satsBalance.available.toString(), ownedSats: b.satsBalance.owned.toString(), incomingSats: b.satsBalance.incoming.toString() };
  }

  /** A new single-use deposit address, recorded before it is shown so a restart cannot lose it. */
  async depositAddress(): Promise<string> {
    const address = await this.call((w) => w.getSingleUseDepositAddress());
    await this.deps.store.addDepositAddress(address);
    return address;
  }

  /**
   * Claims the deposit `txid`. With its raw transaction, the signer is told of the deposit first
   * (expectDeposit): the tree's root and refunds are then signed clearly, with no screen.
   */
  async claimDeposit(txid: string, rawTx?: Uint8Array): Promise<{ claimedSats: string }> {
    if (!/^[0-9a-f]{64}$/.test(txid)) throw new BridgeError('INVALID_REQUEST', 'a transaction id is 64 lowercase hex characters');
    this.requireWallet();
    if (rawTx !== undefined && this.signer !== undefined && expectsDeposits(this.signer)) this.signer.expectDeposit(rawTx);
    const leaves = await this.deps.recorder.runOperation('claim-deposit', 'deposit claim', () => this.call((w) => w.claimDeposit(txid)));
    const total = leaves.reduce((sum, l) => sum + BigInt(l.value), 0n);
    this.emit('changed', { account: this.account, reason: 'deposit claimed' });
    return { claimedSats: total.toString() };
  }

  async send(receiverSparkAddress: string, amountSats: bigint): Promise<TransferView> {
    if (!SPARK_ADDRESS.test(receiverSparkAddress)) throw new BridgeError('INVALID_REQUEST', `not a Spark address: ${receiverSparkAddress.slice(0, 24)}`);
    if (amountSats <= 0n) throw new BridgeError('INVALID_REQUEST', 'the amount must be a positive number of sats');
    if (amountSats > BigInt(Number.MAX_SAFE_INTEGER)) throw new BridgeError('INVALID_REQUEST', 'the amount is too large');
    if (!this.deps.serviceProvider) await this.requireWholeLeaves(amountSats);
    const transfer = await this.deps.recorder.runOperation('send', `send of ${amountSats} sats`, () =>
      this.call((w) => w.transfer({ receiverSparkAddress, amountSats: Number(amountSats) })),
    );
    this.emit('changed', { account: this.account, reason: 'transfer sent' });
    return transferView(transfer);
  }

  /** Refuses, with what the user can send instead, an amount that would need a leaf split. */
  private async requireWholeLeaves(amountSats: bigint): Promise<void> {
    const values = (await this.call((w) => w.getLeaves())).map((l) => l.value);
    const total = values.reduce((sum, v) => sum + BigInt(v), 0n);
    if (amountSats > total) {
      throw new BridgeError('INVALID_REQUEST', `the amount ${amountSats} sats is more than the ${total} sats available`);
    }
    if (wholeLeavesFor(values, Number(amountSats)) !== undefined) return;
    const sizes = [...values].sort((a, b) => b - a).join(', ');
    throw new BridgeError(
      'NEEDS_SERVICE_PROVIDER',
      `${amountSats} sats cannot be sent: your balance is held in whole leaves of ${sizes} sats, and splitting a leaf needs a Spark service provider, which this network does not have. Send the value of whole leaves instead (for example ${values.length > 0 ? Math.max(...values) : 0} sats); nothing was signed.`,
    );
  }

  async transfers(limit = 50): Promise<TransferView[]> {
    // SparkWallet.getTransfers needs the service provider (see operator-transfers.ts).
    if (!this.deps.serviceProvider) return await this.call((w) => operatorTransfers(w, this.identity ?? '', limit));
    const { transfers } = await this.call((w) => w.getTransfers(limit, 0));
    return transfers.map(transferView);
  }

  private requireWallet(): SparkWallet {
    if (this.wallet === undefined) throw new BridgeError('WALLET_NOT_OPEN', 'the wallet is not open: connect your Ledger and open the Spark Signer app');
    return this.wallet;
  }

  private async call<T>(work: (w: SparkWallet) => Promise<T>): Promise<T> {
    const wallet = this.requireWallet();
    try {
      return await work(wallet);
    } catch (err) {
      throw classifyWalletError(err);
    }
  }
}

function transferView(t: Awaited<ReturnType<SparkWallet['transfer']>>): TransferView {
  const outgoing = t.transferDirection === 'OUTGOING';
  return {
    id: t.id,
    direction: t.transferDirection,
    status: t.status,
    amountSats: String(t.totalValue),
    counterparty: outgoing ? t.receiverIdentityPublicKey : t.senderIdentityPublicKey,
    createdAt: t.createdTime?.toISOString() ?? null,
    type: t.type,
  };
}
