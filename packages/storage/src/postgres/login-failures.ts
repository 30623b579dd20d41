import {
  type LoginFailureState,
  noLoginFailures,
  recordFailure,
  registerAttempt,
  viewLoginState,
} from '../login-state.js'
import { loginFailureColumns } from '../sql/columns.js'
import type { LoginAttempt, LoginFailureStore } from '../types.js'
import type { PgDb } from './client.js'
import { notFound } from './errors.js'

export function createPostgresLoginFailureStore(db: PgDb): LoginFailureStore {
  /**
   * The row is created if missing, then locked with FOR UPDATE for the rest of the transaction:
   * concurrent attempts on the same account, from any process, queue behind each other.
   */
  function update(userId: number, now: number, change: (state: LoginFailureState) => LoginFailureState) {
    return db.transaction(async (tx): Promise<LoginAttempt> => {
      await tx.query('INSERT INTO login_failures (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING', [userId])
      const [before] = await tx.query<LoginFailureState>(
        `SELECT ${loginFailureColumns} FROM login_failures WHERE user_id = $1 FOR UPDATE`,
        [userId],
      )
      const after = change(before ?? noLoginFailures)
      await tx.query(
        `UPDATE login_failures SET failures = $2, pending = $3, pending_at = $4, locked_until = $5 WHERE user_id = $1`,
        [userId, after.failures, after.pending, after.pendingAt, after.lockedUntil],
      )
      return viewLoginState(after, now)
    })
  }

  return {
    registerLoginAttempt: (userId, now) => update(userId, now, (state) => registerAttempt(state, now)),
    recordLoginFailure: (userId, now, maxFailures, blockMs) =>
      update(userId, now, (state) => recordFailure(state, now, maxFailures, blockMs)),
    async clearLoginFailures(userId) {
      await db.execute('DELETE FROM login_failures WHERE user_id = $1', [userId])
    },
    async getLoginState(userId, now) {
      const [row] = await db.query<{ [K in keyof LoginFailureState]: LoginFailureState[K] | null }>(
        `SELECT f.failures, f.pending, f.pending_at AS "pendingAt", f.locked_until AS "lockedUntil"
         FROM users u LEFT JOIN login_failures f ON f.user_id = u.id WHERE u.id = $1`,
        [userId],
      )
      if (!row) throw notFound(`user ${userId}`)
      const { failures, pending, pendingAt, lockedUntil } = row
      if (failures === null || pending === null) return viewLoginState(noLoginFailures, now)
      return viewLoginState({ failures, pending, pendingAt, lockedUntil }, now)
    },
  }
}
