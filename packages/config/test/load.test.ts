import { describe, expect, it } from 'vitest'
import {
  type BoardConfig,
  boardSettings,
  type ChatConfig,
  ConfigError,
  gatewaySettings,
  loadSettings,
} from '../src/index.js'

const options = { repoRoot: '/repo', cwd: '/work', hostname: 'box' }
const board = (env: NodeJS.ProcessEnv) => loadSettings(boardSettings, env, options)
const gateway = (env: NodeJS.ProcessEnv) => loadSettings(gatewaySettings, env, options)
const problem = (load: () => unknown) => {
  try {
    load()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('accepted')
}

describe('loadSettings', () => {
  it('types the result as the app config', () => {
    const boardConfig: BoardConfig = board({}).config
    const chatConfig: ChatConfig = gateway({}).config
    expect(boardConfig.port).toBe(8181)
    expect(chatConfig.port).toBe(8182)
  })

  it('reads an old variable name with a one-line deprecation warning, and prefers the new one', () => {
    const old = gateway({ BLOCK_DURATION: '5', CHAT_TIMEOUT: '30', CHAT_SIGN_IN_TIMEOUT: '7' })
    expect(old.config).toMatchObject({ blockDurationSeconds: 5, timeoutSeconds: 30, signInTimeoutSeconds: 7 })
    expect(old.warnings).toEqual([
      'CHAT_TIMEOUT is deprecated and will stop working in the next release: set CHAT_TIMEOUT_SECONDS instead',
      'CHAT_SIGN_IN_TIMEOUT is deprecated and will stop working in the next release: set CHAT_SIGN_IN_TIMEOUT_SECONDS instead',
      'BLOCK_DURATION is deprecated and will stop working in the next release: set BLOCK_DURATION_SECONDS instead',
    ])
    const both = gateway({ BLOCK_DURATION: '5', BLOCK_DURATION_SECONDS: '9' })
    expect(both.config.blockDurationSeconds).toBe(9)
    expect(both.warnings).toEqual([])
    const boardOld = board({ METRICS_PORT: '9181', METRICS_TOKEN: 'a-long-enough-scrape-token' })
    expect(boardOld.config).toMatchObject({ metricsPort: 9181, metricsToken: 'a-long-enough-scrape-token' })
    expect(boardOld.warnings).toHaveLength(2)
    expect(board({}).warnings).toEqual([])
  })

  it('names the variable the value came from, old or new', () => {
    expect(problem(() => gateway({ BLOCK_DURATION: 'x' }))).toMatch(/^Invalid configuration: BLOCK_DURATION must/)
    expect(problem(() => gateway({ BLOCK_DURATION_SECONDS: 'x' }))).toMatch(/BLOCK_DURATION_SECONDS must/)
  })

  it('reports every bad variable in one message', () => {
    const message = problem(() =>
      board({ BOARD_PORT: 'x', LOG_LEVEL: 'loud', TRUST_PROXY: '*', MIN_PASSWORD_LENGTH: '0' }),
    )
    expect(message).toMatch(/BOARD_PORT must be integer \(got "x"\)/)
    expect(message).toMatch(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)/)
    expect(message).toMatch(/TRUST_PROXY must list the proxies' addresses or ranges, not "\*"/)
    expect(message).toMatch(/MIN_PASSWORD_LENGTH/)
    expect(message.split('; ')).toHaveLength(4)
  })

  it('validates TRUST_PROXY the same way (proxy-addr) for board and gateway', () => {
    for (const load of [board, gateway]) {
      expect(load({ TRUST_PROXY: '10.0.1.5, 10.0.2.0/28 loopback ::1' }).config.trustProxy).toEqual([
        '10.0.1.5',
        '10.0.2.0/28',
        'loopback',
        '::1',
      ])
      expect(problem(() => load({ TRUST_PROXY: 'nginx.internal' }))).toMatch(/TRUST_PROXY invalid IP address/)
      expect(problem(() => load({ TRUST_PROXY: '10.0.0.0/33' }))).toMatch(/TRUST_PROXY/)
      expect(problem(() => load({ TRUST_PROXY: '10.0.0.1 ::/0' }))).toMatch(/TRUST_PROXY must list/)
    }
  })

  it('turns metrics off with "off" on board and gateway alike, and needs a token beyond loopback', () => {
    expect(board({ BOARD_METRICS_PORT: 'off' }).config.metricsPort).toBeUndefined()
    expect(gateway({ CHAT_METRICS_PORT: 'OFF' }).config.metricsPort).toBeUndefined()
    expect(gateway({ CHAT_METRICS_PORT: '0' }).config.metricsPort).toBe(0)
    expect(problem(() => gateway({ CHAT_METRICS_PORT: '9182', CHAT_METRICS_HOST: '0.0.0.0' }))).toMatch(
      /CHAT_METRICS_HOST "0.0.0.0" is not loopback: set CHAT_METRICS_TOKEN/,
    )
    expect(problem(() => board({ BOARD_METRICS_HOST: '10.0.0.5' }))).toMatch(/set BOARD_METRICS_TOKEN/)
  })

  it('hides the same secrets in both apps: named, never shown', () => {
    for (const [load, env] of [
      [board, { DATABASE_URL: '', REDIS_URL: 'http://:hunter2hunter2@x', BOARD_METRICS_TOKEN: 'short secret' }],
      [gateway, { REDIS_URL: 'http://:hunter2hunter2@x', CHAT_METRICS_TOKEN: 'short secret' }],
    ] as const) {
      const message = problem(() => load(env))
      expect(message).toMatch(/REDIS_URL .*\(value not shown\)/)
      expect(message).toMatch(/METRICS_TOKEN .*\(value not shown\)/)
      expect(message).not.toMatch(/hunter2|short secret/)
    }
  })

  it('reads the environment once: each variable a single time', () => {
    const reads = new Map<string, number>()
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get: (_target, name: string) => {
        reads.set(name, (reads.get(name) ?? 0) + 1)
        return undefined
      },
    })
    gateway(env)
    expect([...reads.values()].every((count) => count === 1)).toBe(true)
    expect(reads.has('CHAT_TIMEOUT_SECONDS') && reads.has('CHAT_TIMEOUT')).toBe(true)
  })
})
