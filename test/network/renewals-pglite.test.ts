import { startNetwork } from '../../emulator/network/network.js';
import { renewFlows } from './renew-flows.js';

renewFlows('PGlite', async () => {
  const network = await startNetwork({ operators: 3, threshold: 2, readyTimeoutMs: 240_000 });
  return { network, cleanup: () => network.stop() };
});
