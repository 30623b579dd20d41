import type { ClientMessage, ServerMessage } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { errorLines, eventLines, Lines, loginErrorLine, PrivateLines, replyLines } from '../src/render.js'
import { sanitize } from '../src/sanitize.js'

const texts = (lines: { text: string }[]) => lines.map((line) => line.text)
const err = (code: string, extra: Partial<Extract<ServerMessage, { type: 'error' }>> = {}) =>
  ({ type: 'error', replyTo: 'r1', code, message: 'server text', ...extra }) as const
const ack = (extra: Record<string, unknown> = {}) => ({ type: 'ack', replyTo: 'r1', ...extra }) as ServerMessage

describe('sign-in lines', () => {
  it.each([
    ['AUTH_INVALID_CREDENTIALS', 'Invalid Password. Please try again'],
    ['AUTH_NOW_LOCKED', 'Invalid Password. Your account has been blocked. Please try again later'],
    ['AUTH_LOCKED', 'Your account is blocked due to multiple login failures. Please try again later'],
    ['CHAT_ALREADY_ONLINE', 'This account is already logged in elsewhere'],
    ['AUTH_SUSPENDED', 'Your account has been suspended'],
  ])('%s → %s', (code, line) => {
    expect(loginErrorLine(code, 'ignored')).toBe(line)
  })
  it('shows other codes with the (sanitised) server message', () => {
    expect(loginErrorLine('AUTH_PASSWORD_TOO_SHORT', 'Password must have at least 8 characters')).toBe(
      'Error. Password must have at least 8 characters',
    )
    expect(loginErrorLine('X', 'evil\x1b[2J')).toBe('Error. evil^[[2J')
  })
  it('has the welcome and new-user prompt', () => {
    expect(Lines.welcome).toBe('Welcome to the greatest messaging application ever!')
    expect(Lines.newUserPassword).toBe('This is a new user. Enter a password: ')
  })
})

describe('replies to commands', () => {
  const block: ClientMessage = { type: 'block', id: 'r1', user: 'hans' }
  const unblock: ClientMessage = { type: 'unblock', id: 'r1', user: 'yoda' }
  const message: ClientMessage = { type: 'message', id: 'r1', to: 'hans', text: 'hi' }
  const broadcast: ClientMessage = { type: 'broadcast', id: 'r1', text: 'hi' }
  const startprivate: ClientMessage = { type: 'startprivate', id: 'r1', user: 'luke' }
  const whoelse: ClientMessage = { type: 'whoelse', id: 'r1' }

  it('acks: block/unblock confirmed, message silent (stored or delivered), broadcast only when skipped', () => {
    expect(texts(replyLines(block, ack({ user: 'hans' })))).toEqual(['hans is blocked'])
    expect(texts(replyLines(unblock, ack({ user: 'yoda' })))).toEqual(['yoda is unblocked'])
    expect(texts(replyLines(message, ack({ messageId: 1, delivered: true })))).toEqual([])
    expect(texts(replyLines(message, ack({ messageId: 1, delivered: false })))).toEqual([])
    expect(texts(replyLines(broadcast, ack({ skipped: false })))).toEqual([])
    expect(texts(replyLines(broadcast, ack({ skipped: true })))).toEqual([
      'Your message could not be delivered to some recipients',
    ])
    expect(texts(replyLines(startprivate, ack()))).toEqual([])
  })

  it('lists users one per line, sanitised', () => {
    const users: ServerMessage = { type: 'users', replyTo: 'r1', users: ['luke', 'yo\x1bda'] }
    expect(texts(replyLines(whoelse, users))).toEqual(['luke', 'yo^[da'])
  })

  it.each([
    [message, 'CHAT_UNKNOWN_USER', 'Error. Invalid user'],
    [block, 'CHAT_UNKNOWN_USER', 'Error. Invalid user'],
    [block, 'CHAT_SELF_TARGET', 'Error. Cannot block self'],
    [message, 'CHAT_BLOCKED_BY_RECIPIENT', 'Your message could not be delivered as the recipient has blocked you'],
    [unblock, 'CHAT_NOT_BLOCKED', 'Error. yoda was not blocked'],
    [startprivate, 'CHAT_PRIVATE_NOT_ENABLED', 'Error. Private messaging to luke not enabled'],
    [startprivate, 'CHAT_UNKNOWN_USER', 'Error. Invalid user'],
    [message, 'CHAT_INVALID_COMMAND', 'Error. Invalid command'],
    [message, 'CHAT_SELF_TARGET', 'Error. Cannot send a message to self'],
  ])('%j + %s → %s', (request, code, line) => {
    expect(texts(replyLines(request, err(code)))).toEqual([line])
  })

  it('explains an answer to a private request that expired', () => {
    const answer: ClientMessage = { type: 'private_answer', id: 'r1', requestId: 'q1', accept: true }
    expect(texts(replyLines(answer, err('CHAT_PRIVATE_NOT_ENABLED')))).toEqual([
      'Error. That private messaging request is no longer valid',
    ])
  })

  it('prefers the user named in the error', () => {
    expect(texts(errorLines(err('CHAT_NOT_BLOCKED', { user: 'yoda' })))).toEqual(['Error. yoda was not blocked'])
  })
})

