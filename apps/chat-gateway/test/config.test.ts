import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'

const options = { repoRoot: '/repo', cwd: '/work', hostname: 'box' }
const load = (env: NodeJS.ProcessEnv = {}, argv: string[] = []) => loadConfig(env, argv, options).config

describe('loadConfig', () => {
  it('needs no configuration at all', () => {
    expect(load()).toEqual({
      host: 'localhost',
      port: 8182,
      timeoutSeconds: 600,
      allowNewUsers: true,
      allowedOrigins: ['https://localhost:8181', 'https://127.0.0.1:8181'],
      maxBufferedBytes: 1024 * 1024,
      heartbeatMs: 30_000,
      ratePerSecond: 20,
      rateBurst: 60,
      instanceId: 'box:8182',
      signInTimeoutSeconds: 30,
      maxConnectionsPerIp: 100,
      whoelsesinceMaxSeconds: 2_592_000,
      userRatePerSecond: 40,
      userRateBurst: 120,
      maxConnectionsPerUser: 20,
      blockDurationSeconds: 60,
      databasePath: '/repo/data/parley.db',
      busPrefix: 'parley:',
      instanceTtlMs: 15_000,
      metricsHost: '127.0.0.1',
      certsDir: '/repo/certs',
      minPasswordLength: 8,
      sessionIdleMinutes: 30,
      sessionAbsoluteHours: 12,
      authRateLimitPerMinute: 10,
      authLookupRateLimitPerMinute: 30,
      authCreateRateLimitPerHour: 20,
      logLevel: 'info',
    })
  })

  it('reads the multi-device settings: several sessions by default, the original one-session rule on demand', () => {
    expect(load()).not.toHaveProperty('oneSessionPerUser')
    expect(load({ CHAT_ONE_SESSION_PER_USER: 'true', CHAT_PRESENCE_GRACE_MS: '5000' })).toMatchObject({
      oneSessionPerUser: true,
      presenceGraceMs: 5000,
    })
    expect(load({ CHAT_ONE_SESSION_PER_USER: 'false' })).toMatchObject({ oneSessionPerUser: false })
    expect(() => load({ CHAT_ONE_SESSION_PER_USER: 'sometimes' })).toThrow(/CHAT_ONE_SESSION_PER_USER/)
    expect(() => load({ CHAT_PRESENCE_GRACE_MS: '-1' })).toThrow(/CHAT_PRESENCE_GRACE_MS/)
  })

  it('reads the abuse limits, which a load test can raise', () => {
    expect(
      load({
        CHAT_SIGN_IN_TIMEOUT: '5',
        CHAT_MAX_CONNECTIONS_PER_IP: '30000',
        AUTH_RATE_LIMIT: '100000',
        AUTH_LOOKUP_RATE_LIMIT: '100000',
        AUTH_CREATE_RATE_LIMIT: '100000',
      }),
    ).toMatchObject({
      signInTimeoutSeconds: 5,
      maxConnectionsPerIp: 30_000,
      authRateLimitPerMinute: 100_000,
      authLookupRateLimitPerMinute: 100_000,
      authCreateRateLimitPerHour: 100_000,
    })
    expect(() => load({ CHAT_MAX_CONNECTIONS_PER_IP: '0' })).toThrow(/CHAT_MAX_CONNECTIONS_PER_IP/)
    expect(() => load({ AUTH_LOOKUP_RATE_LIMIT: 'lots' })).toThrow(/AUTH_LOOKUP_RATE_LIMIT/)
    expect(() => load({ CHAT_SIGN_IN_TIMEOUT: '0' })).toThrow(/CHAT_SIGN_IN_TIMEOUT/)
  })

  it('reads the session expiry from the same variables as the board, and names a bad one', () => {
    const config = load({ SESSION_IDLE_MINUTES: '5', SESSION_ABSOLUTE_HOURS: '2' })
    expect(config.sessionIdleMinutes).toBe(5)
    expect(config.sessionAbsoluteHours).toBe(2)
    expect(() => load({ SESSION_IDLE_MINUTES: '0' })).toThrow(/SESSION_IDLE_MINUTES/)
  })

  it('reads the scale-out and metrics settings', () => {
    expect(
      load({
        REDIS_URL: 'redis://:secret@redis.internal:6379/0',
        BUS_PREFIX: 'parley-staging:',
        DATABASE_SCHEMA: 'parley_run_1',
        CHAT_INSTANCE_TTL_MS: '5000',
        CHAT_METRICS_PORT: '9182',
        CHAT_METRICS_HOST: '0.0.0.0',
        CHAT_METRICS_TOKEN: 'a-long-enough-scrape-token',
      }),
    ).toMatchObject({
      redisUrl: 'redis://:secret@redis.internal:6379/0',
      busPrefix: 'parley-staging:',
      databaseSchema: 'parley_run_1',
      instanceTtlMs: 5000,
      metricsPort: 9182,
      metricsHost: '0.0.0.0',
      metricsToken: 'a-long-enough-scrape-token',
    })
    expect(load({ BUS_PREFIX: '' }).busPrefix).toBe('')
    expect(load({ TRUST_PROXY: '10.0.1.5, 10.0.2.0/28 loopback' }).trustProxy).toEqual([
      '10.0.1.5',
      '10.0.2.0/28',
      'loopback',
    ])
    expect(load().trustProxy).toBeUndefined()
    expect(load().metricsPort).toBeUndefined()
  })

  it('reads the environment', () => {
    const config = load({
      CHAT_HOST: '0.0.0.0',
      CHAT_PORT: '9000',
      BLOCK_DURATION: '5',
      CHAT_TIMEOUT: '30',
      CHAT_ALLOW_NEW_USERS: 'false',
      CHAT_ALLOWED_ORIGINS: 'https://chat.example, https://board.example',
      CHAT_MAX_BUFFERED_BYTES: '65536',
      CHAT_HEARTBEAT_MS: '1000',
      CHAT_RATE_PER_SECOND: '2.5',
      CHAT_RATE_BURST: '5',
      CHAT_INSTANCE_ID: 'gw-1',
      DATABASE_PATH: 'db/x.db',
      DATABASE_URL: 'postgres://localhost/test',
      CERTS_DIR: '/etc/parley',
      MIN_PASSWORD_LENGTH: '3',
      LOG_LEVEL: 'debug',
    })
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 9000,
      blockDurationSeconds: 5,
      timeoutSeconds: 30,
      allowNewUsers: false,
      allowedOrigins: ['https://chat.example', 'https://board.example'],
      maxBufferedBytes: 65536,
      heartbeatMs: 1000,
      ratePerSecond: 2.5,
      rateBurst: 5,
      instanceId: 'gw-1',
      databasePath: '/work/db/x.db',
      databaseUrl: 'postgres://localhost/test',
      certsDir: '/etc/parley',
      minPasswordLength: 3,
      logLevel: 'debug',
    })
  })

  it('takes the original positional form <port> <block_duration> <timeout>', () => {
    expect(load({}, ['9000', '60', '600'])).toMatchObject({ port: 9000, blockDurationSeconds: 60, timeoutSeconds: 600 })
    // pnpm passes the separator through; parseArgs treats it as the end of options.
    expect(load({ CHAT_PORT: '1' }, ['--', '9001', '5'])).toMatchObject({
      port: 9001,
      blockDurationSeconds: 5,
      timeoutSeconds: 600,
      instanceId: 'box:9001',
    })
  })

  it('takes flags, which win over positionals and the environment', () => {
    expect(
      load({ CHAT_PORT: '1', CHAT_HOST: 'a' }, [
        '--port',
        '9002',
        '--host',
        '127.0.0.1',
        '--block-duration=7',
        '--timeout',
        '8',
      ]),
    ).toMatchObject({ port: 9002, host: '127.0.0.1', blockDurationSeconds: 7, timeoutSeconds: 8 })
    expect(load({}, ['9000', '--port', '9003'])).toMatchObject({ port: 9003 })
    expect(loadConfig({}, ['--help'], options).help).toBe(true)
  })

  it('stops with a message naming the variable or argument of each bad value', () => {
    const problem = (env: NodeJS.ProcessEnv, argv: string[] = []) => {
      try {
        load(env, argv)
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError)
        return (error as Error).message
      }
      throw new Error('accepted')
    }
    expect(problem({ CHAT_PORT: 'eighty' })).toMatch(/CHAT_PORT .*"eighty"/)
    expect(problem({ CHAT_PORT: '70000' })).toMatch(/CHAT_PORT/)
    expect(problem({ CHAT_TIMEOUT: '0' })).toMatch(/CHAT_TIMEOUT/)
    expect(problem({ CHAT_ALLOW_NEW_USERS: 'maybe' })).toMatch(/CHAT_ALLOW_NEW_USERS/)
    expect(problem({ CHAT_ALLOWED_ORIGINS: 'localhost:8181' })).toMatch(/CHAT_ALLOWED_ORIGINS/)
    expect(problem({ CHAT_RATE_PER_SECOND: 'fast' })).toMatch(/CHAT_RATE_PER_SECOND/)
    expect(problem({ LOG_LEVEL: 'loud' })).toMatch(/LOG_LEVEL must be one of/)
    expect(problem({}, ['x'])).toMatch(/<port> /)
    expect(problem({}, ['9000', 'soon'])).toMatch(/<block_duration>/)
    expect(problem({}, ['--timeout', '-1'])).toMatch(/--timeout/)
    expect(problem({ BLOCK_DURATION: 'x', CHAT_TIMEOUT: 'y' })).toMatch(/CHAT_TIMEOUT .*; BLOCK_DURATION /)
    expect(problem({}, ['1', '2', '3', '4'])).toMatch(/Too many arguments/)
    expect(problem({}, ['--verbose'])).toMatch(/Usage/)
    expect(problem({ REDIS_URL: 'http://x' })).toMatch(/REDIS_URL/)
    expect(problem({ BUS_PREFIX: 'has space' })).toMatch(/BUS_PREFIX/)
    expect(problem({ CHAT_INSTANCE_TTL_MS: '10' })).toMatch(/CHAT_INSTANCE_TTL_MS/)
    expect(problem({ DATABASE_SCHEMA: 'Bad-Name' })).toMatch(/DATABASE_SCHEMA/)
    expect(problem({ CHAT_METRICS_PORT: 'x' })).toMatch(/CHAT_METRICS_PORT/)
    expect(problem({ TRUST_PROXY: 'true' })).toMatch(/TRUST_PROXY must list/)
    expect(problem({ TRUST_PROXY: '10.0.0.1 0.0.0.0/0' })).toMatch(/TRUST_PROXY must list/)
    expect(problem({ TRUST_PROXY: 'nginx.internal' })).toMatch(/TRUST_PROXY invalid IP address/)
  })

  it('names but never shows a bad value that may hold a credential', () => {
    for (const env of [
      { CHAT_METRICS_TOKEN: 'short-secret' },
      { REDIS_URL: 'http://:hunter2hunter2@x' },
    ] as NodeJS.ProcessEnv[]) {
      let message = ''
      try {
        load(env)
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).toMatch(/CHAT_METRICS_TOKEN|REDIS_URL/)
      expect(message).not.toMatch(/short-secret|hunter2/)
    }
  })

  it('reads the durations by names that say their unit; the old names warn for one release', () => {
    const current = loadConfig(
      { CHAT_TIMEOUT_SECONDS: '30', CHAT_SIGN_IN_TIMEOUT_SECONDS: '5', BLOCK_DURATION_SECONDS: '7' },
      [],
      options,
    )
    expect(current.config).toMatchObject({ timeoutSeconds: 30, signInTimeoutSeconds: 5, blockDurationSeconds: 7 })
    expect(current.warnings).toEqual([])
    const old = loadConfig({ CHAT_TIMEOUT: '30' }, [], options)
    expect(old.config.timeoutSeconds).toBe(30)
    expect(old.warnings).toEqual([
      'CHAT_TIMEOUT is deprecated and will stop working in the next release: set CHAT_TIMEOUT_SECONDS instead',
    ])
    expect(load({ CHAT_METRICS_PORT: 'off' }).metricsPort).toBeUndefined()
  })
})
