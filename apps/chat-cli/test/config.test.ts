import { resolve } from 'node:path'
import { backoffDelay } from '@parley/chat-client'
import { describe, expect, it } from 'vitest'
import { type CliEnvironment, parseCliArgs, UsageError } from '../src/config.js'

const repo = resolve(import.meta.dirname, '..', '..', '..')
const inRepo: CliEnvironment = { cwd: resolve(repo, 'apps', 'chat-cli'), env: { INIT_CWD: repo }, stdoutIsTTY: true }

function config(argv: string[], environment: CliEnvironment = inRepo) {
  const parsed = parseCliArgs(argv, environment)
  if (parsed.kind !== 'run') throw new Error('expected a run configuration')
  return parsed.config
}

describe('parseCliArgs', () => {
  it('defaults to wss://localhost:8182 trusting the repository certs/ca.pem, colours on a TTY', () => {
    expect(config([])).toEqual({
      url: 'wss://localhost:8182/',
      caPath: resolve(repo, 'certs', 'ca.pem'),
      privateBindHost: '127.0.0.1',
      colour: true,
    })
  })

  it('takes the original <host> <port> form, with or without the -- pnpm passes through', () => {
    expect(config(['chat.example.org', '9000']).url).toBe('wss://chat.example.org:9000/')
    expect(config(['--', '127.0.0.1', '9000']).url).toBe('wss://127.0.0.1:9000/')
    expect(config(['::1', '9000']).url).toBe('wss://[::1]:9000/')
  })

  it('takes --server and --ca, resolving a relative --ca from where the user typed the command', () => {
    const c = config(['--', '--server', 'wss://chat.example.org:8443/chat', '--ca', 'my/ca.pem'], {
      ...inRepo,
      env: { INIT_CWD: '/home/hans' },
    })
    expect(c.url).toBe('wss://chat.example.org:8443/chat')
    expect(c.caPath).toBe('/home/hans/my/ca.pem')
    // A gateway elsewhere: private links listen on all interfaces so the peer can reach them.
    expect(c.privateBindHost).toBe('0.0.0.0')
  })

  it('uses the system CAs outside a repository, and honours --private-host', () => {
    const outside: CliEnvironment = { cwd: '/', env: {}, stdoutIsTTY: false }
    expect(config(['--private-host', '192.168.1.5'], outside)).toMatchObject({
      caPath: null,
      privateBindHost: '192.168.1.5',
      colour: false,
    })
  })

  it('turns colours off for NO_COLOR and --no-color', () => {
    expect(config([], { ...inRepo, env: { ...inRepo.env, NO_COLOR: '1' } }).colour).toBe(false)
    expect(config(['--no-color']).colour).toBe(false)
  })

  it('answers --help', () => {
    expect(parseCliArgs(['--help'], inRepo)).toEqual({ kind: 'help' })
    expect(parseCliArgs(['-h'], inRepo)).toEqual({ kind: 'help' })
  })

  it.each([
    [['localhost'], /Expected <host> <port>/],
    [['localhost', '8182', 'extra'], /Expected <host> <port>/],
    [['localhost', 'http'], /Invalid port 'http'/],
    [['localhost', '70000'], /Invalid port '70000'/],
    [['--server', 'ws://localhost:8182'], /must be a wss:\/\/ URL/],
    [['--server', 'not a url'], /Invalid --server URL/],
    [['--server', 'wss://a:1', 'b', '2'], /either <host> <port> or --server/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--ca'], /argument missing/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseCliArgs(argv, inRepo)).toThrow(UsageError)
    expect(() => parseCliArgs(argv, inRepo)).toThrow(message)
  })
})

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with equal jitter (never below half)', () => {
    const options = { initialMs: 500, maxMs: 15_000 }
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, options, () => 0))).toEqual([
      250, 500, 1000, 2000, 4000, 7500, 7500,
    ])
    expect([0, 1, 2, 5].map((n) => backoffDelay(n, options, () => 0.999_999))).toEqual([500, 1000, 2000, 15_000])
  })
})
