import { describe, expect, it } from 'vitest'
import { checkPrefix, encodeMessage, qualifiedChannel } from '../src/channels.js'

describe('channel names and payloads', () => {
  it('prefixes a valid channel name', () => {
    expect(qualifiedChannel('parley:', 'chat')).toBe('parley:chat')
    expect(qualifiedChannel('', 'board.posts_v1-x')).toBe('board.posts_v1-x')
  })

  it('refuses names outside the alphabet or too long, naming the value', () => {
    for (const bad of ['', ' ', 'a b', 'a*', 'é', 'x\n', 'x'.repeat(201)]) {
      expect(() => qualifiedChannel('p:', bad), JSON.stringify(bad)).toThrow(TypeError)
    }
    expect(() => qualifiedChannel('p:', 'a b')).toThrow('got "a b"')
    expect(() => qualifiedChannel('p:', 42 as unknown as string)).toThrow(TypeError)
  })

  it('accepts an empty prefix and refuses a bad one', () => {
    expect(checkPrefix('')).toBe('')
    expect(checkPrefix('parley:run-1:')).toBe('parley:run-1:')
    expect(() => checkPrefix('with space:')).toThrow(/bus prefix/)
    expect(() => checkPrefix('x'.repeat(101))).toThrow(/bus prefix/)
  })

  it('encodes JSON and refuses what JSON cannot carry', () => {
    expect(encodeMessage({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}')
    expect(encodeMessage(null)).toBe('null')
    expect(() => encodeMessage(undefined)).toThrow('not JSON-serialisable: undefined')
    expect(() => encodeMessage(Symbol('s'))).toThrow(TypeError)
    expect(() => encodeMessage({ big: 1n })).toThrow(/BigInt/)
  })
})
