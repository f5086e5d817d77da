import { networkFlows } from './flows.js';
import { startNetworkOnPostgres } from './postgres-network.js';

networkFlows('a PostgreSQL server', startNetworkOnPostgres);
