import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, defaultRepoRoot, loadConfig } from '../src/config.js'

const root = '/srv/parley'

describe('loadConfig', () => {
  it('needs no configuration at all: defaults under the repository root', () => {
    expect(loadConfig({}, { repoRoot: root, cwd: '/elsewhere' })).toEqual({
      host: 'localhost',
      port: 8181,
      databasePath: join(root, 'data', 'parley.db'),
      busPrefix: 'parley:',
      certsDir: join(root, 'certs'),
      mediaDir: join(root, 'media'),
      maxUploadBytes: 100 * 1024 * 1024,
      uploadQuotaBytes: 1024 * 1024 * 1024,
      uploadRatePerHour: 20,
      uploadReserveBytes: 1024 * 1024 * 1024,
      minPasswordLength: 8,
      blockDurationSeconds: 60,
      sessionIdleMinutes: 30,
      sessionAbsoluteHours: 12,
      authRateLimitPerMinute: 10,
      authCreateRateLimitPerHour: 20,
      sseHeartbeatSeconds: 25,
      sseMaxStreamsPerSession: 10,
      chatGatewayOrigins: ['wss://localhost:8182', 'wss://127.0.0.1:8182'],
      metricsHost: '127.0.0.1',
      logLevel: 'info',
    })
  })

  it('finds the repository root by pnpm-workspace.yaml', () => {
    expect(defaultRepoRoot()).toBe(join(import.meta.dirname, '..', '..', '..'))
  })

  it('reads every variable, resolving relative paths against the working directory', () => {
    const config = loadConfig(
      {
        BOARD_HOST: '0.0.0.0',
        BOARD_PORT: '9443',
        DATABASE_PATH: 'db/board.sqlite',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
        CERTS_DIR: '/etc/parley/certs',
        MEDIA_DIR: 'files',
        MAX_UPLOAD_BYTES: '1048576',
        UPLOAD_QUOTA_BYTES: '5000000',
        UPLOAD_RATE_PER_HOUR: '3',
        UPLOAD_RESERVE_BYTES: '0',
        MIN_PASSWORD_LENGTH: '3',
        BLOCK_DURATION_SECONDS: '120',
        SESSION_IDLE_MINUTES: '15',
        SESSION_ABSOLUTE_HOURS: '24',
        AUTH_RATE_LIMIT: '5',
        AUTH_CREATE_RATE_LIMIT: '7',
        SSE_HEARTBEAT_SECONDS: '10',
        SSE_MAX_STREAMS_PER_SESSION: '4',
        CHAT_GATEWAY_ORIGINS: 'wss://chat.example.com, wss://chat2.example.com:8443',
        BOARD_METRICS_PORT: '9181',
        BOARD_METRICS_HOST: '10.0.0.5',
        BOARD_METRICS_TOKEN: 'scrape-token-0123456789',
        LOG_LEVEL: 'debug',
      },
      { repoRoot: root, cwd: '/work' },
    )
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 9443,
      databasePath: '/work/db/board.sqlite',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
      busPrefix: 'parley:',
      certsDir: '/etc/parley/certs',
      mediaDir: '/work/files',
      maxUploadBytes: 1048576,
      uploadQuotaBytes: 5000000,
      uploadRatePerHour: 3,
      uploadReserveBytes: 0,
      minPasswordLength: 3,
      blockDurationSeconds: 120,
      sessionIdleMinutes: 15,
      sessionAbsoluteHours: 24,
      authRateLimitPerMinute: 5,
      authCreateRateLimitPerHour: 7,
      sseHeartbeatSeconds: 10,
      sseMaxStreamsPerSession: 4,
      chatGatewayOrigins: ['wss://chat.example.com', 'wss://chat2.example.com:8443'],
      metricsPort: 9181,
      metricsHost: '10.0.0.5',
      metricsToken: 'scrape-token-0123456789',
      logLevel: 'debug',
    })
  })

  it.each([
    [{ BOARD_PORT: 'eighty' }, /BOARD_PORT must be integer \(got "eighty"\)/],
    [{ BOARD_PORT: '70000' }, /BOARD_PORT .*65535/],
    [{ BOARD_PORT: '8181.5' }, /BOARD_PORT/],
    [{ MAX_UPLOAD_BYTES: '0' }, /MAX_UPLOAD_BYTES/],
    [{ MIN_PASSWORD_LENGTH: '-1' }, /MIN_PASSWORD_LENGTH/],
    [{ BLOCK_DURATION_SECONDS: '1m' }, /BLOCK_DURATION_SECONDS must be integer/],
    [{ BLOCK_DURATION: '1m' }, /BLOCK_DURATION must be integer/],
    [{ SESSION_IDLE_MINUTES: '0' }, /SESSION_IDLE_MINUTES/],
    [{ SESSION_ABSOLUTE_HOURS: 'x' }, /SESSION_ABSOLUTE_HOURS/],
    [{ AUTH_RATE_LIMIT: '0' }, /AUTH_RATE_LIMIT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)/],
    [{ CHAT_GATEWAY_ORIGINS: 'https://not-a-socket' }, /CHAT_GATEWAY_ORIGINS/],
    [{ BOARD_METRICS_PORT: 'ninety' }, /BOARD_METRICS_PORT must be integer/],
    [{ BOARD_METRICS_PORT: '70000' }, /BOARD_METRICS_PORT/],
    [
      { BOARD_METRICS_PORT: '9181', BOARD_METRICS_HOST: '0.0.0.0' },
      /BOARD_METRICS_HOST "0.0.0.0" is not loopback: set BOARD_METRICS_TOKEN/,
    ],
    [{ BOARD_METRICS_TOKEN: 'short' }, /BOARD_METRICS_TOKEN .*16.*\(value not shown\)/],
    [{ METRICS_PORT: 'ninety' }, /METRICS_PORT must be integer/],
  ])('stops on a bad value, naming the variable: %j', (env, message) => {
    expect(() => loadConfig(env, { repoRoot: root })).toThrow(ConfigError)
    expect(() => loadConfig(env, { repoRoot: root })).toThrow(message)
  })

  it('leaves metrics off unless BOARD_METRICS_PORT is set (or "off"), and never echoes the token', () => {
    expect(loadConfig({}, { repoRoot: root }).metricsPort).toBeUndefined()
    expect(loadConfig({ BOARD_METRICS_PORT: 'off' }, { repoRoot: root }).metricsPort).toBeUndefined()
    expect(loadConfig({ BOARD_METRICS_PORT: '0' }, { repoRoot: root }).metricsPort).toBe(0)
    expect(() => loadConfig({ BOARD_METRICS_TOKEN: 'has a space in it ok' }, { repoRoot: root })).toThrow(
      /^(?!.*has a space).*BOARD_METRICS_TOKEN/,
    )
  })

  it('still reads the old names for one release, with a one-line warning each', () => {
    const warnings: string[] = []
    const config = loadConfig(
      { BLOCK_DURATION: '5', METRICS_PORT: 'off', METRICS_HOST: '127.0.0.2' },
      { repoRoot: root, onWarning: (message) => warnings.push(message) },
    )
    expect(config).toMatchObject({ blockDurationSeconds: 5, metricsHost: '127.0.0.2' })
    expect(config.metricsPort).toBeUndefined()
    expect(warnings).toEqual([
      'BLOCK_DURATION is deprecated and will stop working in the next release: set BLOCK_DURATION_SECONDS instead',
      'METRICS_PORT is deprecated and will stop working in the next release: set BOARD_METRICS_PORT instead',
      'METRICS_HOST is deprecated and will stop working in the next release: set BOARD_METRICS_HOST instead',
    ])
  })

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ BOARD_PORT: 'x', LOG_LEVEL: 'y' }, { repoRoot: root })).toThrow(/BOARD_PORT.*; LOG_LEVEL/)
  })
})
