/** What the browser chat does with pushed frames (public/chat-pushes.js): here, board notifications. */
import { describe, expect, it } from 'vitest'
import { ChatModel, EVERYONE } from '../public/chat-model.js'
import { pushHandlers } from '../public/chat-pushes.js'

describe('chat pushes: notification', () => {
  it('shows a mention or reply from the board as a line in Everyone and announces it', () => {
    const model = new ChatModel('luke')
    const announced: string[] = []
    const handlers = pushHandlers({
      model,
      view: { announce: (text: string) => announced.push(text) },
      requests: { decline() {} },
      isVisible: () => true,
      shown() {},
    })
    const base = { type: 'notification', from: 'hans', postId: 3, threadId: 2, at: 1_700_000_000_000, unread: 1 }
    handlers.onEvent({ ...base, kind: 'mention', excerpt: 'hi @luke <b>x</b>' })
    handlers.onEvent({ ...base, kind: 'reply', excerpt: 'agreed' })
    expect(announced).toEqual([
      'hans mentioned you on the board: hi @luke <b>x</b>',
      'hans replied to your post: agreed',
    ])
    const lines = model.conversations
      .get(EVERYONE)
      .messages.map((m: { text: string; system?: boolean }) => [m.text, m.system])
    expect(lines).toEqual([
      ['hans mentioned you on the board: hi @luke <b>x</b>', true],
      ['hans replied to your post: agreed', true],
    ])
  })
})
