import { startNetwork, type RunningNetwork } from '../../emulator/network/network.js';
import { startPostgresServer } from '../../emulator/network/postgres-server.js';

/**
 * The network the end-to-end flows run on (three operators, threshold two) with its state in a
 * throwaway PostgreSQL server. `cleanup` stops the network, then the server; a network that
 * fails to start does not leave the server running.
 */
export async function startNetworkOnPostgres(): Promise<{ network: RunningNetwork; cleanup: () => Promise<void> }> {
  const postgres = await startPostgresServer();
  try {
    const network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000, postgresUrl: postgres.baseUrl });
    return {
      network,
      cleanup: async () => {
        await network.stop();
        await postgres.stop();
      },
    };
  } catch (err) {
    await postgres.stop();
    throw err;
  }
}
