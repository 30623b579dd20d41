/** The sorted in-memory index of who is online, that `welcome` pages come from. */
import { describe, expect, it } from 'vitest'
import { OnlineIndex } from '../src/online-index.js'

const users = (...names: string[]) => names.map((username, i) => ({ id: i + 1, username }))

describe('OnlineIndex', () => {
  it('keeps names sorted through sets and deletes, and pages them with a cursor', () => {
    const index = new OnlineIndex()
    index.replaceAll(users('yoda', 'Anakin', 'luke'))
    index.set({ id: 9, username: 'han' })
    index.set({ id: 9, username: 'han' }) // again: no duplicate
    index.delete(3)
    index.delete(42) // unknown: nothing happens
    expect(index.size).toBe(3)
    expect(index.page(undefined, 10, new Set())).toEqual({ users: ['Anakin', 'han', 'yoda'], total: 3 })
    expect(index.page(undefined, 2, new Set())).toEqual({ users: ['Anakin', 'han'], next: 'han', total: 3 })
    expect(index.page('han', 2, new Set())).toEqual({ users: ['yoda'], total: 3 })
  })

  it('leaves hidden users out of pages and the total, and gives no cursor when only hidden ones follow', () => {
    const index = new OnlineIndex()
    index.replaceAll(users('a', 'b', 'c', 'd'))
    const hidden = new Set([3, 4, 99]) // c, d and someone offline
    expect(index.page(undefined, 2, hidden)).toEqual({ users: ['a', 'b'], total: 2 })
  })

  it('moves a renamed user to its new place', () => {
    const index = new OnlineIndex()
    index.replaceAll(users('a', 'm', 'z'))
    index.set({ id: 1, username: 'zz' })
    expect(index.page(undefined, 10, new Set()).users).toEqual(['m', 'z', 'zz'])
  })
})
