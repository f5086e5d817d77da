/**
 * Embedded PGlite, persisted in a directory.
 *
 * A fresh PGlite directory costs a full initdb inside WASM, which is slow, while loading an empty,
 * already initialized cluster from a tar dump is much faster. So
 * the first fresh start on a machine keeps a dump of its empty cluster (before any migration) in
 * the OS temp dir, keyed by the PGlite version, and later fresh starts load it. A template that
 * fails to load is deleted and the slow path is taken.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, messages as messagesOf, parse, protocol, type Results } from '@electric-sql/pglite';
import type { Database, Sql } from './database.js';

/**
 * One statement in one call into PGlite's WASM, parsed and planned once. PGlite's own query()
 * sends Parse, Describe (statement), Bind, Describe (portal), Execute and Sync in six calls, and
 * PostgreSQL parses and plans the text anew each time, which for the short statements of an
 * operator costs more than running them. Here each statement text is a named prepared
 * statement, parsed on its first use and only bound and executed after; its parameters go as
 * text, typed by the server as in PGlite's own path; the messages go in one buffer and the same
 * backend messages come back, parsed by PGlite's own result parser. Parameters of a kind this
 * does not write as text (bytes, objects) take PGlite's own path.
 */
const protocolOut = protocol.serialize;

/** A parameter in PostgreSQL's text format, or `undefined` if this does not handle its kind. */
function textParam(v: unknown, inArray = false): string | null | undefined {
  if (v === null || v === undefined) return inArray ? 'NULL' : null;
  let text: string;
  if (typeof v === 'string') text = v;
  else if (typeof v === 'number' || typeof v === 'bigint') text = String(v);
  else if (typeof v === 'boolean') text = v ? 'true' : 'false';
  else if (v instanceof Date) text = v.toISOString();
  else if (Array.isArray(v) && !inArray) {
    const items = v.map((x) => textParam(x, true));
    return items.some((x) => x === undefined) ? undefined : `{${items.join(',')}}`;
  } else return undefined;
  // An array element is quoted, with its backslashes and quotes escaped.
  return inArray ? `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"` : text;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Statements kept prepared: row reads and writes. Anything else (DDL) may change what they return. */
const PREPARABLE = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;
/** At most this many prepared statements (the operator's statement texts are far fewer). */
const MAX_PREPARED = 1000;

class Statements {
  /** Statement text → the name it is prepared under on this connection. */
  private readonly prepared = new Map<string, string>();
  private next = 0;

  constructor(private readonly db: PGlite) {}

  /** `values` as textParam wrote them; inside a transaction, the caller holds its lock. */
  async run(text: string, values: (string | null)[], inTransaction: boolean): Promise<Results<object>> {
    const work = async (): Promise<Results<object>> => {
      const preparable = PREPARABLE.test(text);
      let name = preparable ? this.prepared.get(text) : undefined;
      const parts: Uint8Array[] = [];
      if (name === undefined) {
        name = preparable && this.prepared.size < MAX_PREPARED ? `s${this.next++}` : '';
        parts.push(protocolOut.parse({ text, name }));
      }
      parts.push(protocolOut.bind({ statement: name, values }), protocolOut.describe({ type: 'P' }), protocolOut.execute({}), protocolOut.sync());
      const messages = await this.db.execProtocolStream(concat(parts), { syncToFs: false, throwOnError: false });
      // Kept once the server has parsed it, even if the rest failed (a prepared statement outlives
      // the transaction it was made in).
      if (name !== '' && messages.some((m) => m.name === 'parseComplete')) this.prepared.set(text, name);
      const failed = messages.find((m) => m instanceof messagesOf.DatabaseError);
      if (failed !== undefined) {
        // A statement the server no longer knows is parsed again next time.
        if ((failed as { code?: string }).code === '26000') this.prepared.delete(text);
        throw failed;
      }
      if (!preparable && this.prepared.size > 0) await this.forgetAll();
      if (!inTransaction) await this.db.syncToFs();
      const [result] = parse.parseResults(messages, this.db.parsers);
      if (result === undefined) throw new Error(`PGlite returned no result for: ${text}`);
      return result as Results<object>;
    };
    // The locks PGlite's query() takes: a statement outside a transaction waits for any running one.
    return inTransaction ? this.db._runExclusiveQuery(work) : this.db._runExclusiveTransaction(() => this.db._runExclusiveQuery(work));
  }

  /** forgetAll, from outside any statement. */
  async reset(): Promise<void> {
    if (this.prepared.size > 0) await this.db._runExclusiveTransaction(() => this.db._runExclusiveQuery(() => this.forgetAll()));
  }

  /** After DDL (a migration): prepared statements could return other columns than they were made for. */
  private async forgetAll(): Promise<void> {
    this.prepared.clear();
    await this.db.execProtocolStream(concat([protocolOut.query('DEALLOCATE ALL'), protocolOut.sync()]), { syncToFs: false });
  }
}

interface PgliteLike {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>;
}

/** The Sql of `db`, or of its transaction `tx`. */
function wrap(db: PGlite, statements: Statements, tx: PgliteLike | undefined): Sql {
  const run = async (text: string, params: readonly unknown[]): Promise<{ rows: object[]; affectedRows?: number }> => {
    const values = params.map((p) => textParam(p));
    if (values.some((v) => v === undefined)) return (tx ?? db).query<object>(text, [...params]);
    return statements.run(text, values as (string | null)[], tx !== undefined);
  };
  return {
    async query<T extends object>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      return (await run(text, params)).rows as T[];
    },
    async execute(text: string, params: readonly unknown[] = []): Promise<number> {
      return (await run(text, params)).affectedRows ?? 0;
    },
  };
}

function templatePath(): string {
  let version = 'unknown';
  try {
    // The package does not export its package.json; read it where npm installs it.
    const pkg = fileURLToPath(new URL('../../../node_modules/@electric-sql/pglite/package.json', import.meta.url));
    version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    // An unversioned template still works: a dump that does not load is discarded.
  }
  return join(tmpdir(), `spark-operator-pglite-empty-${version}.tar`);
}

async function createFresh(dir: string): Promise<PGlite> {
  const template = templatePath();
  if (existsSync(template)) {
    try {
      return await PGlite.create(dir, { loadDataDir: new Blob([readFileSync(template)]) });
    } catch {
      rmSync(template, { force: true });
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    }
  }
  const db = await PGlite.create(dir);
  try {
    const dump = await db.dumpDataDir('none');
    // Write then rename, so a concurrent reader never sees half a file.
    const tmp = `${template}.${process.pid}.tmp`;
    writeFileSync(tmp, new Uint8Array(await dump.arrayBuffer()));
    renameSync(tmp, template);
  } catch {
    // Only a cache: a failure to write it costs time later, nothing else.
  }
  return db;
}

export async function openPglite(dir: string): Promise<Database> {
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  mkdirSync(dir, { recursive: true });
  const db = fresh ? await createFresh(dir) : await PGlite.create(dir);
  const statements = new Statements(db);
  const base = wrap(db, statements, undefined);
  return {
    kind: 'pglite',
    ...base,
    transaction: <T>(fn: (tx: Sql) => Promise<T>): Promise<T> => db.transaction((tx) => fn(wrap(db, statements, tx))),
    script: async (text: string): Promise<void> => {
      await db.exec(text);
      await statements.reset();
    },
    close: () => db.close(),
  };
}