describe('events', () => {
  it('messages, offline messages and broadcasts read "name: text"', () => {
    const live = { type: 'message', messageId: 1, from: 'hans', text: 'hi there', at: 1, offline: false } as const
    expect(eventLines(live)).toEqual([{ kind: 'message', sender: 'hans', text: 'hans: hi there' }])
    expect(texts(eventLines({ ...live, offline: true }))).toEqual(['hans: hi there'])
    expect(texts(eventLines({ type: 'broadcast', from: 'yoda', text: 'hello all', at: 1 }))).toEqual([
      'yoda: hello all',
    ])
  })
  it('a message sent from the user\'s other device reads "you to name: text", made harmless', () => {
    const sent = { type: 'sent', messageId: 2, to: 'luke', text: 'on my way \u001b[2J', at: 1 } as const
    expect(texts(eventLines(sent))).toEqual(['you to luke: on my way ^[[2J'])
  })
  it('presence', () => {
    expect(texts(eventLines({ type: 'presence', user: 'luke', state: 'online', at: 1 }))).toEqual(['luke logged in'])
    expect(texts(eventLines({ type: 'presence', user: 'yoda', state: 'offline', at: 1 }))).toEqual(['yoda logged out'])
  })
  it('private request asks y/n; decline and bye are told', () => {
    expect(texts(eventLines({ type: 'private_request', requestId: 'q1', from: 'hans' }))).toEqual([
      'hans wants to start private messaging. Accept? (y/n)',
    ])
    expect(texts(eventLines({ type: 'private_declined', user: 'luke' }))).toEqual(['luke declined private messaging'])
    expect(texts(eventLines({ type: 'bye', reason: 'timeout', message: 'x' }))).toEqual([
      'You have been logged out due to inactivity',
    ])
    expect(texts(eventLines({ type: 'private_ready', user: 'l', role: 'acceptor', ticket: 'x'.repeat(16) }))).toEqual(
      [],
    )
  })
  it('private link lines', () => {
    expect(PrivateLines.started('luke').text).toBe('Start private messaging with luke')
    expect(PrivateLines.stopped('luke').text).toBe('Stop private messaging with luke')
    expect(PrivateLines.message('hans', 'hi')).toEqual({
      kind: 'private',
      sender: 'hans(private)',
      text: 'hans(private): hi',
    })
    expect(PrivateLines.notEnabled('luke').text).toBe('Error. Private messaging to luke not enabled')
  })
})

describe('sanitising other users’ text', () => {
  it('neutralises ANSI CSI, OSC and 8-bit CSI sequences', () => {
    expect(sanitize('\x1b[31mred\x1b[0m')).toBe('^[[31mred^[[0m')
    expect(sanitize('\x1b]0;pwned title\x07')).toBe('^[]0;pwned title^G')
    expect(sanitize('\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\')).toBe('^[]8;;http://evil^[\\link^[]8;;^[\\')
    expect(sanitize('\u009b2J')).toBe('\\x9b2J')
  })
  it('shows C0 controls, DEL, CR/LF and bidi overrides visibly, tab as a space', () => {
    expect(sanitize('a\rb\nc\x00d\x7fe\tf')).toBe('a^Mb^Jc^@d^?e f')
    expect(sanitize('abc\u202Egnp.exe')).toBe('abc<U+202E>gnp.exe')
    expect(sanitize('line\u2028two')).toBe('line<U+2028>two')
  })
  it('shows every invisible format character (Unicode Cf) as its code point', () => {
    const invisible = [0x00ad, 0x061c, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2060, 0x2061, 0x2062]
    invisible.push(0x2063, 0x2064, 0x206a, 0x206f, 0xfeff, 0xfff9, 0xe0001, 0xe0041)
    for (const code of invisible) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0')
      expect(sanitize(`ad${String.fromCodePoint(code)}min`), hex).toBe(`ad<U+${hex}>min`)
    }
    // The whole category, not a list: every Cf code point comes out escaped.
    for (let code = 0x80; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue
      const char = String.fromCodePoint(code)
      if (/\p{Cf}/u.test(char)) expect(sanitize(char)).toMatch(/^<U\+[0-9A-F]{4,6}>$|^\\x[0-9a-f]{2}$/)
    }
  })
  it('keeps ordinary Unicode intact', () => {
    expect(sanitize('Grüße, 世界 😀')).toBe('Grüße, 世界 😀')
  })
  it('applies to names and texts in every rendered line', () => {
    const event = { type: 'message', messageId: 1, from: 'ha\x1bns', text: 'x\x1b[2Jy', at: 1, offline: false } as const
    const [line] = eventLines(event)
    expect(line!.text).toBe('ha^[ns: x^[[2Jy')
    expect(
      [...line!.text].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f)),
    ).toBe(false)
    expect(PrivateLines.message('h', '\x1b[1m').text).toBe('h(private): ^[[1m')
  })
})
