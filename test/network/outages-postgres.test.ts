import { startPostgresServer } from '../../emulator/network/postgres-server.js';
import { outageFlows } from './outages.js';

outageFlows('a PostgreSQL server', async () => {
  const server = await startPostgresServer();
  return { postgres: server.baseUrl, stop: () => server.stop() };
});
