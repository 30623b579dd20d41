/**
 * Brokering a private (peer-to-peer) chat: `startprivate` asks the target, `private_answer`
 * declines or accepts with the acceptor's listening endpoint; the gateway then hands both sides a
 * single-use ticket and the initiator the endpoint and certificate fingerprint. The private
 * messages themselves never pass through the gateway.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { ErrorCode, ParleyError } from '@parley/protocol'
import type { BusEvent } from '../bus-events.js'
import type { GatewayContext } from '../context.js'
import type { Command } from './types.js'
import { findUser } from './users.js'

function notEnabled(name: string): ParleyError {
  return new ParleyError(ErrorCode.PrivateNotEnabled, `Private messaging to ${name} is not enabled`, { user: name })
}

async function mayTalkPrivately(ctx: GatewayContext, a: number, b: number): Promise<boolean> {
  return (
    a !== b &&
    (await ctx.cluster.directory.isOnline(a)) &&
    (await ctx.cluster.directory.isOnline(b)) &&
    !(await ctx.storage.blocks.eitherBlocked(a, b))
  )
}

/** Publishes a brokering event; when the bus refuses it the command fails (nothing was arranged). */
async function passOn(ctx: GatewayContext, event: BusEvent): Promise<void> {
  if (!(await ctx.publish(event))) {
    throw new ParleyError(ErrorCode.Internal, 'The private chat could not be arranged just now: try again')
  }
}

/** The address the gateway saw, as a host candidate for the initiator (IPv4-mapped IPv6 unwrapped). */
function observedHost(ip: string | null): string | null {
  if (!ip) return null
  return ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip
}

export const startPrivate: Command<'startprivate'> = async (ctx, conn, frame) => {
  const user = conn.user
  const target = await findUser(ctx, frame.user)
  if (!(await mayTalkPrivately(ctx, user.userId, target.id))) throw notEnabled(target.username)
  const request = await ctx.cluster.privateRequests.open(
    {
      requestId: randomBytes(12).toString('base64url'),
      fromUserId: user.userId,
      from: user.username,
      fromConnId: conn.connId,
      toUserId: target.id,
      to: target.username,
    },
    ctx.now(),
  )
  await passOn(ctx, {
    kind: 'deliver',
    userId: target.id,
    frame: { type: 'private_request', requestId: request.requestId, from: user.username },
  })
  conn.send({ type: 'ack', replyTo: frame.id, user: target.username })
}

export const privateAnswer: Command<'private_answer'> = async (ctx, conn, frame) => {
  const user = conn.user
  if (frame.accept && !frame.endpoint) {
    throw new ParleyError(ErrorCode.BadMessage, 'Accepting a private chat needs the endpoint you listen on')
  }
  const request = await ctx.cluster.privateRequests.take(frame.requestId, user.userId, ctx.now())
  if (!request) {
    throw new ParleyError(ErrorCode.InvalidCommand, 'No such private chat request (expired or already answered)')
  }
  if (!frame.accept) {
    await passOn(ctx, {
      kind: 'deliver',
      userId: request.fromUserId,
      connId: request.fromConnId,
      frame: { type: 'private_declined', user: user.username },
    })
    conn.send({ type: 'ack', replyTo: frame.id, user: request.from })
    return
  }
  if (!(await mayTalkPrivately(ctx, user.userId, request.fromUserId))) throw notEnabled(request.from)
  const endpoint = frame.endpoint!
  const observed = observedHost(conn.upgrade.ip)
  const hosts = observed && !endpoint.hosts.includes(observed) ? [...endpoint.hosts, observed] : endpoint.hosts
  const ticket = randomBytes(24).toString('base64url')
  await passOn(ctx, {
    kind: 'deliver',
    userId: request.fromUserId,
    connId: request.fromConnId,
    frame: {
      type: 'private_ready',
      user: user.username,
      role: 'initiator',
      ticket,
      port: endpoint.port,
      hosts: hosts.slice(0, 8),
      fingerprint: endpoint.fingerprint,
    },
  })
  conn.send({ type: 'ack', replyTo: frame.id, user: request.from })
  conn.send({ type: 'private_ready', user: request.from, role: 'acceptor', ticket })
  conn.log.info({ peerUserId: request.fromUserId }, 'private link brokered')
}
