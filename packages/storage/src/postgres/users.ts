import { userColumns } from '../sql/columns.js'
import type { Role, UserRow, UserStore } from '../types.js'
import type { PgDb } from './client.js'
import { notFound } from './errors.js'

export function createPostgresUserStore(db: PgDb): UserStore {
  async function mustChange(changes: Promise<number>, userId: number): Promise<void> {
    if ((await changes) === 0) throw notFound(`user ${userId}`)
  }

  return {
    async createUser(user) {
      const [row] = await db.query<UserRow>(
        `INSERT INTO users (username, username_key, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5)
         RETURNING ${userColumns}`,
        [user.username, user.usernameKey, user.passwordHash, user.role ?? 'member', user.createdAt],
      )
      return row!
    },
    async getUserById(id) {
      const [row] = await db.query<UserRow>(`SELECT ${userColumns} FROM users WHERE id = $1`, [id])
      return row ?? null
    },
    async getUserByKey(usernameKey) {
      const [row] = await db.query<UserRow>(`SELECT ${userColumns} FROM users WHERE username_key = $1`, [usernameKey])
      return row ?? null
    },
    async getUsersByIds(ids) {
      if (ids.length === 0) return []
      return db.query<UserRow>(`SELECT ${userColumns} FROM users WHERE id = ANY($1::bigint[]) ORDER BY id`, [ids])
    },
    listUsers: () => db.query<UserRow>(`SELECT ${userColumns} FROM users ORDER BY id`),
    async countAdmins() {
      const [row] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM users WHERE role = 'admin'`)
      return row?.n ?? 0
    },
    updatePasswordHash: (userId, passwordHash) =>
      mustChange(db.execute('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, userId]), userId),
    setRole: (userId, role: Role) =>
      mustChange(db.execute('UPDATE users SET role = $1 WHERE id = $2', [role, userId]), userId),
    setSuspension: (userId, until) =>
      mustChange(db.execute('UPDATE users SET suspended_until = $1 WHERE id = $2', [until, userId]), userId),
    // One statement: the foreign keys cascade (sessions, failures, blocks, presence) or set NULL
    // (posts, messages) atomically.
    deleteUser: (userId) => mustChange(db.execute('DELETE FROM users WHERE id = $1', [userId]), userId),
  }
}
