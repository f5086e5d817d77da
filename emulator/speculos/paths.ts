import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Repository root (this file lives in emulator/speculos/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Python that has Speculos installed (scripts/setup.sh creates .venv); SPECULOS_PYTHON overrides. */
export const SPECULOS_PYTHON = process.env['SPECULOS_PYTHON'] ?? path.join(REPO_ROOT, '.venv', 'bin', 'python');

/** The ELF `make -C device-app [TARGET=nanox]` produces for a Speculos model. */
export const DEVICE_APP_DIR = path.join(REPO_ROOT, 'device-app');
export function deviceAppElf(model: 'nanosp' | 'nanox' = 'nanosp'): string {
  return path.join(DEVICE_APP_DIR, 'build', model, 'spark-signer.elf');
}

/** The BIP39 mnemonic every Speculos test uses (the standard all-"abandon" test vector). */
export const TEST_MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
