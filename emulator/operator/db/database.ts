/**
 * A minimal SQL interface shared by embedded PGlite and a PostgreSQL server (`pg`), so the
 * repository code runs the same SQL on both. Parameters use $1..$n; bytes are stored as hex text
 * so both drivers round-trip them identically.
 */
export interface Sql {
  query<T extends object>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Rows changed by an INSERT/UPDATE/DELETE. */
  execute(text: string, params?: readonly unknown[]): Promise<number>;
}

export interface Database extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script (migrations). */
  script(text: string): Promise<void>;
  close(): Promise<void>;
}
