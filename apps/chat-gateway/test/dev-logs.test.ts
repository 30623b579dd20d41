/**
 * `pnpm dev` is for people: its log lines are pretty-printed (pino-pretty in the dev script).
 * `pnpm start` (node dist/main.js) and every other run keep pino's JSON lines: the restart and
 * crash tests' ChildGateway reads them as JSON. The real script, `tsx watch` and all, on port 0.
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
  dir = await mkdtemp(join(tmpdir(), 'parley-gateway-dev-'))
  run = await runScriptUntil({
    cwd: join(import.meta.dirname, '..'),
    script: 'dev',
    env: {
      CHAT_HOST: '127.0.0.1',
      CHAT_PORT: '0',
      DATABASE_PATH: join(dir, 'parley.db'),
      CERTS_DIR: join(dir, 'certs'),
      // SQLite in the temp dir and the in-process bus, whatever the shell set for the scale-out tests.
      DATABASE_URL: '',
      REDIS_URL: '',
      CHAT_METRICS_PORT: '',
      LOG_LEVEL: 'info',
    },
    until: /chat gateway listening/,
  })
  expect(run.line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(chat-gateway\): chat gateway listening$/)
  // The fields follow on indented lines of their own.
  expect(run.lines).toContainEqual(expect.stringMatching(/^ {4}url: "wss:\/\/127\.0\.0\.1:\d+\/"$/))
  for (const line of run.lines) expect(line.startsWith('{')).toBe(false)
}, 90_000)
