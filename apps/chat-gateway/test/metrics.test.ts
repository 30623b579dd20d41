/**
 * The gateway's Prometheus metrics, scraped over a real HTTP listener on its own port: refused
 * without the token, and the counters and gauges move with a small load.
 */
import { createMetricsRegistry, type MetricsServer, serveMetrics } from '@parley/metrics'
import { afterEach, describe, expect, it } from 'vitest'
import { createGatewayMetrics } from '../src/metrics.js'
import { Harness, PASSWORD } from './helpers/harness.js'

const TOKEN = 'metrics-token-for-the-test-0123'

let h: Harness
let server: MetricsServer
afterEach(async () => {
  await server.close()
  await h.close()
})

async function scrape(token: string | null = TOKEN): Promise<{ status: number; text: string }> {
  const response = await fetch(server.url, token ? { headers: { authorization: `Bearer ${token}` } } : {})
  return { status: response.status, text: await response.text() }
}

/** The value of one series, e.g. `parley_chat_frames_in_total{type="message"}`. */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `) || l.startsWith(`${series.replace('}', ',')}`))
  if (!line) return 0
  return Number(line.slice(line.lastIndexOf(' ') + 1))
}

describe('gateway metrics', () => {
  it('are served only with the token and move under a small load', async () => {
    const registry = createMetricsRegistry({ prefix: 'parley_chat_', defaultLabels: { service: 'chat-gateway' } })
    h = await Harness.start({
      metrics: createGatewayMetrics(registry, { pendingSampleMs: 0 }),
      blockDurationMs: 60_000,
    })
    server = await serveMetrics(registry, { port: 0, token: TOKEN })

    expect((await scrape(null)).status).toBe(401)
    expect((await scrape('wrong-token-wrong-token-wrong')).status).toBe(401)
    const before = await scrape()
    expect(before.status).toBe(200)
    expect(value(before.text, 'parley_chat_messages_stored_total{service="chat-gateway"}')).toBe(0)

    await h.register('yoda')
    const hans = await h.loginAs('hans')
    const luke = await h.loginAs('luke')
    for (let i = 0; i < 3; i++) {
      await hans.request({ type: 'message', to: 'luke', text: `m${i}` })
      await hans.request({ type: 'message', to: 'yoda', text: `queued ${i}` })
    }
    await luke.waitForType('message', (m) => m.text === 'm2')
    const guesser = await h.connect()
    for (let i = 0; i < 3; i++) {
      await guesser.request({ type: 'login', v: 1, username: 'yoda', password: `${PASSWORD}-wrong` })
    }

    const after = (await scrape()).text
    const at = (series: string) => value(after, series)
    expect(at('parley_chat_messages_stored_total{service="chat-gateway"}')).toBe(6)
    expect(at('parley_chat_frames_in_total{type="message",service="chat-gateway"}')).toBe(6)
    expect(at('parley_chat_frames_out_total{type="message",service="chat-gateway"}')).toBeGreaterThanOrEqual(3)
    expect(at('parley_chat_login_failures_total{code="AUTH_INVALID_CREDENTIALS",service="chat-gateway"}')).toBe(2)
    expect(at('parley_chat_login_failures_total{code="AUTH_NOW_LOCKED",service="chat-gateway"}')).toBe(1)
    expect(at('parley_chat_lockouts_total{service="chat-gateway"}')).toBe(1)
    expect(at('parley_chat_sessions_total{event="started",service="chat-gateway"}')).toBe(2)
    expect(at('parley_chat_open_sockets{service="chat-gateway"}')).toBe(3)
    expect(at('parley_chat_local_users{service="chat-gateway"}')).toBe(2)
    // yoda never signed in: 3 queued; luke has not confirmed his 3 yet.
    expect(at('parley_chat_offline_queue_depth{service="chat-gateway"}')).toBe(6)
    expect(at('parley_chat_process_resident_memory_bytes{service="chat-gateway"}')).toBeGreaterThan(0)
    expect(after).toMatch(/^parley_chat_nodejs_eventloop_lag_p99_seconds\{service="chat-gateway"\} /m)

    hans.send({ type: 'logout' })
    await hans.waitClosed()
    const ended = (await scrape()).text
    expect(value(ended, 'parley_chat_sessions_total{event="ended",service="chat-gateway"}')).toBe(1)
  })
})
