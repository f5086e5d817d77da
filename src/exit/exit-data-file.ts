/**
 * The exit-data file the user keeps: JSON, written atomically (temporary file in the same
 * directory, fsync, rename, fsync of the directory), so a crash leaves either the old file or the
 * new one, never half of one. Pre-signed exit transactions are worth the coins they exit: the file
 * is created readable by its owner only.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { ExitError } from './errors.js';
import { checkExitData, type ExitData } from './exit-data.js';

/** Writes `data` to `path` atomically (after checking it, so a bad object never replaces a good file). */
export function writeExitDataFile(path: string, data: ExitData): void {
  const checked = checkExitData(JSON.parse(JSON.stringify(data)) as unknown);
  const text = JSON.stringify(checked, null, 2) + '\n';
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new ExitError('FILE_UNREADABLE', `cannot write exit data to ${path}: ${(e as Error).message}`, { cause: e });
  }
  // The rename is durable only once the directory entry is.
  const dfd = openSync(dir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
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
