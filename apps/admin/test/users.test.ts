import { createAuth } from '@parley/auth'
import { describe, expect, it } from 'vitest'
import { runAdmin, seedUsers, useTempDatabase, withStorage } from './helpers.js'

useTempDatabase()

async function user(name: string) {
  return withStorage(async (storage) => storage.users.getUserByKey(name.toLowerCase()))
}

/** The audit log, oldest first. */
async function auditEntries() {
  return withStorage(async (storage) => (await storage.audit.list({ limit: 100 })).reverse())
}

describe('pnpm parley users list', () => {
  it('prints a table of the accounts, and JSON without hashes with --json', async () => {
    await seedUsers('alice', 'bob')
    await withStorage(async (storage) => storage.users.setRole((await storage.users.getUserByKey('bob'))!.id, 'admin'))
    const result = await runAdmin(['users', 'list'])
    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ID\s+USERNAME\s+ROLE\s+CREATED\s+STATUS$/)
    expect(lines[1]).toMatch(/^1\s+alice\s+member\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+active$/)
    expect(lines[2]).toMatch(/^2\s+bob\s+admin\s+/)
    expect(lines[3]).toBe('2 accounts')
    const json = await runAdmin(['users', 'list', '--json'])
    expect(JSON.parse(json.stdout)).toEqual([
      { id: 1, username: 'alice', role: 'member', createdAt: expect.any(String), suspendedUntil: null },
      { id: 2, username: 'bob', role: 'admin', createdAt: expect.any(String), suspendedUntil: null },
    ])
    expect(json.stdout).not.toContain('argon2')
  })
})

describe('pnpm parley users promote', () => {
  it('makes a user an admin by any case of the name, and --demote undoes it', async () => {
    await seedUsers('Alice')
    const result = await runAdmin(['users', 'promote', 'ALICE'])
    expect(result).toMatchObject({ code: 0, stdout: '"Alice" is now an admin.\n' })
    expect((await user('alice'))?.role).toBe('admin')
    expect((await runAdmin(['users', 'promote', 'alice'])).stdout).toBe('"Alice" already is an admin.\n')
    expect((await runAdmin(['users', 'promote', 'alice', '--demote'])).stdout).toBe('"Alice" is now a member.\n')
    expect((await user('alice'))?.role).toBe('member')
  })

  it('writes each change to the audit log with the command line as actor and the --reason; no entry when nothing changed', async () => {
    await seedUsers('alice')
    expect((await runAdmin(['users', 'promote', 'alice', '--reason', 'first moderator'])).code).toBe(0)
    expect((await runAdmin(['users', 'promote', 'alice', '--reason', 'again'])).code).toBe(0)
    expect((await runAdmin(['users', 'promote', 'alice', '--demote'])).code).toBe(0)
    const entries = await auditEntries()
    expect(entries).toMatchObject([
      { action: 'user.promote', actorId: null, actorName: null, targetName: 'alice', reason: 'first moderator' },
      { action: 'user.demote', actorId: null, actorName: null, targetName: 'alice', reason: null },
    ])
    expect(entries[0]?.createdAt).toBeGreaterThan(Date.now() - 120_000)
  })

  it('exits 2 for a --reason over 500 characters and changes nothing', async () => {
    await seedUsers('alice')
    const result = await runAdmin(['users', 'promote', 'alice', '--reason', 'x'.repeat(501)])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--reason must be at most 500 characters')
    expect((await user('alice'))?.role).toBe('member')
    expect(await auditEntries()).toEqual([])
  })

  it('exits 1 for an unknown user', async () => {
    const result = await runAdmin(['users', 'promote', 'nobody'])
    expect(result).toMatchObject({ code: 1, stderr: 'No user named "nobody"\n' })
  })
})

