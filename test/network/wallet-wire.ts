/**
 * Test helper: sees and changes what an unmodified SDK wallet sends to the coordinator, by
 * wrapping the Spark clients its connection manager hands out. The wallet builds every
 * request itself; a test can record one, alter it (to play a lying wallet), and read the gRPC
 * error the operator answered.
 */
import type { SparkWallet } from '@buildonspark/spark-sdk';

type AnyRequest = Record<string, unknown>;
type Method = (req: AnyRequest, opts?: unknown) => Promise<unknown>;

export interface WireTap {
  /** Requests seen per method, in order. */
  requests: Map<string, AnyRequest[]>;
  /** The first error an operator answered, per method (a wallet may retry and see later ones). */
  errors: Map<string, unknown>;
  /** A rewrite applied to the next request of `method` only. */
  rewriteNext(method: string, fn: (req: AnyRequest) => AnyRequest | Promise<AnyRequest>): void;
  /** The wallet's own (authenticated) client to the coordinator. */
  coordinatorClient(): Promise<Record<string, Method>>;
}

export function tapWallet(wallet: SparkWallet, coordinatorAddress: string): WireTap {
  const cm = (wallet as unknown as { connectionManager: { createSparkClient: (a: string) => Promise<Record<string, Method>> } }).connectionManager;
  const original = cm.createSparkClient.bind(cm);
  const requests = new Map<string, AnyRequest[]>();
  const errors = new Map<string, unknown>();
  const rewrites = new Map<string, (req: AnyRequest) => AnyRequest | Promise<AnyRequest>>();
  cm.createSparkClient = async (address: string) => {
    const client = await original(address);
    return new Proxy(client, {
      get(target, name: string) {
        const f = target[name];
        if (typeof f !== 'function') return f;
        return async (req: AnyRequest, opts?: unknown) => {
          const rewrite = rewrites.get(name);
          if (rewrite !== undefined) rewrites.delete(name);
          const sent = rewrite === undefined ? req : await rewrite(req);
          requests.set(name, [...(requests.get(name) ?? []), sent]);
          try {
            return await f.call(target, sent, opts);
          } catch (e) {
            if (!errors.has(name)) errors.set(name, e);
            throw e;
          }
        };
      },
    });
  };
  return {
    requests,
    errors,
    rewriteNext: (method, fn) => void rewrites.set(method, fn),
    coordinatorClient: () => cm.createSparkClient(coordinatorAddress),
  };
}
