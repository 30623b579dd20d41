import { writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { createAuth } from '@parley/auth'
import { describe, expect, it } from 'vitest'
import { ctx, repoRoot, runAdmin, runPnpm, seedUsers, useTempDatabase, withStorage } from './helpers.js'

useTempDatabase()

async function credentials(text: string, name = 'credentials.txt'): Promise<string> {
  const path = join(ctx.dir, name)
  await writeFile(path, text)
  return path
}

async function usernames(): Promise<string[]> {
  return withStorage(async (storage) => (await storage.users.listUsers()).map((u) => u.username))
}

describe('pnpm parley users import', () => {
  it('imports every valid line, exits 0, and the passwords work for login', async () => {
    await credentials('hans falcon*solo\r\nyoda wise@!man\n\nvader sithlord**\n')
    const result = await runAdmin(['users', 'import', 'credentials.txt']) // relative to INIT_CWD
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toBe('Imported 3 of 3 accounts, 0 lines rejected.\n')
    expect(await usernames()).toEqual(['hans', 'yoda', 'vader'])
    await withStorage(async (storage) => {
      const auth = createAuth({ storage })
      await expect(auth.login('YODA', 'wise@!man')).resolves.toMatchObject({ user: { username: 'yoda' } })
    })
  })

  it('reports each rejected line with its number and reason, never a password, and exits 1', async () => {
    await seedUsers('existing')
    await credentials(
      [
        'alice password1', // 1 ok
        'bob pw', // 2 too short
        'Alice another-pw', // 3 duplicate of 1
        'carol', // 4 malformed
        'dave has three-fields', // 5 malformed
        `${'x'.repeat(33)} password1`, // 6 too long
        'bad\u200bname password1', // 7 bad characters
        'EXISTING password1', // 8 already exists
        'frank\tgood-password', // 9 ok (tab separated)
      ].join('\n'),
    )
    const result = await runAdmin(['users', 'import', join(ctx.dir, 'credentials.txt')])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('Imported 2 of 9 accounts, 7 lines rejected.\n')
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'line 2: rejected "bob": password too short (at least 8 characters; --min-password N accepts shorter ones)',
      'line 3: rejected "Alice": duplicate of line 1 (usernames are case-insensitive)',
      'line 4: rejected: malformed line (expected "username password", found 1 field)',
      'line 5: rejected: malformed line (expected "username password", found 3 fields)',
      `line 6: rejected "${'x'.repeat(33)}": bad username: Username must be at most 32 characters (it has 33)`,
      'line 7: rejected "bad\\u{200b}name": bad username: Username must not contain spaces, control or invisible characters (found U+200B)',
      'line 8: rejected "EXISTING": username already exists',
    ])
    for (const secret of ['password1', 'another-pw', 'three-fields', 'good-password']) {
      expect(result.stdout + result.stderr).not.toContain(secret)
    }
    expect(await usernames()).toEqual(['existing', 'alice', 'frank'])
  })

  it("accepts the original's short passwords with --min-password", async () => {
    await credentials('short abc\ntiny ab\n')
    const result = await runAdmin(['users', 'import', 'credentials.txt', '--min-password', '3'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('line 2: rejected "tiny": password too short (at least 3 characters')
    expect(await usernames()).toEqual(['short'])
  })

  it('treats composed and decomposed names as duplicates', async () => {
    await credentials('Jos\u00e9 password1\njose\u0301 password2\n')
    const result = await runAdmin(['users', 'import', 'credentials.txt'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('line 2: rejected "jose\u0301": duplicate of line 1')
  })

  it('skips existing accounts with --skip-existing, so an import can be re-run', async () => {
    await credentials('alice password1\nbob password2\n')
    expect((await runAdmin(['users', 'import', 'credentials.txt'])).code).toBe(0)
    const again = await runAdmin(['users', 'import', 'credentials.txt', '--skip-existing'])
    expect(again).toMatchObject({ code: 0, stdout: 'Imported 0 of 2 accounts, 2 already existed, 0 lines rejected.\n' })
    const strict = await runAdmin(['users', 'import', 'credentials.txt'])
    expect(strict.code).toBe(1)
    expect(strict.stderr).toContain('line 1: rejected "alice": username already exists')
  })

  it('creates nothing with --dry-run', async () => {
    await credentials('alice password1\n')
    const result = await runAdmin(['users', 'import', 'credentials.txt', '--dry-run'])
    expect(result).toMatchObject({ code: 0, stdout: 'Would import 1 of 1 account, 0 lines rejected.\n' })
    expect(await usernames()).toEqual([])
  })

  it('exits 2 on usage errors and 1 on an unreadable file', async () => {
    const missingArg = await runAdmin(['users', 'import'])
    expect(missingArg.code).toBe(2)
    expect(missingArg.stderr).toContain('missing argument')
    expect(missingArg.stderr).toContain('Usage: pnpm parley users import <credentials.txt>')
    const badMin = await runAdmin(['users', 'import', 'x.txt', '--min-password', 'three'])
    expect(badMin.code).toBe(2)
    expect(badMin.stderr).toContain('--min-password must be an integer from 1 to 1024')
    const missing = await runAdmin(['users', 'import', 'nope.txt'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(`Cannot read ${join(ctx.dir, 'nope.txt')}`)
  })

  it('resolves the file and DATABASE_PATH against where `pnpm parley` was typed (the root script)', async () => {
    await credentials('rooted password1\n')
    // Through the real root script: pnpm runs it in apps/admin with INIT_CWD = the repository root.
    const fromRoot = relative(repoRoot, join(ctx.dir, 'credentials.txt'))
    const db = relative(repoRoot, ctx.dbPath)
    const result = await runPnpm(['-s', 'parley', 'users', 'import', fromRoot], { DATABASE_PATH: db })
    expect(result).toMatchObject({ code: 0, stdout: 'Imported 1 of 1 account, 0 lines rejected.\n' })
    expect(await usernames()).toEqual(['rooted'])
  })
})
