import { randomUUID } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { codeOf, makeAuth } from './helpers.js'

it('never writes the plaintext password to the database files or the logs', async () => {
  const canary = `canary-${randomUUID()}`
  const replacement = `canary2-${randomUUID()}`
  const { auth, storage, dir, logs } = await makeAuth()
  const { user, session } = await auth.register('canary-user', canary, { ip: '127.0.0.1', userAgent: 'ua' })
  await auth.login('canary-user', canary)
  await codeOf(auth.login('canary-user', `${canary}-wrong`))
  // People type their password into the username field: that must not be logged either.
  await codeOf(auth.login(canary, canary))
  await auth.changePassword(user.id, canary, replacement, session.token)
  await auth.login('canary-user', replacement)

  const files = (await readdir(dir)).filter((name) => name.startsWith('parley.db'))
  expect(files).toContain('parley.db')
  const haystacks = [
    ...(await Promise.all(files.map((name) => readFile(join(dir, name))))),
    Buffer.from(logs.join('\n')),
  ]
  expect(logs.length).toBeGreaterThan(3) // the logger really captured the events
  for (const secret of [canary, replacement, session.token]) {
    for (const bytes of haystacks) {
      expect(bytes.includes(secret)).toBe(false)
      expect(bytes.includes(Buffer.from(secret, 'utf16le'))).toBe(false)
    }
  }
  // The database did record the account, so the search looked at the right files.
  expect(haystacks.some((bytes) => bytes.includes('canary-user'))).toBe(true)
  await storage.close()
  const afterClose = await Promise.all(
    (await readdir(dir)).filter((n) => n.startsWith('parley.db')).map((n) => readFile(join(dir, n))),
  )
  for (const bytes of afterClose) expect(bytes.includes(canary)).toBe(false)
})
