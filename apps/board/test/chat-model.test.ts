/** The browser chat's model (public/chat-model.js): pure rules, tested in Node. */
import { describe, expect, it } from 'vitest'
import { ChatModel, EVERYONE, userKey } from '../public/chat-model.js'

const AT = 1_700_000_000_000

function texts(model: ChatModel, key: string): string[] {
  return model.conversations.get(key)!.messages.map((message: { text: string }) => message.text)
}

describe('userKey', () => {
  it('is the same for every spelling of one name (case, NFC) and never the Everyone key', () => {
    expect(userKey('Hans')).toBe(userKey('hANS'))
    expect(userKey('Zoe\u0301')).toBe(userKey('Zo\u00e9'))
    expect(userKey('everyone')).not.toBe(EVERYONE)
  })
})

describe('incoming messages', () => {
  it('are shown once per messageId, counted unread unless on screen, and read on opening', () => {
    const model = new ChatModel('alice')
    expect(model.addIncoming({ messageId: 1, from: 'luke', text: 'one', at: AT }, false)).not.toBeNull()
    expect(model.addIncoming({ messageId: 1, from: 'luke', text: 'one', at: AT }, false)).toBeNull()
    model.addIncoming({ messageId: 2, from: 'Luke', text: 'two', at: AT + 1 }, false)
    model.addIncoming({ messageId: 3, from: 'yoda', text: 'three', at: AT + 2 }, true)
    expect(texts(model, userKey('luke'))).toEqual(['one', 'two'])
    expect(model.conversations.get(userKey('luke'))!.unread).toBe(2)
    expect(model.conversations.get(userKey('yoda'))!.unread).toBe(0)
    expect(model.totalUnread()).toBe(2)
    expect(model.markRead(userKey('luke'))).toBe(true)
    expect(model.markRead(userKey('luke'))).toBe(false)
    expect(model.totalUnread()).toBe(0)
  })
})

describe('my messages', () => {
  it('stay pending where typed, then sort by their server id once acked', () => {
    const model = new ChatModel('alice')
    model.addIncoming({ messageId: 10, from: 'luke', text: 'first', at: AT }, true)
    model.addOutgoing('luke', 'c1', 'mine', AT + 1)
    const key = userKey('luke')
    expect(model.conversations.get(key)!.messages.at(-1)).toMatchObject({ status: 'pending', mine: true })
    // Luke's reply is stored before my message reaches the server.
    model.addIncoming({ messageId: 11, from: 'luke', text: 'reply', at: AT + 2 }, true)
    expect(texts(model, key)).toEqual(['first', 'mine', 'reply'])
    model.acknowledge('c1', { messageId: 12 })
    expect(texts(model, key)).toEqual(['first', 'reply', 'mine'])
    expect(model.conversations.get(key)!.messages.at(-1)).toMatchObject({ status: 'sent', messageId: 12 })
    // The same message from the history is not added again.
    model.addHistory(
      'luke',
      [{ messageId: 12, from: 'alice', to: 'luke', text: 'mine', at: AT + 1, delivered: true }],
      {
        first: true,
        limit: 50,
      },
    )
    expect(texts(model, key)).toEqual(['first', 'reply', 'mine'])
  })

  it('keep a failed message in place with the reason', () => {
    const model = new ChatModel('alice')
    model.addOutgoing('yoda', 'c2', 'hello?', AT)
    model.fail('c2', 'the recipient has blocked you')
    expect(model.conversations.get(userKey('yoda'))!.messages[0]).toMatchObject({
      status: 'failed',
      note: 'the recipient has blocked you',
    })
  })

  it('keep one copy when another tab reported the message before this tab got its ack', () => {
    const model = new ChatModel('alice')
    model.addOutgoing('luke', 'c3', 'twice?', AT)
    model.addSentElsewhere('luke', { messageId: 7, text: 'twice?', at: AT })
    model.acknowledge('c3', { messageId: 7 })
    expect(texts(model, userKey('luke'))).toEqual(['twice?'])
    expect(model.addSentElsewhere('luke', { messageId: 7, text: 'twice?', at: AT })).toBeNull()
  })

  it('keep broadcasts in the order they happened, sent or received', () => {
    const model = new ChatModel('alice')
    model.addBroadcast({ from: 'luke', text: 'b1', at: AT }, false)
    model.addOutgoing(EVERYONE, 'c4', 'b2', AT + 1)
    model.addBroadcast({ from: 'yoda', text: 'b3', at: AT + 2 }, false)
    model.acknowledge('c4', { note: 'not delivered to some recipients' })
    expect(texts(model, EVERYONE)).toEqual(['b1', 'b2', 'b3'])
    expect(model.conversations.get(EVERYONE)!.unread).toBe(2)
    expect(model.conversations.get(EVERYONE)!.messages[1]).toMatchObject({ status: 'sent', note: expect.any(String) })
  })
})

