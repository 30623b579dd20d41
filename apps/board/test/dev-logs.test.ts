/**
 * `pnpm dev` is for people: its log lines are pretty-printed (pino-pretty in the dev script).
 * `pnpm start` (node dist/main.js) and every other run keep pino's JSON lines: metrics.test's
 * main.ts child reads them as JSON. The real script, `tsx watch` and all, on port 0 in a temp dir.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runScriptUntil, type ScriptRun } from '@parley/testing'
import { afterAll, expect, it } from 'vitest'

let dir = ''
let run: ScriptRun | undefined

afterAll(async () => {
  await run?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

it('pnpm dev prints human-readable log lines, not JSON', async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-board-dev-'))
  run = await runScriptUntil({
    cwd: join(import.meta.dirname, '..'),
    script: 'dev',
    env: {
      BOARD_HOST: '127.0.0.1',
      BOARD_PORT: '0',
      DATABASE_PATH: join(dir, 'parley.db'),
      CERTS_DIR: join(dir, 'certs'),
      MEDIA_DIR: join(dir, 'media'),
      // SQLite in the temp dir and the in-process bus, whatever the shell set for the scale-out tests.
      DATABASE_URL: '',
      REDIS_URL: '',
      BOARD_METRICS_PORT: '',
      METRICS_PORT: '',
      LOG_LEVEL: 'info',
    },
    until: /Parley board on/,
  })
  expect(run.line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Parley board on https:\/\/127\.0\.0\.1:\d+\/$/)
  // The fields follow on indented lines of their own.
  expect(run.lines).toContainEqual(expect.stringMatching(/^ {4}caPath: ".*ca\.pem"$/))
  for (const line of run.lines) expect(line.startsWith('{')).toBe(false)
}, 90_000)
