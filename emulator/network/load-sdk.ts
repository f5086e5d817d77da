import { trustCaInGlobalFetch } from './ca-fetch.js';

export type SdkModule = typeof import('@buildonspark/spark-sdk');

let loaded: { module: SdkModule; env: Record<string, string> } | undefined;

/**
 * Imports the unmodified SDK after putting the network's environment in place. grpc-js reads its
 * root CA file and the SDK's LOCAL faucet reads BITCOIN_RPC_* once, on first use (docs/sdk-wire.md,
 * sections "Chain access" and "TLS"), so a process serves one network (each test file is its own
 * process under vitest's forks pool). The SDK's service-provider client uses the global fetch,
 * which reads no extra CA from the environment: it is taught the network's CA here too.
 */
export async function loadSdk(env: Record<string, string>): Promise<SdkModule> {
  if (loaded !== undefined) {
    if (JSON.stringify(loaded.env) !== JSON.stringify(env)) throw new Error('the SDK was already loaded for another network in this process');
    return loaded.module;
  }
  Object.assign(process.env, env);
  if (env.NODE_EXTRA_CA_CERTS !== undefined) trustCaInGlobalFetch(env.NODE_EXTRA_CA_CERTS);
  const module = await import('@buildonspark/spark-sdk');
  loaded = { module, env };
  return module;
}
