import { describe, expect, it } from 'vitest'
import { checkRedisUrl, redactRedisUrl } from '../src/redis-url.js'

describe('Redis URLs', () => {
  it('accepts redis:// and rediss://, refusing other schemes and non-URLs', () => {
    expect(checkRedisUrl('redis://127.0.0.1:6379').port).toBe('6379')
    expect(checkRedisUrl('rediss://cache.internal:6380/2').protocol).toBe('rediss:')
    expect(() => checkRedisUrl('http://127.0.0.1')).toThrow('must start with redis:// or rediss://, got http://')
    expect(() => checkRedisUrl('127.0.0.1:6379')).toThrow(TypeError)
  })

  it('hides the password and shows the default port when logging', () => {
    expect(redactRedisUrl(new URL('redis://:hunter2@10.0.0.5/0'))).toBe('redis://:***@10.0.0.5:6379/0')
    expect(redactRedisUrl(new URL('rediss://app:s3cret@cache:6380'))).toBe('rediss://app:***@cache:6380')
    expect(redactRedisUrl(new URL('redis://127.0.0.1:6379'))).toBe('redis://127.0.0.1:6379')
  })

  it('takes the configured text as well, and never echoes what it cannot parse', () => {
    expect(redactRedisUrl('redis://:hunter2@10.0.0.5:6379/0')).toBe('redis://:***@10.0.0.5:6379/0')
    expect(redactRedisUrl('redis://:hunter2@[bad')).toBe('(unparsable Redis URL)')
  })
})
