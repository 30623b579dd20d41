/**
 * `GET /events`: Server-Sent Events with the board's changes (`created`, `updated`, `deleted`) for
 * signed-in users. A comment line every heartbeat keeps proxies from closing the idle stream; at
 * each heartbeat the session is looked up again (without extending it), so a stream ends soon
 * after its session is signed out, revoked or expired. The server ends open streams when it shuts down.
 * One session may hold at most `maxStreamsPerSession` streams (HTTP/2 multiplexes any number over one
 * connection, and each costs a timer and a database read per heartbeat); more are refused with 429.
 * @module
 */
import type { Auth } from '@parley/auth'
import { ErrorCode } from '@parley/protocol'
import type { Storage } from '@parley/storage'
import type { NotificationEvents } from '../events/notification-events.js'
import type { PostEvent, PostEvents } from '../events/post-events.js'
import { endsSession, type Revocations } from '../events/revocations.js'
import type { BoardPlugin } from '../http/types.js'
import { renderRichText } from '../render/rich-text.js'

export interface EventsRoutesOptions {
  auth: Auth
  storage: Storage
  events: PostEvents
  now: () => number
  heartbeatMs: number
  /** Streams one session may hold open at once; the next is refused (429) until one closes. */
  maxStreamsPerSession: number
  /** Revocations from the bus: a revoked session's stream ends at once (else at the next heartbeat). */
  revocations?: Revocations
  /** Notifications from the bus: the stream's user gets `event: unread` with their count (routes/notifications.ts). */
  notifications?: NotificationEvents
}

const MAX_BUFFERED_BYTES = 1024 * 1024

// Every stream gets the same event object: its message is built (and its body rendered) once.
const formatted = new WeakMap<PostEvent, string>()

/**
 * One SSE message; JSON never contains a raw newline, so `data:` stays one line. A post carries its body
 * rendered as on the page (`bodyHtml`, renderRichText: sanitised), which board.js puts in place as is.
 */
export function formatSse(event: PostEvent): string {
  const known = formatted.get(event)
  if (known !== undefined) return known
  const data =
    event.type === 'deleted' ? event : { ...event, post: { ...event.post, bodyHtml: renderRichText(event.post.body) } }
  const message = `event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`
  formatted.set(event, message)
  return message
}

export const eventsRoutes: BoardPlugin<EventsRoutesOptions> = async (app, options) => {
  const { auth, storage, events, now, heartbeatMs, maxStreamsPerSession, revocations, notifications } = options
  // Open streams per session (token hash); an entry goes when its last stream ends.
  const openStreams = new Map<string, number>()

  async function sessionStillValid(token: string): Promise<boolean> {
    const session = await storage.sessions.getSession(auth.hashToken(token))
    const at = now()
    return session !== null && session.expiresAt > at && at - session.lastSeenAt <= auth.config.sessionIdleMs
  }

  app.get('/events', async (request, reply) => {
    // EventSource cannot follow a sign-in redirect usefully: answer 401 and let the page fall back to Reload.
    if (!request.user || !request.sessionToken) {
      return reply.code(401).send({ error: { code: ErrorCode.Unauthorized, message: 'Please sign in first' } })
    }
    const user = request.user
    const token = request.sessionToken
    const tokenHash = auth.hashToken(token)
    const open = openStreams.get(tokenHash) ?? 0
    if (open >= maxStreamsPerSession) {
      request.log.warn({ open }, 'event stream refused: too many for this session')
      return reply.code(429).send({
        error: {
          code: ErrorCode.RateLimited,
          message: `At most ${maxStreamsPerSession} live-update streams per session: close another tab or reload`,
        },
      })
    }
    openStreams.set(tokenHash, open + 1)
    // The request's logger already names the user (plugins/session.ts).
    const log = request.log
    const raw = reply.raw
    // Headers set so far (helmet, request id) are on the raw response or the reply: keep both.
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) raw.setHeader(name, value as string)
    }
    reply.hijack()
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    })
    raw.write('retry: 3000\n: connected\n\n')

    let ended = false
    const unsubscribe = events.subscribe((event) => {
      if (ended) return
      // A client that stops reading is cut off rather than buffered without bound; EventSource reconnects.
      if (raw.writableLength > MAX_BUFFERED_BYTES) {
        log.warn('event stream ended: client not reading')
        end()
        return
      }
      raw.write(formatSse(event))
    })
    // Only this user's: the count, and who notified them about what (for a page that shows it).
    const stopNotifications = notifications?.subscribe((event) => {
      if (ended || event.recipientId !== user.id) return
      const data = event.type === 'created' ? event.notification : { unread: event.unread }
      raw.write(`event: unread\ndata: ${JSON.stringify(data)}\n\n`)
    })
    const stopRevocations = revocations?.subscribe((event) => {
      if (ended || !endsSession(event, user.id, tokenHash)) return
      log.info({ reason: event.reason }, 'event stream ended: session revoked')
      end()
    })
    const end = () => {
      if (ended) return
      ended = true
      clearInterval(heartbeat)
      unsubscribe()
      stopRevocations?.()
      stopNotifications?.()
      const left = (openStreams.get(tokenHash) ?? 1) - 1
      if (left > 0) openStreams.set(tokenHash, left)
      else openStreams.delete(tokenHash)
      app.longLived.delete(end)
      raw.end()
    }
    const heartbeat = setInterval(() => {
      sessionStillValid(token).then(
        (valid) => {
          if (!valid) {
            log.info('event stream ended: session no longer valid')
            end()
          } else if (!ended) raw.write(': heartbeat\n\n')
        },
        (error: unknown) => log.warn({ err: error }, 'session check failed'),
      )
    }, heartbeatMs)
    app.longLived.add(end)
    raw.once('close', end)
    log.debug('event stream opened')
    return reply
  })
}
