/**
 * One way to replace a file so that a crash, at any instant, leaves either the old file or the new
 * one, whole: write a temporary file in the same directory (created with `mode`, so it is never
 * readable by others even for a moment), fsync it, rename it over the target, then fsync the
 * directory, since the rename is durable only once the directory entry is.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Atomically replaces (or creates) `path` with `text`, the new file having permission bits `mode`.
 * On failure the temporary file is removed, the target is left as it was, and the file-system
 * error is thrown as is: callers wrap it in their own typed error.
 */
export function writeFileAtomic(path: string, text: string, mode: number): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // 'wx': a leftover or planted file of the same name is refused, never written through.
    const fd = openSync(temp, 'wx', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
