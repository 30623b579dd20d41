import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadAdminConfig } from '../src/config.js'
import { adminDir, repoRoot } from './helpers.js'

const moduleDir = join(adminDir, 'src')

describe('loadAdminConfig', () => {
  it('defaults to data/parley.db in the repository, wherever the command runs', () => {
    const config = loadAdminConfig({}, adminDir, moduleDir)
    expect(config.databasePath).toBe(join(repoRoot, 'data', 'parley.db'))
    expect(config.invokedFrom).toBe(adminDir)
    expect(config.databaseUrl).toBeUndefined()
  })

  it('resolves a relative DATABASE_PATH against INIT_CWD, where pnpm was started', () => {
    const config = loadAdminConfig({ INIT_CWD: '/srv/parley', DATABASE_PATH: 'state/p.db' }, adminDir, moduleDir)
    expect(config.databasePath).toBe('/srv/parley/state/p.db')
    expect(config.invokedFrom).toBe('/srv/parley')
  })

  it('keeps an absolute DATABASE_PATH and passes DATABASE_URL through', () => {
    const config = loadAdminConfig(
      { DATABASE_PATH: '/var/lib/parley.db', DATABASE_URL: 'postgres://db/parley' },
      adminDir,
      moduleDir,
    )
    expect(config).toMatchObject({ databasePath: '/var/lib/parley.db', databaseUrl: 'postgres://db/parley' })
  })
})
