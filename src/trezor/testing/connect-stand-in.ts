import { cbc } from '@noble/ciphers/aes';
import { hmac } from '@noble/hashes/hmac';
import { sha512 } from '@noble/hashes/sha512';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { Address, OutScript, p2tr, Transaction } from '@scure/btc-signer';
import type {
  CipherKeyValueParams,
  CipherKeyValuePayload,
  ConnectResponse,
  GetPublicKeyParams,
  PublicKeyPayload,
  SignedTransactionPayload,
  SignTransactionParams,
  TrezorConnectApi,
} from '../connect-api.js';
import { formatPath, parsePath } from '../paths.js';

/**
 * A STAND-IN for @trezor/connect with a Trezor behind it, for tests. It is not a Trezor emulator
 * (none can be built or installed here): it computes, over a known mnemonic, what the firmware
 * computes for the three calls this tier makes, and answers in connect's documented shapes.
 *
 * - getPublicKey: BIP32 (firmware `apps/bitcoin/get_public_key.py`), with connect's path/coin
 *   check (`api/common/paramsValidator.js` validateCoinPath: "Parameters "path" and "coin" do not
 *   match." unless crossChain).
 * - cipherKeyValue: SLIP-0011 as `apps/misc/cipher_key_value.py` implements it: K ‖ IV =
 *   HMAC-SHA512(private key at the path, key ‖ "E0"/"E1" ‖ "D0"/"D1"), AES-256-CBC without
 *   padding, a caller IV replacing the derived one; "Value length must be a multiple of 16"
 *   otherwise. Checked against the SLIP-0015 published vector in the tests.
 * - signTransaction: taproot key-path inputs on BIP86 paths only (`apps/bitcoin/keychain.py`
 *   schemas; anything else "Forbidden key path"), BIP86 tweak with no script tree and BIP340
 *   with SIGHASH_DEFAULT (`apps/bitcoin/common.py` bip340_sign).
 * - Failures are connect's `{ success: false, payload: { error, code } }`: the firmware's
 *   Failure_ActionCancelled ("Action cancelled by user", connect `device/DeviceCurrentSession.js`),
 *   Failure_PinInvalid / Failure_PinCancelled (protobuf FailureType; their message texts here are
 *   approximate, and tests rely on the codes), connect's Device_NotFound (`core/index.js`). With no
 *   device and nobody answering connect's `ui-select_device`, a real call never returns; so does
 *   the stand-in's in `absent-waiting`.
 */

/** One screen the user would see and must confirm or reject. */
export interface StandInPrompt {
  method: 'cipherKeyValue' | 'signTransaction';
  title: string;
  text: string;
}

export type StandInPresence = 'connected' | 'absent-waiting' | 'absent-not-found';
export type StandInPinState = 'unlocked' | 'wrong-pin' | 'pin-cancelled';

/** The regtest coin as connect's coins.json has it (bech32 "bcrt", SLIP-44 1). */
const REGTEST_NETWORK = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };
/** SLIP-44 coin types connect assigns to the coin names this tier uses. */
const COIN_SLIP44: Record<string, number> = { btc: 0, test: 1, regtest: 1 };
/** xpub version bytes: mainnet xpub, testnet/regtest tpub. */
const XPUB_VERSIONS: Record<string, number> = { btc: 0x0488b21e, test: 0x043587cf, regtest: 0x043587cf };
const HARDENED = 0x8000_0000;

export interface TrezorConnectStandInOptions {
  mnemonic: string;
  /** The passphrase of the hidden wallet used when a call sets useEmptyPassphrase: false. */
  passphrase?: string;
}

export class TrezorConnectStandIn implements TrezorConnectApi {
  presence: StandInPresence = 'connected';
  pin: StandInPinState = 'unlocked';
  /** Decides each on-screen confirmation; default: the user confirms. */
  user: (prompt: StandInPrompt) => 'confirm' | 'reject' = () => 'confirm';
  /** Every screen shown, in order. */
  readonly prompts: StandInPrompt[] = [];
  /** Every call made, by method name. */
  readonly calls: string[] = [];
  private readonly standard: HDKey;
  private readonly hidden: HDKey;

