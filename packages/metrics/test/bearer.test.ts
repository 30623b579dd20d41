import { describe, expect, it } from 'vitest'
import { bearerTokenMatches, isLoopbackHost } from '../src/index.js'

describe('bearerTokenMatches', () => {
  const token = 'token-0123456789abcdef'
  it.each([
    [`Bearer ${token}`, true],
    [`bearer ${token}`, true],
    [`Bearer  ${token} `, true],
    [`Bearer ${token.slice(0, -1)}`, false],
    [`Bearer ${token}0`, false],
    [token, false],
    [`Basic ${token}`, false],
    ['Bearer ', false],
    ['', false],
  ])('%j → %s', (header, expected) => {
    expect(bearerTokenMatches(header, token)).toBe(expected)
  })
  it('is false without a header', () => {
    expect(bearerTokenMatches(undefined, token)).toBe(false)
  })
})

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.1', false],
    ['128.0.0.1', false],
    ['example.com', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected)
  })
})
