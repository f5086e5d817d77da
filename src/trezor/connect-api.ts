/**
 * The part of the @trezor/connect API this tier uses, typed structurally so that the real
 * TrezorConnect object and the test stand-in both satisfy it. Shapes follow connect 9.7.3's
 * `lib/types/params.d.ts` (Success / Unsuccessful) and `lib/types/api/{getPublicKey,
 * cipherKeyValue,signTransaction}.d.ts`.
 */

/** connect's answer: `{ success: false, payload: { error, code } }` on failure, never a throw. */
export type ConnectResponse<T> = { success: true; payload: T } | { success: false; payload: { error: string; code?: string } };

/** Parameters connect shares across methods (`CommonParams`). */
export interface ConnectCommonParams {
  /** connect's default is true: the wallet without passphrase. False binds to the passphrase wallet the user enters. */
  useEmptyPassphrase?: boolean;
}

export interface GetPublicKeyParams extends ConnectCommonParams {
  path: string | number[];
  coin?: string;
  /** Needed for paths whose second level is not the coin's SLIP-44 type (every Spark path). */
  crossChain?: boolean;
  showOnTrezor?: boolean;
}

export interface PublicKeyPayload {
  /** Compressed public key, hex. */
  publicKey: string;
  chainCode: string;
  xpub: string;
  path: number[];
  serializedPath: string;
  fingerprint: number;
  depth: number;
  childNum: number;
}

/** SLIP-0011 CipherKeyValue: hex value in, hex value out. */
export interface CipherKeyValueParams extends ConnectCommonParams {
  path: string | number[];
  key: string;
  value: string;
  encrypt: boolean;
  askOnEncrypt: boolean;
  askOnDecrypt: boolean;
  iv?: string;
}

export interface CipherKeyValuePayload {
  value: string;
}

/** A taproot key-path input of the Trezor's own account (protobuf TxInputType, as connect takes it). */
export interface TaprootInput {
  address_n: number[];
  prev_hash: string;
  prev_index: number;
  amount: string;
  script_type: 'SPENDTAPROOT';
  sequence?: number;
}

export type SignTxOutput =
  | { address: string; amount: string; script_type: 'PAYTOADDRESS' }
  | { address_n: number[]; amount: string; script_type: 'PAYTOTAPROOT' };

export interface SignTransactionParams extends ConnectCommonParams {
  coin: string;
  inputs: TaprootInput[];
  outputs: SignTxOutput[];
  version?: number;
  locktime?: number;
  push?: boolean;
}

export interface SignedTransactionPayload {
  /** One signature per input, hex. */
  signatures: string[];
  /** The signed transaction, raw hex with witnesses. */
  serializedTx: string;
  txid?: string;
}

/** What the Trezor tier calls. TrezorConnect (the default export of @trezor/connect) satisfies it. */
export interface TrezorConnectApi {
  getPublicKey(params: GetPublicKeyParams): Promise<ConnectResponse<PublicKeyPayload>>;
  cipherKeyValue(params: CipherKeyValueParams): Promise<ConnectResponse<CipherKeyValuePayload>>;
  signTransaction(params: SignTransactionParams): Promise<ConnectResponse<SignedTransactionPayload>>;
}
