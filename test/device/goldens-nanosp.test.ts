import { describeGoldens } from './golden-flows.js';

/** Every screen of every flow on the Nano S Plus, pixel for pixel against test/device/goldens/nanosp/. */
describeGoldens('nanosp');
