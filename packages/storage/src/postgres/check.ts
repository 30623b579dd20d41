import { describeSchemaProblem, integrityRules } from '../sql/checks.js'
import type { PgDb } from './client.js'
import { postgresSchemaVersion } from './migrate.js'

/** Schema version, constraints left unvalidated (added NOT VALID), then the shared rules. */
export async function checkPostgres(db: PgDb, latestVersion: number): Promise<string[]> {
  const schemaProblem = describeSchemaProblem(await postgresSchemaVersion(db), latestVersion)
  if (schemaProblem) return [schemaProblem]
  const problems: string[] = []
  const unvalidated = await db.query<{ name: string }>(
    `SELECT conname AS name FROM pg_constraint WHERE NOT convalidated AND connamespace = current_schema()::regnamespace`,
  )
  for (const row of unvalidated) problems.push(`constraint ${row.name} is not validated`)
  for (const rule of integrityRules) {
    const [row] = await db.query<{ n: number }>(rule.countSql)
    const count = row?.n ?? 0
    if (count > 0) problems.push(`${count} ${rule.problem}`)
  }
  return problems
}
