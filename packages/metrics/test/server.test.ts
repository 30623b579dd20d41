import { mkdtemp, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureCerts } from '@parley/certs'
import { Counter } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { createMetricsRegistry, type MetricsServer, serveMetrics } from '../src/index.js'

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function get(url: string, headers: Record<string, string> = {}, extra: { ca?: string | Buffer; method?: string } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const target = new URL(url)
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest
    const request = send(target, { method: extra.method ?? 'GET', headers, ca: extra.ca }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        body += chunk
      })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
    })
    request.on('error', reject)
    request.end()
  })
}

const TOKEN = 'a-scrape-token-of-some-length'
const servers: MetricsServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
})

async function start(options: Parameters<typeof serveMetrics>[1]) {
  const registry = createMetricsRegistry({ prefix: 'test_' })
  const hits = new Counter({ name: 'test_hits_total', help: 'Hits.', registers: [registry] })
  const server = await serveMetrics(registry, options)
  servers.push(server)
  return { registry, hits, server }
}

describe('serveMetrics', () => {
  it('serves the registry in Prometheus text format on loopback, with process metrics and app counters', async () => {
    const { hits, server } = await start({ port: 0 })
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`)
    hits.inc(3)
    const response = await get(server.url)
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.body).toMatch(/^# HELP test_hits_total Hits\.$/m)
    expect(response.body).toMatch(/^test_hits_total 3$/m)
    expect(response.body).toMatch(/^test_process_resident_memory_bytes \d+/m)
    expect(response.body).toMatch(/^test_nodejs_heap_size_used_bytes \d+/m)
    expect(response.body).toMatch(/^test_nodejs_eventloop_lag_p99_seconds [\d.e-]+$/m)
    hits.inc()
    expect((await get(server.url)).body).toMatch(/^test_hits_total 4$/m)
  })

  it('answers 404 off the metrics path and 405 for other methods', async () => {
    const { server } = await start({ port: 0 })
    expect((await get(server.url.replace('/metrics', '/'))).status).toBe(404)
    expect((await get(`${server.url}/x`)).status).toBe(404)
    const post = await get(server.url, {}, { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.allow).toBe('GET, HEAD')
  })

  it('with a token: 401 without it, with a wrong one or another scheme, on every path; 200 with it', async () => {
    const { server } = await start({ port: 0, token: TOKEN })
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-of-some-length' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` },
      { authorization: TOKEN },
    ]
    for (const headers of attempts) {
      const refused = await get(server.url, headers)
      expect(refused.status, JSON.stringify(headers)).toBe(401)
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="metrics"')
      expect(refused.body).not.toContain('process_')
    }
    expect((await get(server.url.replace('/metrics', '/nothing'))).status).toBe(401)
    const ok = await get(server.url, { authorization: `Bearer ${TOKEN}` })
    expect(ok.status).toBe(200)
    expect(ok.body).toContain('test_hits_total 0')
  })

  it('refuses a non-loopback address without a token, and a short token', async () => {
    await expect(start({ port: 0, host: '0.0.0.0' })).rejects.toThrow(/need a bearer token/)
    await expect(start({ port: 0, token: 'short' })).rejects.toThrow(/at least 16 characters/)
  })

  it('serves HTTPS with the given certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-metrics-'))
    try {
      const certs = await ensureCerts(dir)
      const { server } = await start({ port: 0, host: 'localhost', token: TOKEN, tls: certs })
      expect(server.url).toMatch(/^https:\/\/localhost:\d+\/metrics$/)
      const response = await get(server.url, { authorization: `Bearer ${TOKEN}` }, { ca: certs.ca })
      expect(response.status).toBe(200)
      expect(response.body).toContain('test_hits_total')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('fails to start when the port is taken, naming the cause', async () => {
    const { server } = await start({ port: 0 })
    await expect(start({ port: server.port })).rejects.toMatchObject({ code: 'EADDRINUSE' })
  })
})
