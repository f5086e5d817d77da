import type { TrezorConnectApi } from './connect-api.js';

/** The app identity connect requires (its `Manifest`), shown to the user by Trezor tooling. */
export interface ConnectManifest {
  appName: string;
  appUrl: string;
  email: string;
}

export interface LoadTrezorConnectOptions {
  manifest: ConnectManifest;
  /** connect's transport names; default bridge first, then direct USB (connect's Node transports). */
  transports?: ('BridgeTransport' | 'NodeUsbTransport' | 'UdpTransport')[];
}

/** The real TrezorConnect after init, plus dispose() to release the device and its transport. */
export interface LoadedTrezorConnect {
  api: TrezorConnectApi;
  dispose(): Promise<void>;
}

/**
 * Imports @trezor/connect on demand and initialises it for Node. The import is dynamic so that the
 * rest of the library (and its users who never touch a Trezor) do not load connect's ~200 packages.
 * connect is CommonJS: from ESM, Node exposes its `exports.default` (TrezorConnect) as `default.default`;
 * tsx and bundlers as `default`.
 */
export async function loadTrezorConnect(options: LoadTrezorConnectOptions): Promise<LoadedTrezorConnect> {
  const mod = await import('@trezor/connect');
  type Connect = typeof mod.default.default;
  const outer = mod.default as unknown as Connect & { default?: Connect };
  // Node's ESM loader nests the CommonJS default export one level deeper than tsx or bundlers do.
  const connect: Connect = typeof outer.init === 'function' ? outer : (outer.default ?? outer);
  await connect.init({
    manifest: options.manifest,
    transports: options.transports ?? ['BridgeTransport', 'NodeUsbTransport'],
    // Node has no popup: the device screen is where the user confirms.
    popup: false,
  });
  const api: TrezorConnectApi = {
    getPublicKey: (params) => connect.getPublicKey(params),
    cipherKeyValue: (params) => connect.cipherKeyValue(params),
    signTransaction: (params) => connect.signTransaction(params),
  };
  return {
    api,
    dispose: async () => {
      await Promise.resolve(connect.dispose());
    },
  };
}
