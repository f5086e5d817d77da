import { startNetworkOnPostgres } from './postgres-network.js';
import { transferFlows } from './transfer-flows.js';

transferFlows('a PostgreSQL server', startNetworkOnPostgres);
