import { outageFlows } from './outages.js';

outageFlows('PGlite', async () => ({ stop: async () => undefined }));
