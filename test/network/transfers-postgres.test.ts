import { startNetwork } from '../../emulator/network/network.js';
import { startPostgresServer } from '../../emulator/network/postgres-server.js';
import { transferFlows } from './transfer-flows.js';

transferFlows('a PostgreSQL server', async () => {
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
});