describe('pnpm parley users suspend / unsuspend', () => {
  it('suspends for a time, ends the sessions, and the user cannot log in until unsuspended', async () => {
    await seedUsers('mallory')
    const token = await withStorage(async (storage) => {
      const { session } = await createAuth({ storage }).login('mallory', 'mallory-password')
      return session.token
    })
    const before = Date.now()
    const result = await runAdmin(['users', 'suspend', 'mallory', '--for', '2h'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^"mallory" is suspended until \d{4}-.*Z; 1 session\(s\) ended\.\n$/)
    const until = (await user('mallory'))?.suspendedUntil ?? 0
    expect(until).toBeGreaterThanOrEqual(before + 7_200_000)
    expect(until).toBeLessThan(Date.now() + 7_200_000 + 1)
    await withStorage(async (storage) => {
      const auth = createAuth({ storage })
      expect(await auth.authenticate(token)).toBeNull()
      await expect(auth.login('mallory', 'mallory-password')).rejects.toMatchObject({ code: 'AUTH_SUSPENDED' })
    })
    const lifted = await runAdmin(['users', 'unsuspend', 'mallory', '--reason', 'appeal accepted'])
    expect(lifted).toMatchObject({ code: 0, stdout: '"mallory" is no longer suspended.\n' })
    await withStorage(async (storage) => {
      await expect(createAuth({ storage }).login('mallory', 'mallory-password')).resolves.toBeTruthy()
    })
    expect((await runAdmin(['users', 'unsuspend', 'mallory'])).stdout).toBe('"mallory" was not suspended.\n')
    expect(await auditEntries()).toMatchObject([
      { action: 'user.suspend', actorId: null, targetName: 'mallory', reason: null, details: { until } },
      { action: 'user.unsuspend', actorId: null, targetName: 'mallory', reason: 'appeal accepted' },
    ])
  })

  it('suspends for good without --for, and rejects a bad duration with exit 2', async () => {
    await seedUsers('trent')
    const result = await runAdmin(['users', 'suspend', 'trent', '--reason', 'spam\nbot'])
    expect(result).toMatchObject({ code: 0, stdout: '"trent" is suspended for good; 0 session(s) ended.\n' })
    expect((await user('trent'))?.suspendedUntil).toBe(Number.MAX_SAFE_INTEGER)
    expect(await auditEntries()).toMatchObject([
      { action: 'user.suspend', actorName: null, targetName: 'trent', reason: 'spam bot' },
    ])
    expect((await runAdmin(['users', 'list'])).stdout).toMatch(/trent\s+member\s+\S+\s+suspended\n/)
    const bad = await runAdmin(['users', 'suspend', 'trent', '--for', 'soon'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--for takes a positive number of seconds')
  })
})

describe('pnpm parley users reset-password', () => {
  it('sets the password from --password-stdin, ends every session, and never echoes it', async () => {
    await seedUsers('alice')
    const token = await withStorage(
      async (storage) => (await createAuth({ storage }).login('alice', 'alice-password')).session.token,
    )
    const result = await runAdmin(
      ['users', 'reset-password', 'alice', '--password-stdin', '--reason', 'locked out, asked by mail'],
      { input: 'brand-new-secret\n' },
    )
    expect(result).toMatchObject({ code: 0, stdout: 'Password of "alice" changed; 1 session(s) ended.\n' })
    expect(result.stdout + result.stderr).not.toContain('brand-new-secret')
    const entries = await auditEntries()
    expect(entries).toMatchObject([
      { action: 'user.reset_password', actorId: null, targetName: 'alice', reason: 'locked out, asked by mail' },
    ])
    expect(JSON.stringify(entries)).not.toContain('brand-new-secret')
    await withStorage(async (storage) => {
      const auth = createAuth({ storage })
      expect(await auth.authenticate(token)).toBeNull()
      await expect(auth.login('alice', 'brand-new-secret')).resolves.toBeTruthy()
      await expect(auth.login('alice', 'alice-password')).rejects.toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' })
    })
  })

  it('refuses a too short password with exit 1 and changes nothing', async () => {
    await seedUsers('alice')
    const result = await runAdmin(['users', 'reset-password', 'alice', '--password-stdin'], { input: 'short\n' })
    expect(result).toMatchObject({ code: 1, stderr: 'Password must be at least 8 characters; nothing changed.\n' })
    await withStorage(async (storage) => {
      await expect(createAuth({ storage }).login('alice', 'alice-password')).resolves.toBeTruthy()
    })
    expect(await auditEntries()).toEqual([])
  })

  it('exits 2 when there is no terminal to ask and no --password-stdin', async () => {
    await seedUsers('alice')
    const result = await runAdmin(['users', 'reset-password', 'alice'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('standard input is not a terminal: use --password-stdin')
  })
})
