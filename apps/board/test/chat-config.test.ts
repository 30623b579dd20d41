/** CHAT_GATEWAY_URL: optional, a ws(s) URL, and only on an origin the CSP's connect-src allows. */
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'

const options = { repoRoot: '/srv/parley', cwd: '/srv/parley' }

describe('CHAT_GATEWAY_URL', () => {
  it('is unset by default (the page host picks one of CHAT_GATEWAY_ORIGINS)', () => {
    expect(loadConfig({}, options).chatGatewayUrl).toBeUndefined()
    expect(loadConfig({ CHAT_GATEWAY_URL: '' }, options).chatGatewayUrl).toBeUndefined()
  })

  it('is read when it is on one of CHAT_GATEWAY_ORIGINS', () => {
    const config = loadConfig(
      { CHAT_GATEWAY_ORIGINS: 'wss://chat.example.org', CHAT_GATEWAY_URL: ' wss://chat.example.org/socket ' },
      options,
    )
    expect(config.chatGatewayUrl).toBe('wss://chat.example.org/socket')
  })

  it('refuses a URL outside CHAT_GATEWAY_ORIGINS, naming both variables', () => {
    expect(() => loadConfig({ CHAT_GATEWAY_URL: 'wss://elsewhere.example:8182/' }, options)).toThrow(
      /CHAT_GATEWAY_URL must be on one of CHAT_GATEWAY_ORIGINS.*elsewhere\.example/,
    )
  })

  it('refuses what is not a ws(s) URL', () => {
    for (const value of ['https://localhost:8182/', 'localhost:8182', 'wss://localhost:8182/#x', 'wss:// space']) {
      let error: unknown
      try {
        loadConfig({ CHAT_GATEWAY_URL: value }, options)
      } catch (caught) {
        error = caught
      }
      expect(error, value).toBeInstanceOf(ConfigError)
      expect(String((error as Error).message), value).toContain('CHAT_GATEWAY_URL')
    }
  })
})
