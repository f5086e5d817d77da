import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { DEVICE_APP_DIR, deviceAppElf } from './paths.js';
import { SpeculosError } from './errors.js';

const execFileAsync = promisify(execFile);

/**
 * Builds the device app ELF with `make -C device-app` (incremental: cheap when up to date) and
 * returns its path. Tests call this first so a fresh clone builds the app from source.
 * Parallel test files may call it at once; make's own rules are idempotent, and a lock file
 * serialises the runs so two makes never write the same object at the same time.
 */
export async function buildDeviceApp(model: 'nanosp' | 'nanox' = 'nanosp'): Promise<string> {
  const elf = deviceAppElf(model);
  const lockFile = path.join(DEVICE_APP_DIR, 'build', '.make.lock');
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  try {
    await execFileAsync('flock', [lockFile, 'make', '-s', '-C', DEVICE_APP_DIR, `TARGET=${model}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new SpeculosError(
      'BUILD_FAILED',
      `make -C device-app TARGET=${model} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
    );
  }
  if (!fs.existsSync(elf)) {
    throw new SpeculosError('ELF_MISSING', `make succeeded but ${elf} does not exist`);
  }
  return elf;
}
