import { startNetworkOnPostgres } from '../network/postgres-network.js';
import { exitFlows } from './exit-flows.js';

exitFlows('a PostgreSQL server', startNetworkOnPostgres);
