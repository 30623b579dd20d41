/** Registration refuses a name that looks like an existing account's, saying which (issue 14, item 4). */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Client, createTestBoard, type TestBoard } from './support.js'

let board: TestBoard
beforeAll(async () => {
  board = await createTestBoard()
  await new Client(board.app).register('admin', 'admin password')
})
afterAll(async () => {
  await board?.close()
})

it('answers 409 with the reason next to the username field, keeping what was typed', async () => {
  const visitor = new Client(board.app)
  const response = await visitor.submit('/register', '/register', { username: '\u0430dmin', password: 'a password' })
  expect(response.statusCode).toBe(409)
  expect(response.body).toContain('Username looks too much like the existing account &quot;admin&quot;; choose another')
  expect(response.body).toContain('value="\u0430dmin"')
  expect(await board.storage.users.getUserByKey('\u0430dmin')).toBeNull()
})
