/**
 * Media: MB/s for concurrent full streams of one file and for random 1 MB range requests, from the
 * board's `/media/:name` route, against nginx serving the same file over the same TLS (or, without
 * nginx, Fastify with @fastify/static alone, and the report says so). When `h2load` is installed, one
 * more row: 1 MiB ranges over HTTP/2 from h2load, Parley beside bare Fastify (@fastify/static on the
 * board's HTTP/2 transport) and nginx.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open } from 'node:fs/promises'
import { join } from 'node:path'
import type { BoardStarted } from '../hosts/parley-board.js'
import { type Child, startChild } from '../ipc.js'
import { combineRounds, type HttpLoadResult, type RequestSpec } from '../load/http-load.js'
import type { CpuReport } from '../metrics.js'
import { type Metric, metric, type ScenarioResult, withTarget } from '../report.js'
import { type Scenario, size } from './context.js'
import { h2loadVersion, runH2loadRow } from './h2load.js'
import { type Nginx, nginxVersion, startNginx } from './nginx.js'
import { cpuOf, serverFlags } from './servers.js'

const FILE_NAME = 'bench-stream.mp4'
const RANGE_BYTES = 1024 * 1024

async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const file = await open(path, 'w')
  try {
    const chunk = randomBytes(1024 * 1024)
    for (let written = 0; written < bytes; written += chunk.length) {
      await file.write(chunk, 0, Math.min(chunk.length, bytes - written))
    }
  } finally {
    await file.close()
  }
}

interface Server {
  port: number
  mark(): Promise<void>
  cpuPercent(): Promise<number>
}

function childServer(child: Child, port: number): Server {
  return {
    port,
    mark: async () => void (await child.request('mark')),
    cpuPercent: async () => cpuOf(await child.request<CpuReport>('cpu')),
  }
}

export const media: Scenario = {
  name: 'media',
  async run(ctx): Promise<ScenarioResult> {
    const fileBytes = size(ctx, 8, 32) * 1024 * 1024
    const streams = size(ctx, 10, 50)
    const warmupMs = size(ctx, 300, 1000)
    const durationMs = size(ctx, 1500, 4000)
    const rounds = size(ctx, 1, 3)
    const nginxFound = nginxVersion()
    const baselineName = nginxFound ? 'nginx' : '@fastify/static'
    const title = `media: ${streams} concurrent full streams of a ${fileBytes / 2 ** 20} MiB file, then ${streams} connections of random 1 MiB ranges, ${rounds} x ${durationMs / 1000} s each, against ${nginxFound ?? '@fastify/static (nginx not installed)'}`
    ctx.progress(title)
    const mediaDir = join(ctx.tmp, 'media')
    await mkdir(mediaDir, { recursive: true })
    await writeRandomFile(join(mediaDir, FILE_NAME), fileBytes)

    const parleyChild = startChild('parley-board', { nodeFlags: serverFlags(ctx, true) })
    const staticChild = nginxFound ? null : startChild('fastify-static', { nodeFlags: serverFlags(ctx, false) })
    const load = startChild('http-load')
    const h2load = h2loadVersion()
    const h2Static = h2load ? startChild('fastify-static', { nodeFlags: serverFlags(ctx, false) }) : null
    let nginx: Nginx | null = null
    try {
      const started = await parleyChild.request<BoardStarted>('start', { tls: ctx.tls, mediaDir, posts: 0 })
      const parley = childServer(parleyChild, started.port)
      let baseline: Server
      if (nginxFound) {
        nginx = await startNginx(join(ctx.tmp, 'nginx'), ctx.tls, mediaDir)
        baseline = nginx
      } else {
        const { port } = await staticChild!.request<{ port: number }>('start', { tls: ctx.tls, mediaDir })
        baseline = childServer(staticChild!, port)
      }
      const full: RequestSpec = { method: 'GET', path: `/media/${FILE_NAME}`, headers: {}, expect: 200 }
      const ranged: RequestSpec = { ...full, range: { size: fileBytes, chunk: RANGE_BYTES }, expect: 206 }
      const runs: Record<string, { result: HttpLoadResult; serverCpu: number }> = {}
      const cases = [
        ['Parley full', parley, full],
        [`${baselineName} full`, baseline, full],
        ['Parley range', parley, ranged],
        [`${baselineName} range`, baseline, ranged],
      ] as const
      const collected = new Map<string, { results: HttpLoadResult[]; cpu: number[] }>()
      // Rounds alternate Parley and the baseline, so a burst of other work on the machine hits both alike.
      for (let round = 0; round < rounds; round++) {
        for (const [name, server, request] of cases) {
          await server.mark()
          const result = await load.request<HttpLoadResult>('run', {
            origin: `https://127.0.0.1:${server.port}`,
            ca: ctx.ca,
            connections: streams,
            warmupMs,
            durationMs,
            request,
          })
          const entry = collected.get(name) ?? { results: [], cpu: [] }
          entry.results.push(result)
          entry.cpu.push(Math.round(await server.cpuPercent()))
          collected.set(name, entry)
        }
      }
      for (const [name, entry] of collected) {
        const result = combineRounds(entry.results, durationMs)
        const serverCpu = Math.round(entry.cpu.reduce((a, b) => a + b, 0) / entry.cpu.length)
        runs[name] = { result, serverCpu }
        ctx.progress(
          `  ${name}: ${result.mbPerSecond.toFixed(0)} MB/s, ${Math.round(result.perSecond)} req/s, server CPU ${serverCpu}%, client CPU ${cpuOf(result.cpu)}%${result.errors.length ? `, errors: ${result.errors.slice(0, 3).join('; ')}` : ''}`,
        )
      }
      const mbps = (name: string) => runs[name]!.result.mbPerSecond
      const notes = [
        nginxFound
          ? `Baseline ${nginxFound}, 1 worker process (the board is 1 Node process), sendfile on, HTTP/1.1 over TLS.`
          : 'nginx is not installed: the baseline is Fastify with @fastify/static alone (apt-get install nginx for the nginx comparison).',
        'MB/s counts body bytes received inside the measured window (1 MB = 10^6 bytes).',
      ]
      const saturated = Object.entries(runs).filter(([, run]) => cpuOf(run.result.cpu) >= 90)
      if (saturated.length > 0) {
        notes.push(
          `load generator near a full core for ${saturated.map(([name]) => name).join(', ')}: client-bound figures`,
        )
      }

      const h2loadMetrics: Metric[] = []
      const h2loadDetails: Record<string, unknown> = {}
      if (h2load && h2Static) {
        const { port: h2StaticPort } = await h2Static.request<{ port: number }>('start', {
          tls: ctx.tls,
          mediaDir,
          http2: true,
        })
        const targets = [
          { name: 'Parley', port: started.port, host: started.host },
          { name: 'bare Fastify', port: h2StaticPort, host: `localhost:${h2StaticPort}` },
          ...(nginx ? [{ name: 'nginx', port: nginx.port, host: `localhost:${nginx.port}` }] : []),
        ]
        const h2Streams = size(ctx, 2, 4)
        const row = await runH2loadRow(
          targets,
          { path: `/media/${FILE_NAME}`, headers: { range: `bytes=${RANGE_BYTES}-${2 * RANGE_BYTES - 1}` } },
          { clients: streams, streams: h2Streams, durationMs, warmupMs },
          ctx.progress,
        )
        const { Parley: parleyRow, ...baselines } = row.results
        if (parleyRow)
          h2loadMetrics.push(
            metric(
              'media 1 MiB range via h2load (HTTP/2)',
              parleyRow.mbPerSecond,
              'MB/s',
              true,
              Object.fromEntries(Object.entries(baselines).map(([name, result]) => [name, result.mbPerSecond])),
            ),
          )
        notes.push(
          `${h2load}: ${streams} connections x ${h2Streams} streams over TLS + HTTP/2, the same 1 MiB range each time${nginx ? '' : ' (nginx not installed: no nginx column)'}.`,
          ...row.notes,
        )
        h2loadDetails.h2load = row.results
      } else {
        notes.push('h2load not installed (Debian nghttp2-client): no h2load row.')
      }
      return {
        scenario: 'media',
        title,
        metrics: [
          withTarget(
            metric('media full streams', mbps('Parley full'), 'MB/s', true, {
              [baselineName]: mbps(`${baselineName} full`),
            }),
            { baseline: baselineName, min: 0.9 },
          ),
          withTarget(
            metric('media 1 MiB ranges', mbps('Parley range'), 'MB/s', true, {
              [baselineName]: mbps(`${baselineName} range`),
            }),
            { baseline: baselineName, min: 0.8 },
          ),
          metric('media 1 MiB range p99 latency', runs['Parley range']!.result.latency.p99Ms, 'ms', false, {
            [baselineName]: runs[`${baselineName} range`]!.result.latency.p99Ms,
          }),
          ...h2loadMetrics,
        ],
        details: {
          fileBytes,
          streams,
          warmupMs,
          durationMs,
          baseline: nginxFound ?? '@fastify/static',
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
      await Promise.all([parleyChild.stop(), staticChild?.stop(), h2Static?.stop(), load.stop(), nginx?.stop()])
    }
  },
}