  constructor(options: TrezorConnectStandInOptions) {
    this.standard = HDKey.fromMasterSeed(mnemonicToSeedSync(options.mnemonic, ''));
    this.hidden = HDKey.fromMasterSeed(mnemonicToSeedSync(options.mnemonic, options.passphrase ?? ''));
  }

  async getPublicKey(params: GetPublicKeyParams): Promise<ConnectResponse<PublicKeyPayload>> {
    return this.run('getPublicKey', () => {
      const path = typeof params.path === 'string' ? parsePath(params.path) : params.path;
      const coin = params.coin ?? 'btc';
      const slip44 = COIN_SLIP44[coin];
      if (slip44 === undefined) return fail('Coin not found', 'Method_UnknownCoin');
      if (!params.crossChain && params.coin !== undefined && path[1] !== slip44 + HARDENED) return fail('Parameters "path" and "coin" do not match.', 'Method_InvalidParameter');
      const root = this.root(params.useEmptyPassphrase);
      const node = root.derive(formatPath(path));
      const parent = path.length === 0 ? root : root.derive(formatPath(path.slice(0, -1)));
      if (node.publicKey === null || node.chainCode === null) return fail('derivation failed', 'Failure_DataError');
      const versions = { public: XPUB_VERSIONS[coin] ?? 0x0488b21e, private: 0 };
      const xpub = new HDKey({ versions, depth: node.depth, index: node.index, parentFingerprint: node.parentFingerprint, chainCode: node.chainCode, publicKey: node.publicKey }).publicExtendedKey;
      return ok({
        publicKey: bytesToHex(node.publicKey),
        chainCode: bytesToHex(node.chainCode),
        xpub,
        path,
        serializedPath: formatPath(path),
        fingerprint: path.length === 0 ? 0 : parent.fingerprint,
        depth: node.depth,
        childNum: node.index,
      });
    });
  }

  async cipherKeyValue(params: CipherKeyValueParams): Promise<ConnectResponse<CipherKeyValuePayload>> {
    return this.run('cipherKeyValue', () => {
      const path = typeof params.path === 'string' ? parsePath(params.path) : params.path;
      const value = hexToBytes(params.value);
      if (value.length % 16 !== 0) return fail('Value length must be a multiple of 16', 'Failure_DataError');
      const ask = params.encrypt ? params.askOnEncrypt : params.askOnDecrypt;
      if (ask && !this.confirm({ method: 'cipherKeyValue', title: params.encrypt ? 'Encrypt value' : 'Decrypt value', text: params.key })) return cancelled();
      const privateKey = this.root(params.useEmptyPassphrase).derive(formatPath(path)).privateKey;
      if (privateKey === null) return fail('derivation failed', 'Failure_DataError');
      const keyString = `${params.key}${params.askOnEncrypt ? 'E1' : 'E0'}${params.askOnDecrypt ? 'D1' : 'D0'}`;
      const digest = hmac(sha512, privateKey, utf8ToBytes(keyString));
      const iv = params.iv === undefined ? digest.slice(32, 48) : hexToBytes(params.iv);
      const aes = cbc(digest.slice(0, 32), iv, { disablePadding: true });
      const out = params.encrypt ? aes.encrypt(value) : aes.decrypt(value);
      digest.fill(0);
      return ok({ value: bytesToHex(out) });
    });
  }

