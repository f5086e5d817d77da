/**
 * The one place the operator imports the Spark crypto core, through its two public entry
 * points (the library's and the operators'), so that a change there is a one-file fix here.
 */
export * from '../../src/crypto/index.js';
export * from '../../src/crypto/operator/index.js';
