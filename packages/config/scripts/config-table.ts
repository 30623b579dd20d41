/**
 * `pnpm config:table`: rewrites the variable tables of README.md and docs/deploy.md from the
 * settings (between the config-table markers). test/table.test.ts fails when they are stale.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { findRepoRoot } from '@parley/certs/repo-root'
import { TABLE_FILES, withTable } from '../src/table.js'

const root = findRepoRoot(import.meta.dirname)
if (!root) throw new Error(`no pnpm-workspace.yaml above ${import.meta.dirname}`)
for (const [file, table] of TABLE_FILES) {
  const path = join(root, file)
  const before = readFileSync(path, 'utf8')
  const after = withTable(before, table(), file)
  if (after !== before) writeFileSync(path, after)
  process.stdout.write(`${file}: ${after === before ? 'up to date' : 'table rewritten'}\n`)
}
