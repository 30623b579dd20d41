/**
 * Starting the chat servers of a scenario, Parley and its baselines, each in its own process, and
 * the client target pointing at each.
 * @module
 */

import type { GatewayStarted } from '../hosts/parley-gateway.js'
import { type Child, startChild } from '../ipc.js'
import type { ClientSpec, Flavor, Target } from '../load/chat-clients.js'
import type { CpuReport } from '../metrics.js'
import type { RunContext } from './context.js'

export const FLAVOR_NAMES: Record<Flavor, string> = { parley: 'Parley', ws: 'bare ws', socketio: 'Socket.IO' }

const ROLE: Record<Flavor, string> = { parley: 'parley-gateway', ws: 'ws-forwarder', socketio: 'socketio-server' }

export interface ChatServer {
  flavor: Flavor
  child: Child
  target: Target
  /** Parley: the pre-created accounts (index i is client i). */
  gateway?: GatewayStarted
}

export function serverFlags(ctx: RunContext, parley: boolean): string[] {
  const flags = ['--expose-gc']
  if (parley && ctx.profile) flags.push('--cpu-prof', `--cpu-prof-dir=${ctx.profileDir}`)
  return flags
}

export async function startChatServer(
  ctx: RunContext,
  flavor: Flavor,
  accounts: { users: number; loginUsers?: number },
): Promise<ChatServer> {
  const child = startChild(ROLE[flavor], { nodeFlags: serverFlags(ctx, flavor === 'parley') })
  if (flavor === 'parley') {
    const gateway = await child.request<GatewayStarted>('start', { tls: ctx.tls, storage: ctx.storage, ...accounts })
    return { flavor, child, gateway, target: { flavor, url: `wss://127.0.0.1:${gateway.port}/`, ca: ctx.ca } }
  }
  const { port } = await child.request<{ port: number }>('start', { tls: ctx.tls })
  return { flavor, child, target: { flavor, url: `wss://127.0.0.1:${port}/`, ca: ctx.ca } }
}

/** Client specs 0..count-1; with `paired`, 2i and 2i+1 are each other's peer. */
export function clientSpecs(server: ChatServer, count: number, paired: boolean): ClientSpec[] {
  return Array.from({ length: count }, (_, id) => {
    const peer = paired ? id ^ 1 : undefined
    const users = server.gateway?.users
    return {
      id,
      ...(users ? { token: users[id]!.token } : {}),
      ...(peer === undefined ? {} : { peer, ...(users ? { peerName: users[peer]!.username } : {}) }),
    }
  })
}

export function cpuOf(report: CpuReport): number {
  return Math.round(report.cpuPercent)
}
