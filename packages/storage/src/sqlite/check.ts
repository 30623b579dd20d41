import type { Database } from 'better-sqlite3'
import { describeSchemaProblem, integrityRules } from '../sql/checks.js'
import { sqliteSchemaVersion } from './migrate.js'

/** SQLite's own page-level checks, its foreign-key audit, then the shared rules. */
export function checkSqlite(db: Database, latestVersion: number): string[] {
  const problems: string[] = []
  const integrity = db.prepare<[], { integrity_check: string }>('PRAGMA integrity_check').all()
  for (const row of integrity) {
    if (row.integrity_check !== 'ok') problems.push(`integrity_check: ${row.integrity_check}`)
  }
  const foreignKeys = db.prepare<[], { table: string; rowid: number; parent: string }>('PRAGMA foreign_key_check').all()
  for (const row of foreignKeys) {
    problems.push(`foreign key: ${row.table} row ${row.rowid} points to a missing ${row.parent} row`)
  }
  const schemaProblem = describeSchemaProblem(sqliteSchemaVersion(db), latestVersion)
  if (schemaProblem) return [...problems, schemaProblem]
  for (const rule of integrityRules) {
    const count = db.prepare<[], { n: number }>(rule.countSql).get()?.n ?? 0
    if (count > 0) problems.push(`${count} ${rule.problem}`)
  }
  return problems
}
