/**
 * An outside client for the board and media scenarios: `h2load` (Debian `nghttp2-client`), a C load
 * generator speaking HTTP/2 over TLS. Our own load generator is a Node process speaking HTTP/1.1; a
 * row from h2load checks that the comparison does not depend on it. Optional: without h2load
 * installed, the scenarios skip the row and say so in a note.
 * @module
 */
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'

export function h2loadVersion(): string | null {
  try {
    return execFileSync('h2load', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

export interface H2loadArgs {
  url: string
  headers: Record<string, string>
  /** Connections. */
  clients: number
  /** Concurrent streams per connection. */
  streams: number
  durationMs: number
  warmupMs: number
}

export interface H2loadResult {
  perSecond: number
  mbPerSecond: number
  /** Mean and max time per request (h2load reports no percentiles). */
  meanMs: number
  maxMs: number
  succeeded: number
  failed: number
  /** The protocol ALPN settled on (`h2` expected). */
  protocol: string
}

function toMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text)
  if (!match) return Number.NaN
  const value = Number(match[1])
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value
}

function toMB(text: string): number {
  const match = /^([\d.]+)(B|KB|MB|GB)\/s$/.exec(text)
  if (!match) return Number.NaN
  const scale = { B: 1e-6, KB: 1024 / 1e6, MB: 1024 ** 2 / 1e6, GB: 1024 ** 3 / 1e6 }[match[2] as 'B']
  return Number(match[1]) * scale
}

/** Parses h2load's summary; throws with its output when the run did not produce one. */
export function parseH2load(output: string): H2loadResult {
  const finished = /finished in [^,]+, ([\d.]+) req\/s, (\S+)/.exec(output)
  const requests = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed/.exec(output)
  const times = /time for request:\s+(\S+)\s+(\S+)\s+(\S+)/.exec(output)
  const protocol = /Application protocol: (\S+)/.exec(output)?.[1] ?? 'none'
  if (!finished || !requests || !times) throw new Error(`h2load gave no summary:\n${output.slice(-2000)}`)
  return {
    perSecond: Number(finished[1]),
    mbPerSecond: toMB(finished[2]!),
    succeeded: Number(requests[1]),
    failed: Number(requests[2]),
    meanMs: toMs(times[3]!),
    maxMs: toMs(times[2]!),
    protocol,
  }
}

export async function runH2load(args: H2loadArgs): Promise<H2loadResult> {
  const flags = [
    `--clients=${args.clients}`,
    `--threads=1`,
    `--max-concurrent-streams=${args.streams}`,
    // h2load takes whole numbers with a unit.
    `--duration=${Math.round(args.durationMs)}ms`,
    `--warm-up-time=${Math.round(args.warmupMs)}ms`,
    ...Object.entries(args.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    args.url,
  ]
  const child = spawn('h2load', flags, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const [code] = (await once(child, 'exit')) as [number | null]
  if (code !== 0) throw new Error(`h2load exited with ${code}:\n${output.slice(-2000)}`)
  return parseH2load(output)
}

export interface H2loadTarget {
  name: string
  port: number
  /** Sent as `:authority` (a `host` header beside it makes nginx answer 400). */
  host: string
}

export interface H2loadRow {
  /** req/s and MB/s per target name; absent for a target h2load could not measure (see notes). */
  results: Record<string, H2loadResult>
  notes: string[]
}

/**
 * Runs h2load against each target in turn with the same request (`path`, `headers`, expected status
 * class left to the succeeded/failed counts) and returns the results with notes on anything off:
 * failed requests, or a protocol other than h2.
 */
export async function runH2loadRow(
  targets: readonly H2loadTarget[],
  request: { path: string; headers: Record<string, string> },
  load: Omit<H2loadArgs, 'url' | 'headers'>,
  progress: (line: string) => void,
): Promise<H2loadRow> {
  const results: Record<string, H2loadResult> = {}
  const notes: string[] = []
  for (const target of targets) {
    let result: H2loadResult
    try {
      result = await runH2load({
        ...load,
        url: `https://127.0.0.1:${target.port}${request.path}`,
        headers: { ':authority': target.host, ...request.headers },
      })
    } catch (error) {
      // An optional row: the scenario's own figures must survive it.
      notes.push(`h2load ${target.name}: ${String(error).split('\n').slice(0, 3).join(' ')}`)
      continue
    }
    results[target.name] = result
    progress(
      `  h2load ${target.name}: ${Math.round(result.perSecond)} req/s, ${result.mbPerSecond.toFixed(0)} MB/s, mean ${result.meanMs.toFixed(1)} ms, max ${result.maxMs.toFixed(1)} ms, ${result.protocol}`,
    )
    if (result.protocol !== 'h2') notes.push(`h2load ${target.name}: negotiated ${result.protocol}, not h2`)
    if (result.failed > 0) notes.push(`h2load ${target.name}: ${result.failed} requests failed`)
  }
  return { results, notes }
}
