/**
 * `pnpm parley` reads DATABASE_SCHEMA and MIN_PASSWORD_LENGTH as the board and the gateway do (issue 14,
 * item 15): on PostgreSQL it works on the servers' schema, and a reset password obeys their rule.
 */
import { writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { openPostgresStorage } from '@parley/storage'
import { afterAll, describe, expect, it } from 'vitest'
import { adminDir, ctx, runAdmin, runAdminProcess, seedUsers, useTempDatabase, withStorage } from './helpers.js'

useTempDatabase()

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

// Only to drop the test's schemas: the admin app has no PostgreSQL driver of its own, so borrow the
// one @parley/storage depends on.
interface AdminPool {
  query(sql: string): Promise<unknown>
  end(): Promise<void>
}
const pg = createRequire(join(adminDir, 'node_modules', '@parley', 'storage', 'package.json'))('pg') as {
  Pool: new (options: { connectionString: string }) => AdminPool
}
const schemas: string[] = []
function freshSchema(): string {
  const schema = `parley_admin_${process.pid}_${Date.now().toString(36)}_${schemas.length}`
  schemas.push(schema)
  return schema
}
afterAll(async () => {
  const pool = new pg.Pool({ connectionString: databaseUrl })
  try {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  } finally {
    await pool.end()
  }
})

describe('DATABASE_SCHEMA', () => {
  it('imports into and lists from the servers’ schema, not the default one', async () => {
    const schema = freshSchema()
    const other = freshSchema()
    await writeFile(join(ctx.dir, 'credentials.txt'), 'hans falcon*solo\n')
    const env = { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema }
    expect(await runAdmin(['users', 'import', 'credentials.txt'], { env })).toMatchObject({ code: 0 })
    expect((await runAdmin(['users', 'list'], { env })).stdout).toContain('hans')
    const elsewhere = await runAdmin(['users', 'list'], { env: { ...env, DATABASE_SCHEMA: other } })
    expect(elsewhere.stdout).not.toContain('hans')
    // What the board would see with the same setting.
    const storage = await openPostgresStorage({ url: databaseUrl, schema })
    try {
      expect((await storage.users.listUsers()).map((user) => user.username)).toEqual(['hans'])
    } finally {
      await storage.close()
    }
  })

  // Through the entry point: a bad setting stops the real process before any command runs.
  it('refuses a malformed schema name with exit 2, naming the variable', async () => {
    const result = await runAdminProcess(['db', 'check'], { env: { DATABASE_SCHEMA: 'Robert"; DROP' } })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('DATABASE_SCHEMA')
  })
})

describe('MIN_PASSWORD_LENGTH', () => {
  it('a reset password must meet the servers’ minimum', async () => {
    await seedUsers('alice')
    const env = { MIN_PASSWORD_LENGTH: '16' }
    const short = await runAdmin(['users', 'reset-password', 'alice', '--password-stdin'], {
      env,
      input: 'twelve-chars\n',
    })
    expect(short).toMatchObject({ code: 1, stderr: 'Password must be at least 16 characters; nothing changed.\n' })
    const ok = await runAdmin(['users', 'reset-password', 'alice', '--password-stdin'], {
      env,
      input: 'sixteen-chars-ok\n',
    })
    expect(ok.code).toBe(0)
    await withStorage(async (storage) => {
      expect(await storage.users.getUserByKey('alice')).not.toBeNull()
    })
  })

  it('--min-password of an import still wins over it', async () => {
    await writeFile(join(ctx.dir, 'credentials.txt'), 'han solo\n')
    const result = await runAdmin(['users', 'import', 'credentials.txt', '--min-password', '3'], {
      env: { MIN_PASSWORD_LENGTH: '16' },
    })
    expect(result).toMatchObject({ code: 0 })
  })

  it('refuses a value the servers would refuse, with exit 2', async () => {
    const result = await runAdmin(['users', 'list'], { env: { MIN_PASSWORD_LENGTH: 'eight' } })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('MIN_PASSWORD_LENGTH')
  })
})