  async signTransaction(params: SignTransactionParams): Promise<ConnectResponse<SignedTransactionPayload>> {
    return this.run('signTransaction', () => {
      if (params.coin.toLowerCase() !== 'regtest') return fail(`the stand-in signs regtest only, got coin ${params.coin}`, 'Method_UnknownCoin');
      const root = this.root(params.useEmptyPassphrase);
      const tx = new Transaction({ version: params.version ?? 1, lockTime: params.locktime ?? 0 });
      const keys: Uint8Array[] = [];
      for (const input of params.inputs) {
        if (!isBip86(input.address_n)) return fail('Forbidden key path', 'Failure_DataError');
        const node = root.derive(formatPath(input.address_n));
        if (node.privateKey === null || node.publicKey === null) return fail('derivation failed', 'Failure_DataError');
        const internal = node.publicKey.slice(1);
        tx.addInput({
          txid: input.prev_hash,
          index: input.prev_index,
          sequence: input.sequence ?? 0xffff_ffff,
          witnessUtxo: { script: p2tr(internal, undefined, REGTEST_NETWORK).script, amount: BigInt(input.amount) },
          tapInternalKey: internal,
        });
        keys.push(node.privateKey);
      }
      const screens: string[] = [];
      for (const output of params.outputs) {
        if (output.script_type === 'PAYTOADDRESS') {
          tx.addOutput({ script: OutScript.encode(Address(REGTEST_NETWORK).decode(output.address)), amount: BigInt(output.amount) });
          screens.push(`${output.address} ${output.amount} sat`);
        } else {
          if (!isBip86(output.address_n)) return fail('Forbidden key path', 'Failure_DataError');
          const change = root.derive(formatPath(output.address_n)).publicKey;
          if (change === null) return fail('derivation failed', 'Failure_DataError');
          // The firmware does not show change to its own account.
          tx.addOutput({ script: p2tr(change.slice(1), undefined, REGTEST_NETWORK).script, amount: BigInt(output.amount) });
        }
      }
      if (!this.confirm({ method: 'signTransaction', title: 'Confirm sending', text: screens.join('\n') })) return cancelled();
      keys.forEach((key, i) => tx.signIdx(key, i));
      tx.finalize();
      const signatures = params.inputs.map((_, i) => bytesToHex(tx.getInput(i).finalScriptWitness?.[0] ?? new Uint8Array()));
      return ok({ signatures, serializedTx: tx.hex, txid: tx.id });
    });
  }

  private root(useEmptyPassphrase: boolean | undefined): HDKey {
    // connect defaults useEmptyPassphrase to true (api/cipherKeyValue.js and the other methods).
    return useEmptyPassphrase === false ? this.hidden : this.standard;
  }

  private confirm(prompt: StandInPrompt): boolean {
    this.prompts.push(prompt);
    return this.user(prompt) === 'confirm';
  }

  private run<T>(method: string, body: () => ConnectResponse<T>): Promise<ConnectResponse<T>> {
    this.calls.push(method);
    if (this.presence === 'absent-waiting') return new Promise<never>(() => undefined);
    if (this.presence === 'absent-not-found') return Promise.resolve(fail('Device not found', 'Device_NotFound'));
    if (this.pin === 'wrong-pin') return Promise.resolve(fail('PIN invalid', 'Failure_PinInvalid'));
    if (this.pin === 'pin-cancelled') return Promise.resolve(fail('PIN entry cancelled', 'Failure_PinCancelled'));
    try {
      return Promise.resolve(body());
    } catch (err) {
      return Promise.resolve(fail(err instanceof Error ? err.message : String(err), 'Failure_DataError'));
    }
  }
}

function isBip86(addressN: readonly number[]): boolean {
  return addressN.length === 5 && addressN[0] === 86 + HARDENED && addressN[1] === 1 + HARDENED && (addressN[2] ?? 0) >= HARDENED && (addressN[3] === 0 || addressN[3] === 1) && (addressN[4] ?? HARDENED) < HARDENED;
}

function ok<T>(payload: T): ConnectResponse<T> {
  return { success: true, payload };
}

function fail<T>(error: string, code: string): ConnectResponse<T> {
  return { success: false, payload: { error, code } };
}

function cancelled<T>(): ConnectResponse<T> {
  return fail('Action cancelled by user', 'Failure_ActionCancelled');
}
