import { sdkFrost } from '../testing/sdk-oracle.js';
console.log('CTOR', sdkFrost().constructor.name);
