/**
 * The exit-data file the user keeps: JSON, written atomically (temporary file in the same
 * directory, fsync, rename, fsync of the directory), so a crash leaves either the old file or the
 * new one, never half of one. Pre-signed exit transactions are worth the coins they exit: the file
 * is created readable by its owner only.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { ExitError } from './errors.js';
import { checkExitData, type ExitData } from './exit-data.js';

/** Writes `data` to `path` atomically (after checking it, so a bad object never replaces a good file). */
export function writeExitDataFile(path: string, data: ExitData): void {
  const checked = checkExitData(JSON.parse(JSON.stringify(data)) as unknown);
  try {
    writeFileAtomic(path, JSON.stringify(checked, null, 2) + '\n', 0o600);
  } catch (e) {
    throw new ExitError('FILE_UNREADABLE', `cannot write exit data to ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Reads and checks an exit-data file; every failure is an ExitError naming what is wrong. */
export function readExitDataFile(path: string): ExitData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ExitError('FILE_UNREADABLE', `cannot read exit data ${path}: ${(e as Error).message}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ExitError('NOT_JSON', `${path} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  return checkExitData(json);
}
