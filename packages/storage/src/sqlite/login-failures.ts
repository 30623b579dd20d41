import type { Database } from 'better-sqlite3'
import {
  type LoginFailureState,
  noLoginFailures,
  recordFailure,
  registerAttempt,
  viewLoginState,
} from '../login-state.js'
import { loginFailureColumns } from '../sql/columns.js'
import type { LoginFailureStore } from '../types.js'
import { notFound } from './errors.js'
import type { SqliteRunner } from './runner.js'

export function createSqliteLoginFailureStore(db: Database, run: SqliteRunner): LoginFailureStore {
  const load = db.prepare<[number], LoginFailureState>(
    `SELECT ${loginFailureColumns} FROM login_failures WHERE user_id = ?`,
  )
  const userExists = db.prepare<[number], { id: number }>('SELECT id FROM users WHERE id = ?')
  const save = db.prepare<[number, number, number, number | null, number | null]>(
    `INSERT INTO login_failures (user_id, failures, pending, pending_at, locked_until) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET failures = excluded.failures, pending = excluded.pending,
       pending_at = excluded.pending_at, locked_until = excluded.locked_until`,
  )
  const clear = db.prepare<[number]>('DELETE FROM login_failures WHERE user_id = ?')

  // Runs inside a write batch (BEGIN IMMEDIATE): the write lock is held before the read, so another
  // process cannot count the same attempt.
  const transition = (userId: number, change: (state: LoginFailureState) => LoginFailureState) => {
    const before = load.get(userId) ?? noLoginFailures
    const after = change(before)
    if (after !== before) save.run(userId, after.failures, after.pending, after.pendingAt, after.lockedUntil)
    return after
  }

  function update(userId: number, now: number, change: (state: LoginFailureState) => LoginFailureState) {
    return run.write(() => viewLoginState(transition(userId, change), now))
  }

  return {
    registerLoginAttempt: (userId, now) => update(userId, now, (state) => registerAttempt(state, now)),
    recordLoginFailure: (userId, now, maxFailures, blockMs) =>
      update(userId, now, (state) => recordFailure(state, now, maxFailures, blockMs)),
    clearLoginFailures: (userId) =>
      run.write(() => {
        clear.run(userId)
      }),
    getLoginState: (userId, now) =>
      run(() => {
        const state = load.get(userId)
        if (state) return viewLoginState(state, now)
        if (!userExists.get(userId)) throw notFound(`user ${userId}`)
        return viewLoginState(noLoginFailures, now)
      }),
  }
}
