import { describe, expect, it } from 'vitest'
import { Lines, replyLines } from '../src/render.js'

describe('users answers and their bounds', () => {
  const request = { type: 'whoelsesince', id: 'q1', seconds: 60 } as const

  it('says when the answer was cut', () => {
    const lines = replyLines(request, { type: 'users', replyTo: 'q1', users: ['ann', 'bob'], truncated: true })
    expect(lines.map((line) => line.text)).toEqual(['ann', 'bob', Lines.usersTruncated])
    expect(replyLines(request, { type: 'users', replyTo: 'q1', users: ['ann'] }).map((line) => line.text)).toEqual([
      'ann',
    ])
  })

  it("shows the gateway's reason when the window is too long", () => {
    const lines = replyLines(request, {
      type: 'error',
      replyTo: 'q1',
      code: 'CHAT_INVALID_COMMAND',
      message: 'whoelsesince looks back at most 2592000 seconds (30 days): older history is not kept',
    })
    expect(lines.map((line) => line.text)).toEqual([
      'Error. whoelsesince looks back at most 2592000 seconds (30 days): older history is not kept',
    ])
  })
})
