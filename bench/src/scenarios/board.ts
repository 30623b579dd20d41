/**
 * Board: requests/s and p99 for the board page (`GET /` as a signed-in user: session lookup, a page
 * of posts from SQLite, an escaped template, security headers) and for a post (`POST /posts`:
 * Origin/Fetch-Metadata and CSRF checks, validation, a SQLite insert, the live-update event, 303),
 * against a bare Fastify route serving the same HTML / answering the same form with the same 303.
 * When `h2load` is installed, one more row: `GET /` over HTTP/2 from h2load, Parley beside the bare
 * Fastify route and (when installed) nginx serving the same HTML as a file.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BoardStarted } from '../hosts/parley-board.js'
import { startChild } from '../ipc.js'
import { combineRounds, type HttpLoadResult, type RequestSpec } from '../load/http-load.js'
import type { CpuReport } from '../metrics.js'
import { type Metric, metric, type ScenarioResult, withTarget } from '../report.js'
import { type Scenario, size } from './context.js'
import { h2loadVersion, runH2loadRow } from './h2load.js'
import { type Nginx, nginxVersion, startNginx } from './nginx.js'
import { cpuOf, serverFlags } from './servers.js'

export const board: Scenario = {
  name: 'board',
  async run(ctx): Promise<ScenarioResult> {
    const connections = size(ctx, 16, 32)
    const warmupMs = size(ctx, 300, 1000)
    const durationMs = size(ctx, 1500, 4000)
    const rounds = size(ctx, 1, 3)
    const title = `board: ${connections} keep-alive HTTPS connections, ${rounds} x ${durationMs / 1000} s per route and server`
    ctx.progress(title)
    const mediaDir = join(ctx.tmp, 'board-media')
    await mkdir(mediaDir, { recursive: true })

    const parley = startChild('parley-board', { nodeFlags: serverFlags(ctx, true) })
    const bare = startChild('fastify-bare', { nodeFlags: serverFlags(ctx, false) })
    const load = startChild('http-load')
    let nginx: Nginx | null = null
    try {
      const started = await parley.request<BoardStarted>('start', { tls: ctx.tls, mediaDir, posts: 50 })
      const html = await parley.request<string>('page', { host: started.host, cookie: started.cookie })
      const { port: barePort } = await bare.request<{ port: number }>('start', { tls: ctx.tls, html })

      const getPage = (host: string): RequestSpec => ({
        method: 'GET',
        path: '/',
        headers: { host, cookie: started.cookie, accept: 'text/html' },
        expect: 200,
      })
      const postForm = (host: string): RequestSpec => ({
        method: 'POST',
        path: '/posts',
        headers: {
          host,
          cookie: started.cookie,
          origin: `https://${host}`,
          'sec-fetch-site': 'same-origin',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          _csrf: started.csrf,
          body: 'A benchmark post: short, like most posts.',
        }).toString(),
        expect: 303,
      })

      const runs: Record<string, { result: HttpLoadResult; serverCpu: number }> = {}
      const cases = [
        ['Parley GET /', parley, started.port, getPage(started.host)],
        ['bare GET /', bare, barePort, getPage(`localhost:${barePort}`)],
        ['Parley POST /posts', parley, started.port, postForm(started.host)],
        ['bare POST /posts', bare, barePort, postForm(`localhost:${barePort}`)],
      ] as const
      const collected = new Map<string, { results: HttpLoadResult[]; cpu: number[] }>()
      // Rounds alternate Parley and the baseline, so a burst of other work on the machine hits both alike.
      for (let round = 0; round < rounds; round++) {
        for (const [name, server, port, request] of cases) {
          await server.request('mark')
          const result = await load.request<HttpLoadResult>('run', {
            origin: `https://127.0.0.1:${port}`,
            ca: ctx.ca,
            connections,
            warmupMs,
            durationMs,
            request,
          })
          const entry = collected.get(name) ?? { results: [], cpu: [] }
          entry.results.push(result)
          entry.cpu.push(cpuOf(await server.request<CpuReport>('cpu')))
          collected.set(name, entry)
        }
      }
      for (const [name, entry] of collected) {
        const result = combineRounds(entry.results, durationMs)
        const serverCpu = Math.round(entry.cpu.reduce((a, b) => a + b, 0) / entry.cpu.length)
        runs[name] = { result, serverCpu }
        ctx.progress(
          `  ${name}: ${Math.round(result.perSecond)} req/s, p99 ${result.latency.p99Ms.toFixed(1)} ms, server CPU ${serverCpu}%, client CPU ${cpuOf(result.cpu)}%${result.errors.length ? `, errors: ${result.errors.slice(0, 3).join('; ')}` : ''}`,
        )
      }
      const r = (name: string) => runs[name]!.result
      // Requests per CPU-second of the server: steadier than req/s when other work shares the cores.
      const perCpu = (name: string) => r(name).perSecond / Math.max(0.01, runs[name]!.serverCpu / 100)
      const notes = [
        `Both servers: Fastify with HTTP/2 + HTTP/1.1 fallback over the same TLS certificate; the load generator speaks HTTP/1.1. The bare page is the ${html.length}-byte HTML Parley rendered for the same user.`,
      ]
      const saturated = Object.entries(runs).filter(([, run]) => cpuOf(run.result.cpu) >= 90)
      if (saturated.length > 0) {
        notes.push(
          `load generator near a full core for ${saturated.map(([name]) => name).join(', ')}: client-bound figures`,
        )
      }
      for (const [name, run] of Object.entries(runs)) {
        if (run.result.errors.length > 0) notes.push(`${name}: errors ${run.result.errors.slice(0, 3).join('; ')}`)
      }

      const h2load = h2loadVersion()
      const h2loadMetrics: Metric[] = []
      const h2loadDetails: Record<string, unknown> = {}
      if (h2load) {
        const targets = [
          { name: 'Parley', port: started.port, host: started.host },
          { name: 'bare Fastify', port: barePort, host: `localhost:${barePort}` },
        ]
        if (nginxVersion()) {
          const pageFile = join(ctx.tmp, 'board-page', 'board.html')
          await mkdir(join(ctx.tmp, 'board-page'), { recursive: true })
          await writeFile(pageFile, html)
          nginx = await startNginx(join(ctx.tmp, 'nginx-board'), ctx.tls, mediaDir, { pageFile })
          targets.push({ name: 'nginx', port: nginx.port, host: `localhost:${nginx.port}` })
        }
        const row = await runH2loadRow(
          targets,
          { path: '/', headers: { cookie: started.cookie, accept: 'text/html' } },
          { clients: connections, streams: size(ctx, 4, 10), durationMs, warmupMs },
          ctx.progress,
        )
        const { Parley: parleyRow, ...baselines } = row.results
        if (parleyRow)
          h2loadMetrics.push(
            metric(
              'board GET / via h2load (HTTP/2)',
              parleyRow.perSecond,
              'req/s',
              true,
              Object.fromEntries(Object.entries(baselines).map(([name, result]) => [name, result.perSecond])),
            ),
          )
        notes.push(
          `${h2load}: ${connections} connections x ${size(ctx, 4, 10)} streams over TLS + HTTP/2${targets.length > 2 ? '; nginx serves the same HTML as a file' : ' (nginx not installed: no nginx column)'}.`,
          ...row.notes,
        )
        h2loadDetails.h2load = row.results
      } else {
        notes.push('h2load not installed (Debian nghttp2-client): no h2load row.')
      }
      return {
        scenario: 'board',
        title,
        metrics: [
          withTarget(
            metric('board GET / throughput', r('Parley GET /').perSecond, 'req/s', true, {
              'bare Fastify': r('bare GET /').perSecond,
            }),
            { baseline: 'bare Fastify', min: 0.5 },
          ),
          metric('board GET / per server CPU-second', perCpu('Parley GET /'), 'req', true, {
            'bare Fastify': perCpu('bare GET /'),
          }),
          withTarget(
            metric('board GET / p99 latency', r('Parley GET /').latency.p99Ms, 'ms', false, {
              'bare Fastify': r('bare GET /').latency.p99Ms,
            }),
            { baseline: 'bare Fastify', max: 2 },
          ),
          withTarget(
            metric('board POST /posts throughput', r('Parley POST /posts').perSecond, 'req/s', true, {
              'bare Fastify': r('bare POST /posts').perSecond,
            }),
            { baseline: 'bare Fastify', min: 0.4 },
          ),
          metric('board POST /posts p99 latency', r('Parley POST /posts').latency.p99Ms, 'ms', false, {
            'bare Fastify': r('bare POST /posts').latency.p99Ms,
          }),
          ...h2loadMetrics,
        ],
        details: {
          connections,
          warmupMs,
          durationMs,
          pageBytes: html.length,
          ...h2loadDetails,
          runs: Object.fromEntries(
            Object.entries(runs).map(([name, run]) => [
              name,
              { ...run.result, serverCpuPercent: run.serverCpu, clientCpuPercent: cpuOf(run.result.cpu) },
            ]),
          ),
        },
        notes,
      }
    } finally {
      await Promise.all([parley.stop(), bare.stop(), load.stop(), nginx?.stop()])
    }
  },
}
