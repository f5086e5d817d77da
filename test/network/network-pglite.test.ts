import { startNetwork } from '../../emulator/network/network.js';
import { networkFlows } from './flows.js';

networkFlows('PGlite', async () => {
  const network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
  return { network, cleanup: () => network.stop() };
});
