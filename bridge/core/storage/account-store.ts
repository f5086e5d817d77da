import path from 'node:path';
import { BridgeError } from '../errors.js';
import { JsonFile } from './json-file.js';

export const ACCOUNT_FORMAT_VERSION = 1;

/** A single-use deposit address the wallet handed out: funds sent to it must still be claimed. */
export interface DepositAddressRecord {
  address: string;
  createdAt: string;
}

/**
 * What a unilateral exit needs when the operators are gone: the signed exit transactions of every
 * leaf (node tree and refunds), as the exit work will produce them. The bridge keeps whatever the
 * producer gives it, with the format name, so a later bridge can read an older slot.
 */
export interface ExitDataSlot {
  format: string;
  savedAt: string;
  payload: unknown;
}

/** What the user must keep for one Spark account, in `<data>/accounts/<account>.json`. */
export interface AccountDocument {
  version: typeof ACCOUNT_FORMAT_VERSION;
  account: number;
  /** The device's identity key for this account: a different device's wallet is never mixed in. */
  identityPublicKey: string;
  depositAddresses: DepositAddressRecord[];
  exitData: ExitDataSlot | null;
}

function validateAccount(value: unknown): AccountDocument {
  const v = value as Partial<AccountDocument>;
  if (v.version !== ACCOUNT_FORMAT_VERSION) throw new Error(`unknown format ${String(v.version)}`);
  if (typeof v.account !== 'number' || !Number.isInteger(v.account)) throw new Error('account must be an integer');
  if (typeof v.identityPublicKey !== 'string' || !/^[0-9a-f]{66}$/.test(v.identityPublicKey)) throw new Error('identityPublicKey must be 33 bytes of hex');
  if (!Array.isArray(v.depositAddresses) || !v.depositAddresses.every((d) => typeof d?.address === 'string' && typeof d.createdAt === 'string')) {
    throw new Error('depositAddresses must be a list of { address, createdAt }');
  }
  if (v.exitData !== null && (typeof v.exitData?.format !== 'string' || typeof v.exitData.savedAt !== 'string')) {
    throw new Error('exitData must be null or { format, savedAt, payload }');
  }
  return v as AccountDocument;
}

/** One account's local record, stored atomically (JsonFile). */
export class AccountStore {
  private readonly file: JsonFile<AccountDocument>;

  constructor(
    dataDir: string,
    readonly account: number,
  ) {
    if (!Number.isInteger(account) || account < 0 || account > 255) {
      throw new BridgeError('INVALID_REQUEST', `Spark account must be 0..255, got ${account}`);
    }
    this.file = new JsonFile(path.join(dataDir, 'accounts', `${account}.json`), ACCOUNT_FORMAT_VERSION, validateAccount);
  }

  read(): Promise<AccountDocument | undefined> {
    return this.file.read();
  }

  /**
   * Opens the record for the device's identity key, creating it on first use. A record made with
   * another device (another seed) is refused rather than mixed with this one.
   */
  open(identityPublicKey: string): Promise<AccountDocument> {
    return this.file.update((doc) => {
      if (doc === undefined) {
        return { version: ACCOUNT_FORMAT_VERSION, account: this.account, identityPublicKey, depositAddresses: [], exitData: null };
      }
      if (doc.identityPublicKey !== identityPublicKey) {
        throw new BridgeError(
          'STORAGE',
          `account ${this.account} on this computer belongs to another device (identity ${doc.identityPublicKey.slice(0, 16)}…); connect that device, or use another data folder`,
        );
      }
      return doc;
    });
  }

  addDepositAddress(address: string, now = new Date()): Promise<AccountDocument> {
    return this.change((doc) => {
      if (!doc.depositAddresses.some((d) => d.address === address)) {
        doc.depositAddresses.push({ address, createdAt: now.toISOString() });
      }
    });
  }

  saveExitData(format: string, payload: unknown, now = new Date()): Promise<AccountDocument> {
    if (format.length === 0) throw new BridgeError('INVALID_REQUEST', 'exit data needs a format name');
    return this.change((doc) => {
      doc.exitData = { format, savedAt: now.toISOString(), payload };
    });
  }

  private change(edit: (doc: AccountDocument) => void): Promise<AccountDocument> {
    return this.file.update((doc) => {
      if (doc === undefined) throw new BridgeError('STORAGE', `account ${this.account} has no record yet: open it with the device first`);
      edit(doc);
      return doc;
    });
  }
}
