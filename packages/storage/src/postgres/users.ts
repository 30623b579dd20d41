import { StorageErrorCode } from '../errors.js'
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
        `INSERT INTO users (username, username_key, username_skeleton, password_hash, role, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${userColumns}`,
        [
          user.username,
          user.usernameKey,
          user.usernameSkeleton ?? null,
          user.passwordHash,
          user.role ?? 'member',
          user.createdAt,
        ],
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
    async getUserBySkeleton(skeleton) {
      const [row] = await db.query<UserRow>(`SELECT ${userColumns} FROM users WHERE username_skeleton = $1`, [skeleton])
      return row ?? null
    },
    listUsersWithoutSkeleton: (limit) =>
      db.query<UserRow>(`SELECT ${userColumns} FROM users WHERE username_skeleton IS NULL ORDER BY id LIMIT $1`, [
        limit,
      ]),
    async setUsernameSkeleton(userId, skeleton) {
      // ON CONFLICT cannot guard an UPDATE: test for the holder in the same statement instead; a race
      // between two such updates ends in a unique violation, reported as "not stored".
      try {
        const changed = await db.execute(
          `UPDATE users SET username_skeleton = $1 WHERE id = $2
           AND NOT EXISTS (SELECT 1 FROM users WHERE username_skeleton = $1)`,
          [skeleton, userId],
        )
        return changed === 1
      } catch (error) {
        if ((error as { code?: unknown }).code === StorageErrorCode.Conflict) return false
        throw error
      }
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
