/**
 * Sign-in and sign-out: `lookup`, `login` (optionally creating the account), `resume` (a chat token
 * or the board's cookie), `logout`. A user may be signed in from several devices (sessions) at once,
 * unless `oneSessionPerUser` refuses a second session; a token resume of the same session replaces
 * its stale connection at once.
 * @module
 */
import type { PublicUser } from '@parley/auth'
import { ErrorCode, isParleyError, ParleyError, PROTOCOL_VERSION, WELCOME_ONLINE_LIMIT } from '@parley/protocol'
import { CloseCode } from '../close-codes.js'
import type { ClaimResult } from '../cluster/types.js'
import type { Connection } from '../connection-types.js'
import type { GatewayContext } from '../context.js'
import type { SessionKind } from '../registry.js'
import type { BeforeSignInCommand, Command } from './types.js'

function alreadySignedIn(): ParleyError {
  return new ParleyError(ErrorCode.InvalidCommand, 'Already logged in on this connection')
}

export const lookup: BeforeSignInCommand<'lookup'> = async (ctx, conn, frame) => {
  const { username } = ctx.auth.normalizeUsername(frame.username)
  const exists = await ctx.auth.userExists(username)
  conn.send({ type: 'lookup', replyTo: frame.id, username, exists, canCreate: ctx.config.allowNewUsers })
}

function clientInfo(conn: Connection) {
  return { ip: conn.upgrade.ip, userAgent: conn.upgrade.userAgent }
}

export const login: BeforeSignInCommand<'login'> = async (ctx, conn, frame) => {
  if (conn.signedIn()) throw alreadySignedIn()
  let result: Awaited<ReturnType<typeof ctx.auth.login>> | undefined
  if (frame.create && !(await ctx.auth.userExists(frame.username))) {
    if (!ctx.config.allowNewUsers) {
      throw new ParleyError(ErrorCode.Forbidden, 'New accounts cannot be created from the chat on this server')
    }
    try {
      result = await ctx.auth.register(frame.username, frame.password, clientInfo(conn))
      conn.log.info({ userId: result.user.id }, 'account created from the chat')
    } catch (error) {
      // Someone created the name in between: this is a login now.
      if (!isParleyError(error) || error.code !== ErrorCode.UsernameTaken) throw error
    }
  }
  try {
    result ??= await ctx.auth.login(frame.username, frame.password, clientInfo(conn))
  } catch (error) {
    if (isParleyError(error)) {
      ctx.metrics.loginFailures.inc({ code: error.code })
      if (error.code === ErrorCode.NowLocked) ctx.metrics.lockouts.inc()
    }
    throw error
  }
  const { user, session: issued } = result
  await signIn(ctx, conn, user, { token: issued.token, kind: 'token', fresh: true }, frame.id)
}

export const resume: BeforeSignInCommand<'resume'> = async (ctx, conn, frame) => {
  if (conn.signedIn()) throw alreadySignedIn()
  if (frame.token !== undefined) {
    const found = await ctx.auth.authenticate(frame.token)
    if (!found) throw new ParleyError(ErrorCode.Unauthorized, 'Your session has ended. Please log in again')
    await signIn(ctx, conn, found.user, { token: frame.token, kind: 'token', fresh: false }, frame.id)
    return
  }
  const cookie = conn.upgrade.cookieSession
  if (!cookie) throw new ParleyError(ErrorCode.Unauthorized, 'No board session: log in first')
  const found = await ctx.auth.authenticate(cookie.token)
  if (!found) throw new ParleyError(ErrorCode.Unauthorized, 'Your board session has ended. Please log in again')
  await signIn(ctx, conn, found.user, { token: cookie.token, kind: 'cookie', fresh: false }, frame.id)
}

export const logout: Command<'logout'> = async (ctx, conn) => {
  const user = conn.user
  // A chat token ends with the chat; a browser's board session is the board's to end.
  if (user.kind === 'token') await ctx.auth.logout(user.token)
  conn.bye('logout')
}

interface Credentials {
  token: string
  kind: SessionKind
  /** The token was issued by this login: revoke it when the sign-in is refused. */
  fresh: boolean
}

