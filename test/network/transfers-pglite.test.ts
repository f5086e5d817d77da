import { startNetwork } from '../../emulator/network/network.js';
import { transferFlows } from './transfer-flows.js';

transferFlows('PGlite', async () => {
  const network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
  return { network, cleanup: () => network.stop() };
});
