/**
 * The variable tables of README.md and docs/deploy.md, generated from the settings so they cannot
 * drift: one row per variable, its users worked out from which app reads it.
 * @module
 */
import { adminSettings } from './apps/admin.js'
import { boardSettings } from './apps/board.js'
import { gatewaySettings } from './apps/gateway.js'
import { certsCommandSettings } from './concerns/certs.js'
import type { Settings, Source } from './setting.js'

/** Every program that reads settings, by the name the tables use. */
export const PROGRAMS: readonly [string, Settings][] = [
  ['board', boardSettings],
  ['gateway', gatewaySettings],
  ['`pnpm parley`', adminSettings],
  ['`pnpm certs`', certsCommandSettings],
]

interface Row {
  source: Source
  usedBy: string[]
}

export function rows(): Row[] {
  const byName = new Map<string, Row>()
  for (const [program, settings] of PROGRAMS) {
    for (const source of Object.values(settings.sources) as Source[]) {
      const row = byName.get(source.env) ?? { source, usedBy: [] }
      row.usedBy.push(program)
      byName.set(source.env, row)
    }
  }
  return [...byName.values()]
}

function variable(source: Source): string {
  const formerly = source.formerly?.length
    ? ` (formerly ${source.formerly.map((name) => `\`${name}\``).join(', ')}, deprecated)`
    : ''
  return `\`${source.env}\`${formerly}`
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ')
const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.)]$/.test(text) ? '' : '.'}`

/** README.md: what each variable means. */
export function readmeTable(): string {
  const lines = ['| Variable | Default | Used by | Meaning |', '| --- | --- | --- | --- |']
  for (const { source, usedBy } of rows()) {
    lines.push(`| ${variable(source)} | ${cell(source.shown)} | ${usedBy.join(', ')} | ${cell(source.doc)} |`)
  }
  return lines.join('\n')
}

/** docs/deploy.md: what to set in production. */
export function deployTable(): string {
  const lines = ['| variable | used by | default | production value |', '| --- | --- | --- | --- |']
  for (const { source, usedBy } of rows()) {
    const advice = source.deploy ?? sentence(source.doc)
    lines.push(`| ${variable(source)} | ${usedBy.join(', ')} | ${cell(source.shown)} | ${cell(advice)} |`)
  }
  return lines.join('\n')
}

export const TABLE_BEGIN =
  '<!-- config-table:begin (generated from packages/config by `pnpm config:table`: edit the settings there, not here) -->'
export const TABLE_END = '<!-- config-table:end -->'

/** `document` with the text between the markers replaced by `table`; throws when the markers are missing. */
export function withTable(document: string, table: string, file: string): string {
  const begin = document.indexOf(TABLE_BEGIN)
  const end = document.indexOf(TABLE_END)
  if (begin < 0 || end < begin) throw new Error(`${file}: the config-table markers are missing`)
  return `${document.slice(0, begin + TABLE_BEGIN.length)}\n${table}\n${document.slice(end)}`
}

/** The documents holding a table, relative to the repository root, with their table. */
export const TABLE_FILES: readonly [string, () => string][] = [
  ['README.md', readmeTable],
  ['docs/deploy.md', deployTable],
]
