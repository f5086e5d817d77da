import { describeGoldens } from './golden-flows.js';

/** Every screen of every flow on the Nano X, pixel for pixel against test/device/goldens/nanox/. */
describeGoldens('nanox');
