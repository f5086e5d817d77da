import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { TrezorError } from './errors.js';
import { parseSealedSeed, serializeSealedSeed, type SealedSeed } from './sealed-seed.js';

/**
 * Writes the sealed seed atomically: a new file, owner-only (0600), fsynced, renamed over the old
 * one, and the directory fsynced, so a crash leaves either the old file or the new one, whole.
 * The blob holds nothing secret in the clear; the permissions only keep it from other users.
 */
export function writeSealedSeedFile(path: string, blob: SealedSeed): void {
  const text = serializeSealedSeed(blob);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/** Reads and validates a sealed seed file. A missing file is BAD_INPUT; a bad one is MALFORMED. */
export function readSealedSeedFile(path: string): SealedSeed {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TrezorError('BAD_INPUT', `cannot read the sealed seed file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseSealedSeed(text);
}
