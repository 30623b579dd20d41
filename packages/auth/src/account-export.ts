import { ErrorCode, ParleyError } from '@parley/protocol'
import { MAX_PAGE_LIMIT, type PageRequest, type Role, type Storage } from '@parley/storage'
import { suspensionOf } from './suspension.js'

/**
 * Everything Parley keeps about one account, as a JSON-ready object (the board offers it as a
 * download). Times are ISO 8601 strings; names of deleted accounts are null ("deleted user").
 * Credentials and session tokens (even hashed) are never part of it.
 */
export interface AccountExport {
  format: 'parley-account-export'
  version: 1
  exportedAt: string
  /** `suspendedUntil`: an ISO time, 'permanent', or null when not suspended. */
  profile: { id: number; username: string; role: Role; createdAt: string; suspendedUntil: string | null }
  /** Live sessions: where and when the account is signed in. */
  sessions: { createdAt: string; lastSeenAt: string; expiresAt: string; ip: string | null; userAgent: string | null }[]
  /** Oldest first. */
  posts: { id: number; body: string; createdAt: string; updatedAt: string | null }[]
  /** Chat messages sent and received, oldest first; `counterpart` is the other user's name. */
  messages: {
    id: number
    direction: 'sent' | 'received'
    counterpart: string | null
    body: string
    sentAt: string
    deliveredAt: string | null
  }[]
  /** Users this account has blocked. */
  blocks: { username: string }[]
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/** Reads every page of a newest-first list and returns the rows oldest first. */
async function readAll<T extends { id: number }>(read: (page: PageRequest) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = []
  let before: number | undefined
  for (;;) {
    const page = await read(before === undefined ? { limit: MAX_PAGE_LIMIT } : { before, limit: MAX_PAGE_LIMIT })
    rows.push(...page)
    if (page.length < MAX_PAGE_LIMIT) return rows.reverse()
    before = page.at(-1)!.id
  }
}

/** 'permanent', the end as ISO time, or null when not (or no longer) suspended. */
function suspension(user: { suspendedUntil: number | null }, now: number): string | null {
  const suspended = suspensionOf(user, now)
  if (suspended === null) return null
  return suspended.forGood ? 'permanent' : iso(suspended.until)
}

export async function buildAccountExport(
  storage: Storage,
  userId: number,
  clock: { now: number; sessionIdleMs: number },
): Promise<AccountExport> {
  const { now } = clock
  const user = await storage.users.getUserById(userId)
  if (!user) throw new ParleyError(ErrorCode.Unauthorized, 'No such account')
  const [sessions, posts, messages, blockedIds] = await Promise.all([
    storage.sessions.listUserSessions(userId),
    readAll((page) => storage.posts.listPostsByAuthor(userId, page)),
    readAll((page) => storage.messages.forUser(userId, page)),
    storage.blocks.blockedBy(userId),
  ])
  const blocked = await storage.users.getUsersByIds(blockedIds)
  return {
    format: 'parley-account-export',
    version: 1,
    exportedAt: iso(now),
    profile: {
      id: user.id,
      username: user.username,
      role: user.role,
      createdAt: iso(user.createdAt),
      suspendedUntil: suspension(user, now),
    },
    sessions: sessions
      .filter((s) => s.expiresAt > now && s.lastSeenAt + clock.sessionIdleMs > now)
      .map((s) => ({
        createdAt: iso(s.createdAt),
        lastSeenAt: iso(s.lastSeenAt),
        expiresAt: iso(s.expiresAt),
        ip: s.ip,
        userAgent: s.userAgent,
      })),
    posts: posts.map((p) => ({
      id: p.id,
      body: p.body,
      createdAt: iso(p.createdAt),
      updatedAt: p.updatedAt === null ? null : iso(p.updatedAt),
    })),
    messages: messages.map((m) => {
      const sent = m.senderId === userId
      return {
        id: m.id,
        direction: sent ? 'sent' : 'received',
        counterpart: sent ? m.recipientName : m.senderName,
        body: m.body,
        sentAt: iso(m.createdAt),
        deliveredAt: m.deliveredAt === null ? null : iso(m.deliveredAt),
      } as const
    }),
    blocks: blocked.map((b) => ({ username: b.username })),
  }
}
