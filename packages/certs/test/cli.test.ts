import { execFile } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { writeOldCa } from './old-ca.js'

const run = promisify(execFile)
const packageDir = join(import.meta.dirname, '..')
let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-certs-cli-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function certs(...args: string[]) {
  return run('pnpm', ['exec', 'tsx', '--conditions=source', 'src/cli.ts', ...args], { cwd: packageDir })
}

it('creates the files in --dir, tells how to trust the CA, and keeps them on the second run', async () => {
  const first = await certs('--dir', dir)
  expect(first.stdout).toContain(`${join(dir, 'ca.pem')}: created (missing)`)
  expect(first.stdout).toContain('Trust')
  expect((await readdir(dir)).sort()).toEqual(['ca-key.pem', 'ca.pem', 'localhost-key.pem', 'localhost.pem'])
  const second = await certs('--dir', dir)
  expect(second.stdout).toContain('kept (already valid)')
  expect(second.stdout).not.toContain('Trust')
})

it('exits 2 with the usage on an unknown option', async () => {
  await expect(certs('--bogus')).rejects.toMatchObject({
    code: 2,
    stderr: expect.stringContaining('Usage: pnpm certs'),
  })
})

it('replaces a CA of an earlier version with a one-line notice, and covers --name and CERTS_NAMES', async () => {
  await writeOldCa(dir)
  const result = await run(
    'pnpm',
    ['exec', 'tsx', '--conditions=source', 'src/cli.ts', '--dir', dir, '--name', 'parley.lan'],
    {
      cwd: packageDir,
      env: { ...process.env, CERTS_NAMES: '192.168.1.5' },
    },
  )
  const notices = result.stdout.split('\n').filter((line) => line.startsWith('Replaced the certificate authority'))
  expect(notices).toEqual([
    `Replaced the certificate authority of an earlier Parley, which could sign for any domain: remove it from where you trusted it and trust the new ${join(dir, 'ca.pem')}.`,
  ])
  const leaf = new X509Certificate(await readFile(join(dir, 'localhost.pem')))
  expect(leaf.checkHost('parley.lan')).toBe('parley.lan')
  expect(leaf.checkIP('192.168.1.5')).toBe('192.168.1.5')
})
