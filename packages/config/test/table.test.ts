import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readmeTable, rows, TABLE_FILES, withTable } from '../src/table.js'

const root = join(import.meta.dirname, '..', '..', '..')

describe('the generated variable tables', () => {
  it.each(TABLE_FILES)('%s holds the table the settings give (else run `pnpm config:table`)', (file, table) => {
    const document = readFileSync(join(root, file), 'utf8')
    expect(withTable(document, table(), file)).toBe(document)
  })

  it('lists each variable once, with the programs that read it', () => {
    const names = rows().map((row) => row.source.env)
    expect(new Set(names).size).toBe(names.length)
    const usedBy = Object.fromEntries(rows().map((row) => [row.source.env, row.usedBy]))
    expect(usedBy.DATABASE_SCHEMA).toEqual(['board', 'gateway', '`pnpm parley`'])
    expect(usedBy.BOARD_METRICS_PORT).toEqual(['board'])
    expect(usedBy.CHAT_METRICS_PORT).toEqual(['gateway'])
    expect(usedBy.CERTS_NAMES).toEqual(['`pnpm certs`'])
    expect(readmeTable()).toContain('`BLOCK_DURATION_SECONDS` (formerly `BLOCK_DURATION`, deprecated)')
  })

  it('fails on a document without markers', () => {
    expect(() => withTable('# no table', 'x', 'X.md')).toThrow(/markers are missing/)
  })
})

describe('turbo.json', () => {
  it('passes every variable, old names included, through to the apps', () => {
    const turbo = JSON.parse(readFileSync(join(root, 'turbo.json'), 'utf8')) as { globalPassThroughEnv: string[] }
    const patterns = turbo.globalPassThroughEnv.map((pattern) => new RegExp(`^${pattern.replaceAll('*', '.*')}$`))
    const names = rows().flatMap((row) => [row.source.env, ...(row.source.formerly ?? [])])
    expect(names.filter((name) => !patterns.some((pattern) => pattern.test(name)))).toEqual([])
  })
})
