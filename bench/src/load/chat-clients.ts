/**
 * One small chat client per server kind, all with the same face: `send(text)` (a broadcast, or a
 * direct message when the client has a peer) and an `onText` callback per received message. Each
 * parses what it receives, as a real client would.
 * @module
 */
import { once } from 'node:events'
import { SUBPROTOCOL } from '@parley/protocol'
import { io } from 'socket.io-client'
import { WebSocket } from 'ws'

export type Flavor = 'parley' | 'ws' | 'socketio'

export interface ClientSpec {
  /** Index of this client in the load generator (also its id for the baselines). */
  id: number
  /** Parley: the session token to resume with. */
  token?: string
  /** The partner for direct messages: its index, and for Parley its username. */
  peer?: number
  peerName?: string
  /** Connect to this server instead of the group's (several gateways in one group). */
  target?: Target
}

export interface ChatConn {
  send(text: string): void
  close(): void
}

export type OnText = (text: string) => void

export interface Target {
  flavor: Flavor
  url: string
  ca: string
}

// Generous: at thousands of connections Parley's sign-in announcements keep the gateway busy for minutes.
const CONNECT_TIMEOUT_MS = 600_000

function timeout<T>(promise: Promise<T>, what: string, ms = CONNECT_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)
  })
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer))
}

/** A Parley socket, TLS and subprotocol done, not signed in yet. */
export async function openParley(target: Target): Promise<WebSocket> {
  const ws = new WebSocket(target.url, [SUBPROTOCOL], { ca: target.ca, perMessageDeflate: false })
  ws.on('error', () => undefined)
  await timeout(
    Promise.race([
      once(ws, 'open'),
      once(ws, 'unexpected-response').then(([, res]) => {
        throw new Error(`upgrade refused: HTTP ${(res as { statusCode?: number }).statusCode}`)
      }),
      once(ws, 'close').then(([code]) => {
        throw new Error(`closed before open: ${code}`)
      }),
    ]),
    'parley connect',
  )
  return ws
}

/** Sends a sign-in frame and resolves on `welcome`, rejecting with the error frame's code. */
export function signIn(ws: WebSocket, frame: Record<string, unknown>): Promise<void> {
  return timeout(
    new Promise<void>((resolve, reject) => {
      const onMessage = (data: Buffer) => {
        const reply = JSON.parse(String(data)) as { type: string; replyTo?: string; code?: string }
        if (reply.replyTo !== frame.id) return
        ws.off('message', onMessage)
        if (reply.type === 'welcome') resolve()
        else reject(new Error(`sign-in refused: ${reply.code ?? reply.type}`))
      }
      ws.on('message', onMessage)
      ws.send(JSON.stringify(frame))
    }),
    'parley sign-in',
    300_000,
  )
}

/** Delivered texts go to `onText`; direct messages are confirmed with `received`, as the CLI does. */
export function attachParley(ws: WebSocket, spec: ClientSpec, onText: OnText): ChatConn {
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; text?: string; messageId?: number }
    if (frame.type === 'broadcast') onText(frame.text!)
    else if (frame.type === 'message') {
      ws.send(JSON.stringify({ type: 'received', ids: [frame.messageId] }))
      onText(frame.text!)
    }
  })
  let counter = 0
  const prefix = `c${spec.id}x`
  return {
    send(text) {
      const id = `${prefix}${++counter}`
      const frame = spec.peerName ? { type: 'message', id, to: spec.peerName, text } : { type: 'broadcast', id, text }
      ws.send(JSON.stringify(frame))
    },
    close: () => ws.terminate(),
  }
}

async function connectParley(target: Target, spec: ClientSpec, onText: OnText): Promise<ChatConn> {
  const ws = await openParley(target)
  await signIn(ws, { type: 'resume', id: 'resume', v: 1, token: spec.token })
  return attachParley(ws, spec, onText)
}

async function connectWs(target: Target, spec: ClientSpec, onText: OnText): Promise<ChatConn> {
  const query = `?id=${spec.id}${spec.peer === undefined ? '' : `&peer=${spec.peer}`}`
  const ws = new WebSocket(`${target.url}${query}`, { ca: target.ca, perMessageDeflate: false })
  ws.on('error', () => undefined)
  await timeout(once(ws, 'open'), 'ws connect')
  const type = spec.peer === undefined ? 'broadcast' : 'message'
  ws.on('message', (data) => onText((JSON.parse(String(data)) as { text: string }).text))
  return {
    send: (text) => ws.send(JSON.stringify({ type, text })),
    close: () => ws.terminate(),
  }
}

async function connectSocketIo(target: Target, spec: ClientSpec, onText: OnText): Promise<ChatConn> {
  const socket = io(target.url, {
    transports: ['websocket'],
    ca: target.ca,
    forceNew: true,
    reconnection: false,
    query: { id: String(spec.id), ...(spec.peer === undefined ? {} : { peer: String(spec.peer) }) },
  })
  await timeout(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', (error) => reject(error))
    }),
    'socket.io connect',
  )
  const event = spec.peer === undefined ? 'broadcast' : 'message'
  socket.on(event, (message: { text: string }) => onText(message.text))
  return {
    send: (text) => socket.emit(event, text),
    close: () => socket.disconnect(),
  }
}

export function connectClient(target: Target, spec: ClientSpec, onText: OnText): Promise<ChatConn> {
  switch (target.flavor) {
    case 'parley':
      return connectParley(target, spec, onText)
    case 'ws':
      return connectWs(target, spec, onText)
    case 'socketio':
      return connectSocketIo(target, spec, onText)
  }
}

/** Runs `task` over `items` with at most `limit` at a time (a connect storm would overflow the accept backlog). */
export async function inBatches<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
