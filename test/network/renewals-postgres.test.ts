import { startNetworkOnPostgres } from './postgres-network.js';
import { renewFlows } from './renew-flows.js';

renewFlows('a PostgreSQL server', startNetworkOnPostgres);
