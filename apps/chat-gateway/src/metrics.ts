/**
 * The gateway's Prometheus metrics (prom-client), registered on the registry main.ts serves with
 * `@parley/metrics` on a separate port. Without one (tests, embedding) a private registry is used,
 * so counting always works and nothing is global.
 * @module
 */
import { Counter, Gauge, Registry } from 'prom-client'

/** What the gauges read when scraped. */
export interface MetricSources {
  /** Open WebSocket connections, signed in or not. */
  openSockets(): number
  /** Signed-in connections on this instance. */
  signedInConnections(): number
  /** Users with a connection on this instance. */
  localUsers(): number
  /** Undelivered chat messages of all users (the offline queue), from storage. */
  pendingMessages(): Promise<number>
}

export interface GatewayMetrics {
  readonly registry: Registry
  /** Frames received, by protocol type (`invalid` for undecodable ones). */
  readonly framesIn: Counter<'type'>
  /** Frames sent, by protocol type. */
  readonly framesOut: Counter<'type'>
  /** Direct messages stored (first copies; resends not counted). */
  readonly messagesStored: Counter
  /** Refused sign-ins, by error code (invalid credentials, locked, suspended, already online…). */
  readonly loginFailures: Counter<'code'>
  /** Sign-ins that locked an account (the 3rd wrong password in a row). */
  readonly lockouts: Counter
  /** Chat sessions begun and ended on this instance. */
  readonly sessions: Counter<'event'>
  /** Bus publishes refused (Redis unreachable), by event kind. */
  readonly busPublishFailures: Counter<'kind'>
  /** Starts answering the gauges from `sources`. */
  observe(sources: MetricSources): void
}

/** The offline-queue depth is a COUNT over the messages table: sampled at most this often by default. */
const PENDING_SAMPLE_MS = 15_000

export interface GatewayMetricsOptions {
  /** Minimum time between two counts of the offline queue (scrapes in between reuse the last one). */
  pendingSampleMs?: number
}

export function createGatewayMetrics(
  registry: Registry = new Registry(),
  options: GatewayMetricsOptions = {},
): GatewayMetrics {
  const pendingSampleMs = options.pendingSampleMs ?? PENDING_SAMPLE_MS
  let sources: MetricSources | null = null
  let pendingSample: { at: number; value: number } | null = null

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] })

  new Gauge({
    name: 'parley_chat_open_sockets',
    help: 'Open WebSocket connections on this gateway, signed in or not',
    registers: [registry],
    collect() {
      this.set(sources?.openSockets() ?? 0)
    },
  })
  new Gauge({
    name: 'parley_chat_signed_in_connections',
    help: 'Signed-in chat connections on this gateway',
    registers: [registry],
    collect() {
      this.set(sources?.signedInConnections() ?? 0)
    },
  })
  new Gauge({
    name: 'parley_chat_local_users',
    help: 'Users with at least one connection on this gateway',
    registers: [registry],
    collect() {
      this.set(sources?.localUsers() ?? 0)
    },
  })
  new Gauge({
    name: 'parley_chat_offline_queue_depth',
    help: `Chat messages waiting for their recipient's acknowledgement, all users (sampled at most every ${pendingSampleMs / 1000} s)`,
    registers: [registry],
    async collect() {
      if (!sources) return
      const now = Date.now()
      if (!pendingSample || now - pendingSample.at >= pendingSampleMs) {
        try {
          pendingSample = { at: now, value: await sources.pendingMessages() }
        } catch {
          // Storage unreachable: keep the last sample rather than failing the whole scrape.
        }
      }
      if (pendingSample) this.set(pendingSample.value)
    },
  })

  return {
    registry,
    framesIn: counter('parley_chat_frames_in_total', 'Frames received from chat clients, by type', ['type']),
    framesOut: counter('parley_chat_frames_out_total', 'Frames sent to chat clients, by type', ['type']),
    messagesStored: counter('parley_chat_messages_stored_total', 'Direct messages stored (resends not counted)'),
    loginFailures: counter('parley_chat_login_failures_total', 'Refused chat sign-ins, by error code', ['code']),
    lockouts: counter('parley_chat_lockouts_total', 'Chat sign-ins that locked the account after repeated failures'),
    sessions: counter('parley_chat_sessions_total', 'Chat sessions started and ended on this gateway', ['event']),
    busPublishFailures: counter('parley_chat_bus_publish_failures_total', 'Bus publishes refused, by event kind', [
      'kind',
    ]),
    observe(next) {
      sources = next
    },
  }
}
