/**
 * Integrity rules both backends verify in `check()`, in portable SQL. Each query counts rows that
 * break the rule, so a sound database yields zeros. They catch what constraints cannot (or what a
 * database opened with foreign keys off may have let through).
 * @module
 */

export interface IntegrityRule {
  problem: string
  countSql: string
}

export const integrityRules: readonly IntegrityRule[] = [
  {
    problem: 'sessions of users that do not exist',
    countSql: 'SELECT count(*) AS n FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE u.id IS NULL',
  },
  {
    problem: 'login failure rows of users that do not exist',
    countSql: 'SELECT count(*) AS n FROM login_failures f LEFT JOIN users u ON u.id = f.user_id WHERE u.id IS NULL',
  },
  {
    problem: 'posts whose author id points to no user',
    countSql:
      'SELECT count(*) AS n FROM posts p LEFT JOIN users u ON u.id = p.author_id WHERE p.author_id IS NOT NULL AND u.id IS NULL',
  },
  {
    problem: 'messages whose sender or recipient id points to no user',
    countSql: `SELECT count(*) AS n FROM messages m
      LEFT JOIN users s ON s.id = m.sender_id LEFT JOIN users r ON r.id = m.recipient_id
      WHERE (m.sender_id IS NOT NULL AND s.id IS NULL) OR (m.recipient_id IS NOT NULL AND r.id IS NULL)`,
  },
  {
    problem: 'blocks involving users that do not exist',
    countSql: `SELECT count(*) AS n FROM blocks b
      LEFT JOIN users a ON a.id = b.blocker_id LEFT JOIN users c ON c.id = b.blocked_id
      WHERE a.id IS NULL OR c.id IS NULL`,
  },
  {
    problem: 'presence rows of users that do not exist',
    countSql: 'SELECT count(*) AS n FROM presence p LEFT JOIN users u ON u.id = p.user_id WHERE u.id IS NULL',
  },
  {
    problem: 'audit entries whose actor or target id points to no user',
    countSql: `SELECT count(*) AS n FROM audit_log l
      LEFT JOIN users a ON a.id = l.actor_id LEFT JOIN users t ON t.id = l.target_user_id
      WHERE (l.actor_id IS NOT NULL AND a.id IS NULL) OR (l.target_user_id IS NOT NULL AND t.id IS NULL)`,
  },
  {
    problem: 'reports of posts that do not exist',
    countSql: 'SELECT count(*) AS n FROM post_reports r LEFT JOIN posts p ON p.id = r.post_id WHERE p.id IS NULL',
  },
  {
    problem: 'reports whose reporter or resolver id points to no user',
    countSql: `SELECT count(*) AS n FROM post_reports r
      LEFT JOIN users u ON u.id = r.reporter_id LEFT JOIN users v ON v.id = r.resolved_by
      WHERE (r.reporter_id IS NOT NULL AND u.id IS NULL) OR (r.resolved_by IS NOT NULL AND v.id IS NULL)`,
  },
  {
    problem: 'sessions that expire before they were created',
    countSql: 'SELECT count(*) AS n FROM sessions WHERE expires_at < created_at',
  },
  {
    problem: 'presence rows that end before they start',
    countSql: 'SELECT count(*) AS n FROM presence WHERE logout_at IS NOT NULL AND logout_at < login_at',
  },
]

export function describeSchemaProblem(current: number, latest: number): string | null {
  if (current < latest) return `schema is at version ${current}, this build expects ${latest}: run migrations`
  if (current > latest) return `schema is at version ${current}, newer than this build knows (${latest})`
  return null
}
