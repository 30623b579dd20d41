import type { Database } from 'better-sqlite3'
import { userColumns } from '../sql/columns.js'
import type { NewUser, Role, UserRow, UserStore } from '../types.js'
import { notFound } from './errors.js'
import type { SqliteRunner } from './runner.js'

export function createSqliteUserStore(db: Database, run: SqliteRunner): UserStore {
  const insert = db.prepare<[string, string, string | null, string, Role, number], UserRow>(
    `INSERT INTO users (username, username_key, username_skeleton, password_hash, role, created_at)
     VALUES (?, ?, ?, ?, ?, ?) RETURNING ${userColumns}`,
  )
  const bySkeleton = db.prepare<[string], UserRow>(`SELECT ${userColumns} FROM users WHERE username_skeleton = ?`)
  const withoutSkeleton = db.prepare<[number], UserRow>(
    `SELECT ${userColumns} FROM users WHERE username_skeleton IS NULL ORDER BY id LIMIT ?`,
  )
  // OR IGNORE: a skeleton another account holds leaves this one without (the unique index decides).
  const setSkeleton = db.prepare<[string, number]>('UPDATE OR IGNORE users SET username_skeleton = ? WHERE id = ?')
  const byId = db.prepare<[number], UserRow>(`SELECT ${userColumns} FROM users WHERE id = ?`)
  const byKey = db.prepare<[string], UserRow>(`SELECT ${userColumns} FROM users WHERE username_key = ?`)
  // A JSON array keeps the statement fixed whatever the number of ids.
  const byIds = db.prepare<[string], UserRow>(
    `SELECT ${userColumns} FROM users WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`,
  )
  const all = db.prepare<[], UserRow>(`SELECT ${userColumns} FROM users ORDER BY id`)
  const admins = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM users WHERE role = 'admin'`)
  const setHash = db.prepare<[string, number]>('UPDATE users SET password_hash = ? WHERE id = ?')
  const setRole = db.prepare<[Role, number]>('UPDATE users SET role = ? WHERE id = ?')
  const setSuspension = db.prepare<[number | null, number]>('UPDATE users SET suspended_until = ? WHERE id = ?')
  // Foreign keys do the rest in the same statement: sessions, failures, blocks and presence cascade;
  // posts and messages keep their rows with a NULL author.
  const remove = db.prepare<[number]>('DELETE FROM users WHERE id = ?')

  function mustChange(changes: number, userId: number): void {
    if (changes === 0) throw notFound(`user ${userId}`)
  }

  return {
    createUser: (user: NewUser) =>
      run.write(
        () =>
          insert.get(
            user.username,
            user.usernameKey,
            user.usernameSkeleton ?? null,
            user.passwordHash,
            user.role ?? 'member',
            user.createdAt,
          )!,
      ),
    getUserById: (id) => run(() => byId.get(id) ?? null),
    getUserByKey: (usernameKey) => run(() => byKey.get(usernameKey) ?? null),
    getUserBySkeleton: (skeleton) => run(() => bySkeleton.get(skeleton) ?? null),
    listUsersWithoutSkeleton: (limit) => run(() => withoutSkeleton.all(limit)),
    setUsernameSkeleton: (userId, skeleton) => run.write(() => setSkeleton.run(skeleton, userId).changes === 1),
    getUsersByIds: (ids) => run(() => (ids.length === 0 ? [] : byIds.all(JSON.stringify(ids)))),
    listUsers: () => run(() => all.all()),
    countAdmins: () => run(() => admins.get()!.n),
    updatePasswordHash: (userId, passwordHash) =>
      run.write(() => mustChange(setHash.run(passwordHash, userId).changes, userId)),
    setRole: (userId, role) => run.write(() => mustChange(setRole.run(role, userId).changes, userId)),
    setSuspension: (userId, until) => run.write(() => mustChange(setSuspension.run(until, userId).changes, userId)),
    deleteUser: (userId) => run.write(() => mustChange(remove.run(userId).changes, userId)),
  }
}
