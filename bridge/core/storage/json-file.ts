import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BridgeError } from '../errors.js';

/** A versioned document on disk: `{ "version": n, ...data }`. */
export interface VersionedDocument {
  version: number;
}

/**
 * Reads and writes one JSON document atomically: a write goes to a temporary file in the same
 * folder, is flushed to disk, then renamed over the old one (rename is atomic on POSIX), and the
 * folder is flushed so the rename survives a power cut. A crash at any point leaves either the
 * old document or the new one, never a mix. Writes are serialized.
 */
export class JsonFile<T extends VersionedDocument> {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly filePath: string,
    private readonly currentVersion: number,
    private readonly validate: (value: unknown) => T,
  ) {}

  /** The document, or undefined when there is none yet. Refuses a newer or unreadable file. */
  async read(): Promise<T | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.filePath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new BridgeError('STORAGE', `cannot read ${this.filePath}: ${(err as Error).message}`, { cause: err });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      // Never overwrite what we cannot read: it may be the user's only copy of something.
      throw new BridgeError('STORAGE', `${this.filePath} is not valid JSON; it was left untouched (${(err as Error).message})`, { cause: err });
    }
    const version = (value as { version?: unknown } | null)?.version;
    if (typeof version !== 'number' || !Number.isInteger(version)) {
      throw new BridgeError('STORAGE', `${this.filePath} has no version number; it was left untouched`);
    }
    if (version > this.currentVersion) {
      throw new BridgeError('STORAGE', `${this.filePath} was written by a newer bridge (format ${version}, this one reads up to ${this.currentVersion}); it was left untouched`);
    }
    try {
      return this.validate(value);
    } catch (err) {
      throw new BridgeError('STORAGE', `${this.filePath} is not a valid document: ${(err as Error).message}; it was left untouched`, { cause: err });
    }
  }

  /** Replaces the document atomically. */
  write(doc: T): Promise<void> {
    const run = this.queue.then(() => this.writeNow(doc));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Reads, changes and writes in one serialized step. */
  update(change: (doc: T | undefined) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const next = change(await this.read());
      await this.writeNow(next);
      return next;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeNow(doc: T): Promise<void> {
    const dir = path.dirname(this.filePath);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `.${path.basename(this.filePath)}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(doc, null, 2) + '\n', 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(tmp, this.filePath);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    const dirHandle = await fs.open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  }
}
