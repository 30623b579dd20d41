/**
 * Sign-in is expensive on purpose (argon2), but only on libuv's thread pool: while a burst of
 * sign-ins is being checked, the board's other pages and files are still answered at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, createTestBoard, type TestBoard } from './support.js'

let board: TestBoard
let reader: Client

beforeAll(async () => {
  board = await createTestBoard()
  reader = new Client(board.app)
  await reader.register('reader', 'reader password')
  for (let index = 0; index < 8; index++) await new Client(board.app).register(`user${index}`, `password ${index}`)
})
afterAll(async () => {
  await board?.close()
})

describe('a burst of sign-ins', () => {
  it('leaves the board page, static files and health answered while the passwords are checked', async () => {
    const signIns = Array.from({ length: 8 }, async (_, index) => {
      const client = new Client(board.app)
      const token = await client.csrfToken('/login')
      const response = await client.post('/login', {
        _csrf: token,
        username: `user${index}`,
        password: `password ${index}`,
      })
      expect(response.statusCode).toBe(303)
      return performance.now()
    })
    // Let every sign-in reach argon2 before measuring the others.
    await new Promise((resolve) => setTimeout(resolve, 5))
    const others: number[] = []
    for (const url of ['/healthz', '/', '/static/board.css', '/healthz', '/']) {
      const response = await reader.get(url)
      expect(response.statusCode, url).toBe(200)
      others.push(performance.now())
    }
    const finished = await Promise.all(signIns)
    // All answered before even the first sign-in is done. Argon2 on the event loop would finish a
    // sign-in's hash before any request queued behind it could be answered.
    expect(Math.max(...others)).toBeLessThan(Math.min(...finished))
  })
})
