import { describe, expect, it } from 'vitest'
import { parseCommand, parseYesNo } from '../src/commands.js'
import { complete } from '../src/completion.js'

const invalid = { kind: 'invalid', reason: 'invalid-command' }

describe('parseCommand', () => {
  it.each([
    ['message hans hello there', { type: 'message', to: 'hans', text: 'hello there' }],
    ['message hans   spaced   out  ', { type: 'message', to: 'hans', text: 'spaced   out' }],
    ['  message   hans hi', { type: 'message', to: 'hans', text: 'hi' }],
    ['broadcast hello all', { type: 'broadcast', text: 'hello all' }],
    ['whoelse', { type: 'whoelse' }],
    ['whoelsesince 60', { type: 'whoelsesince', seconds: 60 }],
    ['whoelsesince 0', { type: 'whoelsesince', seconds: 0 }],
    ['block yoda', { type: 'block', user: 'yoda' }],
    ['unblock yoda', { type: 'unblock', user: 'yoda' }],
    ['startprivate luke', { type: 'startprivate', user: 'luke' }],
    ['logout', { type: 'logout' }],
  ])('%j → gateway frame', (line, frame) => {
    expect(parseCommand(line)).toEqual({ kind: 'gateway', frame })
  })

  it('parses the peer-to-peer commands and help', () => {
    expect(parseCommand('private luke hi there')).toEqual({ kind: 'private', user: 'luke', text: 'hi there' })
    expect(parseCommand('stopprivate luke')).toEqual({ kind: 'stopprivate', user: 'luke' })
    expect(parseCommand('help')).toEqual({ kind: 'help' })
    expect(parseCommand('   ')).toEqual({ kind: 'empty' })
  })

  it.each([
    'hello',
    'Message hans hi',
    'message',
    'message hans',
    'message hans    ',
    'broadcast',
    'broadcast   ',
    'whoelse now',
    'whoelsesince',
    'whoelsesince -5',
    'whoelsesince 1.5',
    'whoelsesince abc',
    'whoelsesince 5 6',
    'block',
    'block yoda luke',
    'unblock',
    'startprivate',
    'startprivate a b',
    'private luke',
    'private',
    'stopprivate',
    'stopprivate a b',
    'logout now',
    'help me',
  ])('%j is an invalid command', (line) => {
    expect(parseCommand(line)).toEqual(invalid)
  })

  it('refuses text longer than the protocol allows, counting code points', () => {
    expect(parseCommand(`message hans ${'x'.repeat(2001)}`)).toEqual({ kind: 'invalid', reason: 'text-too-long' })
    expect(parseCommand(`broadcast ${'x'.repeat(2001)}`)).toEqual({ kind: 'invalid', reason: 'text-too-long' })
    expect(parseCommand(`private luke ${'x'.repeat(2001)}`)).toEqual({ kind: 'invalid', reason: 'text-too-long' })
    // 2000 emoji are 4000 UTF-16 units but 2000 characters: allowed.
    expect(parseCommand(`message hans ${'😀'.repeat(2000)}`).kind).toBe('gateway')
  })
})

describe('parseYesNo', () => {
  it('reads y/yes/n/no in any case, nothing else', () => {
    expect(parseYesNo('y')).toBe(true)
    expect(parseYesNo(' YES ')).toBe(true)
    expect(parseYesNo('n')).toBe(false)
    expect(parseYesNo('No')).toBe(false)
    expect(parseYesNo('whoelse')).toBeNull()
    expect(parseYesNo('')).toBeNull()
  })
})

describe('complete', () => {
  it('completes command words', () => {
    expect(complete('who', [])).toEqual([['whoelse ', 'whoelsesince '], 'who'])
    expect(complete('b', [])).toEqual([['broadcast ', 'block '], 'b'])
    expect(complete('', [])[0]).toHaveLength(12)
  })
  it('completes usernames after commands that take one', () => {
    expect(complete('message h', ['hans', 'yoda', 'hannah'])).toEqual([['hannah ', 'hans '], 'h'])
    expect(complete('stopprivate ', ['luke'])).toEqual([['luke '], ''])
    expect(complete('broadcast h', ['hans'])).toEqual([[], ''])
    expect(complete('message hans hel', ['hans'])).toEqual([[], ''])
  })
})
