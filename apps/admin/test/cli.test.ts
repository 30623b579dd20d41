import { describe, expect, it } from 'vitest'
import { runAdmin, runAdminProcess, useTempDatabase } from './helpers.js'

useTempDatabase()

// The first two run the entry point itself (src/main.ts in a child process, as pnpm runs it): arguments
// in, exit status and output out. The rest, like the other files, run the same code in-process.
describe('pnpm parley (help and usage errors)', () => {
  it('lists every command with --help and exits 0', async () => {
    const result = await runAdminProcess(['--help'])
    expect(result.code).toBe(0)
    for (const command of [
      'users import',
      'users list',
      'users promote',
      'users suspend',
      'users unsuspend',
      'users reset-password',
      'db migrate',
      'db check',
      'db backup',
    ]) {
      expect(result.stdout).toContain(`  ${command}  `)
    }
    expect(result.stdout).toContain('DATABASE_PATH')
  })

  it('prints the overview on stderr and exits 2 without a command', async () => {
    const result = await runAdminProcess([])
    expect(result).toMatchObject({ code: 2, stdout: '' })
    expect(result.stderr).toContain('Usage: pnpm parley <command> [options]')
  })

  it('shows a group with "users --help" and a command with "users import --help"', async () => {
    const group = await runAdmin(['users', '--help'])
    expect(group.code).toBe(0)
    expect(group.stdout).toContain('users reset-password')
    expect(group.stdout).not.toContain('db backup')
    for (const args of [
      ['users', 'import', '--help'],
      ['users', 'list', '-h'],
      ['users', 'promote', '--help'],
      ['users', 'suspend', '--help'],
      ['users', 'unsuspend', '--help'],
      ['users', 'reset-password', '--help'],
      ['db', 'migrate', '--help'],
      ['db', 'check', '--help'],
      ['db', 'backup', '--help'],
    ]) {
      const help = await runAdmin(args)
      expect(help.code, args.join(' ')).toBe(0)
      expect(help.stdout, args.join(' ')).toContain(`Usage: pnpm parley ${args[0]} ${args[1]}`)
      // The moderation commands are audited and say why.
      if (['promote', 'suspend', 'unsuspend', 'reset-password'].includes(args[1]!)) {
        expect(help.stdout, args.join(' ')).toContain('--reason <text>')
      }
    }
  })

  it('exits 2 for unknown commands, unknown options and extra arguments', async () => {
    const unknownGroup = await runAdmin(['posts', 'list'])
    expect(unknownGroup).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown command "posts"') })
    const unknownCommand = await runAdmin(['users', 'frobnicate'])
    expect(unknownCommand).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Unknown command "users frobnicate"'),
    })
    const unknownOption = await runAdmin(['users', 'list', '--colour'])
    expect(unknownOption).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--colour'") })
    const extra = await runAdmin(['users', 'list', 'extra'])
    expect(extra).toMatchObject({ code: 2, stderr: expect.stringContaining('unexpected argument "extra"') })
  })
})
