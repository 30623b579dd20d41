import { spawn } from '@lydell/node-pty'
import { createAuth } from '@parley/auth'
import { expect, it } from 'vitest'
import { adminDir, ctx, seedUsers, useTempDatabase, withStorage } from './helpers.js'

useTempDatabase()

/** Runs the admin command on a real pseudo-terminal, answering prompts as they appear. */
function runOnTerminal(args: string[], answers: [prompt: string, reply: string][]) {
  const term = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', 'src/main.ts', ...args], {
    cwd: adminDir,
    env: { ...process.env, INIT_CWD: ctx.dir, DATABASE_PATH: ctx.dbPath } as Record<string, string>,
    cols: 120,
    rows: 30,
  })
  let output = ''
  const pending = [...answers]
  let seen = 0
  term.onData((data) => {
    output += data
    const next = pending[0]
    if (next && output.indexOf(next[0], seen) !== -1) {
      seen = output.indexOf(next[0], seen) + next[0].length
      pending.shift()
      term.write(next[1])
    }
  })
  return new Promise<{ code: number; output: string }>((resolve) => {
    term.onExit(({ exitCode }) => resolve({ code: exitCode, output }))
  })
}

it('asks twice for the new password on the terminal without echoing it', async () => {
  await seedUsers('alice')
  const secret = 'typed-on-a-tty-42'
  const result = await runOnTerminal(
    ['users', 'reset-password', 'alice'],
    [
      ['New password for "alice": ', `${secret}\r`],
      ['Repeat it: ', `${secret}\r`],
    ],
  )
  expect(result.output).toContain('Password of "alice" changed; 0 session(s) ended.')
  expect(result.code).toBe(0)
  expect(result.output).not.toContain(secret)
  await withStorage(async (storage) => {
    await expect(createAuth({ storage }).login('alice', secret)).resolves.toBeTruthy()
  })
})

it('changes nothing when the two entries differ', async () => {
  await seedUsers('alice')
  const result = await runOnTerminal(
    ['users', 'reset-password', 'alice'],
    [
      ['New password for "alice": ', 'first-password\r'],
      ['Repeat it: ', 'other-password\r'],
    ],
  )
  expect(result.code).toBe(1)
  expect(result.output).toContain('The passwords do not match; nothing changed.')
  await withStorage(async (storage) => {
    await expect(createAuth({ storage }).login('alice', 'alice-password')).resolves.toBeTruthy()
  })
})
