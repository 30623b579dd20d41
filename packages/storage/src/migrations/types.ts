/** One numbered schema change, written once per SQL dialect so both backends share the numbering. */
export interface Migration {
  version: number
  name: string
  /** Statements for SQLite (run with `exec`, inside the migration's transaction). */
  sqlite: string
  /** Statements for PostgreSQL (one multi-statement query, inside the migration's transaction). */
  postgres: string
}
