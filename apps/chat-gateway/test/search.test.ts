import { ErrorCode } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { SEARCH_BURST, SEARCH_PER_SECOND } from '../src/commands/search.js'
import { Harness } from './helpers/harness.js'

let h: Harness
afterEach(async () => {
  expect(h.invalidFrames()).toEqual([])
  await h.close()
})

describe('search', () => {
  it('finds only my own conversations, both directions, best first, with marked words', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    const greta = await h.loginAs('greta')
    const eve = await h.loginAs('eve')
    await hans.request({ type: 'message', to: 'greta', text: 'which ferry do we take?' })
    await greta.request({ type: 'message', to: 'hans', text: 'the early ferry, ferry at six' })
    await greta.request({ type: 'message', to: 'eve', text: 'a secret ferry plan' })

    const reply = await hans.request({ type: 'search', words: 'FERRY' })
    expect(reply.type).toBe('search')
    if (reply.type !== 'search') return
    expect(reply.more).toBe(false)
    expect(reply.matches.map((m) => [m.from, m.to])).toEqual([
      ['greta', 'hans'],
      ['hans', 'greta'],
    ])
    expect(reply.matches[1]!.excerpt).toEqual([
      { text: 'which ', match: false },
      { text: 'ferry', match: true },
      { text: ' do we take?', match: false },
    ])
    expect(JSON.stringify(reply)).not.toContain('secret')
    const eves = await eve.request({ type: 'search', words: 'ferry' })
    expect(eves.type === 'search' && eves.matches.map((m) => m.from)).toEqual(['greta'])
  })

  it('pages, answers any text, and finds nothing without a word', async () => {
    h = await Harness.start()
    const hans = await h.loginAs('hans')
    await h.loginAs('greta')
    for (let i = 0; i < 3; i++) await hans.request({ type: 'message', to: 'greta', text: `kite ${i}` })
    const first = await hans.request({ type: 'search', words: 'kite', limit: 2 })
    expect(first).toMatchObject({ type: 'search', more: true })
    const second = await hans.request({ type: 'search', words: 'kite', limit: 2, offset: 2 })
    expect(second.type === 'search' && [second.matches.length, second.more]).toEqual([1, false])
    for (const words of ['', '"', 'NEAR(', '*', '🙂', "') OR 1=1 --"]) {
      expect(await hans.request({ type: 'search', words })).toMatchObject({ type: 'search', matches: [], more: false })
    }
  })

  it('needs sign-in, and limits searches per user', async () => {
    h = await Harness.start()
    const stranger = await h.connect()
    expect(await stranger.request({ type: 'search', words: 'x' })).toMatchObject({ code: ErrorCode.Unauthorized })
    const hans = await h.loginAs('hans')
    for (let i = 0; i < SEARCH_BURST; i++) {
      expect(await hans.request({ type: 'search', words: `w${i}` })).toMatchObject({ type: 'search' })
    }
    expect(await hans.request({ type: 'search', words: 'one more' })).toMatchObject({
      type: 'error',
      code: ErrorCode.RateLimited,
    })
    h.clock.advance(Math.ceil(1000 / SEARCH_PER_SECOND))
    expect(await hans.request({ type: 'search', words: 'one more' })).toMatchObject({ type: 'search' })
  })
})