/**
 * Claims the connection in the online directory (refused past `maxConnectionsPerUser`, or with
 * `oneSessionPerUser` when the user is online under another session on any live gateway), registers it here, replies `welcome`, announces the user when this
 * is their first connection anywhere, and pushes the offline queue. Nothing is awaited between
 * adding the connection to this instance's registry and sending the welcome, so no event reaches
 * the client before it.
 */
async function signIn(
  ctx: GatewayContext,
  conn: Connection,
  user: PublicUser,
  credentials: Credentials,
  replyTo: string,
): Promise<void> {
  const sessionHash = ctx.auth.hashToken(credentials.token)
  const [blockedIds, blockerIds] = await Promise.all([
    ctx.storage.blocks.blockedBy(user.id),
    ctx.storage.blocks.blockersOf(user.id),
  ])
  const blocked = (await ctx.storage.users.getUsersByIds(blockedIds)).map((row) => row.username).sort()

  const claim: ClaimResult = conn.ended
    ? { accepted: false, first: false }
    : await ctx.cluster.directory.claim({
        userId: user.id,
        username: user.username,
        connId: conn.connId,
        sessionHash,
        kind: credentials.kind,
        ...(ctx.config.oneSessionPerUser ? { oneSessionPerUser: true } : {}),
        ...(ctx.config.maxConnectionsPerUser !== undefined ? { maxConnections: ctx.config.maxConnectionsPerUser } : {}),
      })
  if (!claim.accepted) {
    if (credentials.fresh) await ctx.auth.logout(credentials.token)
    if (conn.ended) return
    if (claim.tooMany) {
      ctx.metrics.loginFailures.inc({ code: ErrorCode.RateLimited })
      conn.log.info({ userId: user.id }, 'sign-in refused: too many connections for this account')
      throw new ParleyError(
        ErrorCode.RateLimited,
        `Too many connections for this account (at most ${ctx.config.maxConnectionsPerUser}): close one first`,
      )
    }
    ctx.metrics.loginFailures.inc({ code: ErrorCode.AlreadyOnline })
    conn.log.info({ userId: user.id }, 'login refused: already online under another session')
    throw new ParleyError(ErrorCode.AlreadyOnline, 'This account is already logged in elsewhere', {
      user: user.username,
    })
  }
  const me = { id: user.id, username: user.username }
  if (claim.first) ctx.presence.announce(me, 'online')
  if (conn.ended) {
    // The connection went while it was being registered: take it back out.
    ctx.presence.release(me, conn.connId)
    return
  }

  const signedIn = conn.signIn({
    userId: user.id,
    username: user.username,
    token: credentials.token,
    sessionHash,
    kind: credentials.kind,
  })
  if (credentials.kind === 'token' && !claim.first) {
    // A CLI reconnecting: its old socket of the same session (maybe on another instance) goes now.
    void ctx.publish({
      kind: 'kick',
      userId: user.id,
      reason: 'replaced',
      sessionHash,
      tokenOnly: true,
      exceptConnId: conn.connId,
    })
  }
  // The first page of who is online, from the in-memory index: read in the same turn as the
  // registration above, so a user missing from it is announced to this connection by its presence event.
  const online = ctx.onlinePage(undefined, WELCOME_ONLINE_LIMIT, new Set([user.id, ...blockerIds]))
  signedIn.send({
    type: 'welcome',
    replyTo,
    v: PROTOCOL_VERSION,
    username: user.username,
    ...(credentials.kind === 'token' ? { token: credentials.token } : {}),
    timeoutSeconds: ctx.config.timeoutSeconds,
    online: online.users,
    onlineTotal: online.total,
    ...(online.next === undefined ? {} : { onlineNext: online.next }),
    blocked,
  })
  signedIn.log.info({ kind: credentials.kind, first: claim.first }, 'signed in')
  try {
    await signedIn.offline.pushPending()
  } catch (error) {
    // Welcomed but without its queue: the client reconnects and resumes, which pushes it again.
    signedIn.log.error({ err: error }, 'offline queue could not be pushed')
    signedIn.close(CloseCode.InternalError, 'Internal error')
  }
}