describe('history pages', () => {
  it('merge older pages above, say whether more exist, and give the cursor', () => {
    const model = new ChatModel('alice')
    const page = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => ({
        messageId: to - i,
        from: (to - i) % 2 ? 'luke' : 'alice',
        to: (to - i) % 2 ? 'alice' : 'luke',
        text: `m${to - i}`,
        at: AT + to - i,
        delivered: true,
      }))
    model.addHistory('Luke', page(3, 4), { first: true, limit: 2 })
    const key = userKey('luke')
    expect(model.conversations.get(key)).toMatchObject({ name: 'Luke', history: 'done', hasOlder: true })
    expect(model.oldestId(key)).toBe(3)
    model.addHistory('Luke', page(2, 2), { first: false, limit: 2 })
    expect(texts(model, key)).toEqual(['m2', 'm3', 'm4'])
    expect(model.conversations.get(key)!.hasOlder).toBe(false)
    expect(model.conversations.get(key)!.messages.map((m: { mine: boolean }) => m.mine)).toEqual([true, false, true])
  })
})

describe('lines made before the history came', () => {
  it('go after the older messages of the first page, and before the ones that arrived live', () => {
    const model = new ChatModel('alice')
    const key = userKey('luke')
    model.addSystem(key, 'luke is blocked', AT + 10)
    model.addIncoming({ messageId: 9, from: 'luke', text: 'live', at: AT + 20 }, false)
    model.addOutgoing('luke', 'c9', 'typed before the history came', AT + 30)
    const old = [7, 6].map((id) => ({
      messageId: id,
      from: 'luke',
      to: 'alice',
      text: `old ${id}`,
      at: AT,
      delivered: true,
    }))
    model.addHistory('luke', [{ ...old[0]!, messageId: 9, text: 'live' }, ...old], { first: true, limit: 50 })
    expect(texts(model, key)).toEqual(['old 6', 'old 7', 'luke is blocked', 'live', 'typed before the history came'])
  })
})

describe('people', () => {
  it('are grouped once each: blocked, else online, else with a conversation, else recently online', () => {
    const model = new ChatModel('alice')
    model.setWelcome('alice', ['luke', 'yoda', 'alice'], ['han'])
    model.setRecent(['leia', 'luke', 'alice'])
    model.addIncoming({ messageId: 1, from: 'chewie', text: 'hi', at: AT }, false)
    model.setRecent(['chewie'])
    const names = (keys: string[]) => keys.map((key) => model.nameOf(key))
    let groups = model.groups()
    expect(names(groups.online)).toEqual(['luke', 'yoda'])
    expect(names(groups.blocked)).toEqual(['han'])
    expect(names(groups.conversations)).toEqual(['chewie'])
    expect(names(groups.recent)).toEqual(['leia'])

    model.setOffline('yoda')
    model.setBlocked('luke', true)
    groups = model.groups()
    expect(names(groups.online)).toEqual([])
    expect(names(groups.blocked)).toEqual(['han', 'luke'])
    expect(names(groups.recent)).toEqual(['leia', 'yoda'])

    // A reconnect: whoever is not in the new welcome was online lately.
    model.setBlocked('luke', false)
    model.setWelcome('alice', ['yoda'], [])
    model.setOnlineList(['yoda', 'luke'])
    groups = model.groups()
    expect(names(groups.online)).toEqual(['luke', 'yoda'])
    expect(names(groups.blocked)).toEqual([])
    // han was never seen online and has no conversation: not listed any more.
    expect(names(groups.conversations)).toEqual(['chewie'])
    expect(names(groups.recent)).toEqual(['leia'])
  })
})
