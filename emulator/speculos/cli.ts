/**
 * Runs the app in Speculos by hand:  npx tsx emulator/speculos/cli.ts [--model nanox] [--seed "..."]
 * Builds the ELF, starts Speculos on free loopback ports, prints them, stops on Ctrl-C.
 */
import { buildDeviceApp } from './build.js';
import { TEST_MNEMONIC } from './paths.js';
import { startSpeculos, type SpeculosModel } from './runner.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const model: SpeculosModel = arg('--model') === 'nanox' ? 'nanox' : 'nanosp';
const elfPath = await buildDeviceApp(model);
const speculos = await startSpeculos({ elfPath, model, seed: arg('--seed') ?? TEST_MNEMONIC });
console.log(`Speculos (${model}) running ${elfPath}`);
console.log(`  APDU TCP port : 127.0.0.1:${speculos.apduPort}`);
console.log(`  REST API / UI : ${speculos.baseUrl}`);
console.log('Ctrl-C to stop.');
const stop = (): void => {
  void speculos.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
const code = await speculos.waitForExit(2 ** 31 - 1).catch(() => null);
console.log(`Speculos exited (${String(code)})`);
