/** Opens the configured database and brings its schema up to date. */
import type { ResolvedOperatorConfig } from '../config.js';
import { OperatorError } from '../errors.js';
import type { Database } from './database.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export async function openDatabase(cfg: ResolvedOperatorConfig['database']): Promise<Database> {
  let db: Database;
  try {
    db = cfg.kind === 'pglite' ? await openPglite(cfg.dir) : await openPostgres(cfg.url);
  } catch (e) {
    const where = cfg.kind === 'pglite' ? cfg.dir : cfg.url.replace(/\/\/[^@/]*@/, '//***@');
    throw new OperatorError('DB_ERROR', `cannot open ${cfg.kind} database at ${where}: ${(e as Error).message}`);
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw new OperatorError('DB_ERROR', `migration failed: ${(e as Error).message}`);
  }
  return db;
}
