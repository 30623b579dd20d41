/**
 * Memory per idle connection: the server's settled memory (after forced GCs) before and after N
 * clients connect and, for Parley, sign in (`resume` with a pre-created session). Parley against a
 * bare `ws` server holding the same number of plain connections.
 * @module
 */
import { startChild } from '../ipc.js'
import type { Flavor } from '../load/chat-clients.js'
import type { MemoryReport } from '../metrics.js'
import { metric, type ScenarioResult, withTarget } from '../report.js'
import { type Scenario, size } from './context.js'
import { clientSpecs, FLAVOR_NAMES, startChatServer } from './servers.js'

const FLAVORS: Flavor[] = ['parley', 'ws']

interface MemoryRun {
  before: MemoryReport
  after: MemoryReport
  connectMs: number
  rssPerConnection: number
  heapPerConnection: number
  externalPerConnection: number
}

export const idleMemory: Scenario = {
  name: 'memory',
  async run(ctx): Promise<ScenarioResult> {
    const connections = size(ctx, 300, 10_000)
    const title = `idle connections: ${connections} signed-in connections, settled server memory`
    ctx.progress(title)
    const runs = {} as Record<Flavor, MemoryRun>
    for (const flavor of FLAVORS) {
      const load = startChild('chat-load')
      const server = await startChatServer(ctx, flavor, { users: connections })
      try {
        const before = await server.child.request<MemoryReport>('memory')
        const { ms } = await load.request<{ ms: number }>('connect', {
          target: server.target,
          clients: clientSpecs(server, connections, false),
        })
        await load.request('settle', { quietMs: 1000, maxMs: 600_000 })
        const after = await server.child.request<MemoryReport>('memory')
        const per = (key: keyof MemoryReport) => (after[key] - before[key]) / connections
        runs[flavor] = {
          before,
          after,
          connectMs: ms,
          rssPerConnection: per('rss'),
          heapPerConnection: per('heapUsed'),
          externalPerConnection: per('external'),
        }
        ctx.progress(
          `  ${FLAVOR_NAMES[flavor]}: ${(per('rss') / 1024).toFixed(1)} KiB RSS, ${(per('heapUsed') / 1024).toFixed(1)} KiB heap per connection (connected in ${(ms / 1000).toFixed(1)} s)`,
        )
      } finally {
        await Promise.all([load.stop(), server.child.stop()])
      }
    }
    const kib = (run: MemoryRun, key: 'rssPerConnection' | 'heapPerConnection') => run[key] / 1024
    return {
      scenario: 'memory',
      title,
      metrics: [
        withTarget(
          metric('memory per idle connection (RSS)', kib(runs.parley, 'rssPerConnection'), 'KiB', false, {
            'bare ws': kib(runs.ws, 'rssPerConnection'),
          }),
          { baseline: 'bare ws', max: 1.5 },
        ),
        metric('memory per idle connection (JS heap)', kib(runs.parley, 'heapPerConnection'), 'KiB', false, {
          'bare ws': kib(runs.ws, 'heapPerConnection'),
        }),
        // The reconnect storm after a gateway restart: every client resumes with its token.
        metric(
          `${connections} clients connect and resume their sessions in`,
          runs.parley.connectMs / 1000,
          's',
          false,
          {
            'bare ws (connect only)': runs.ws.connectMs / 1000,
          },
        ),
      ],
      details: { connections, runs: { Parley: runs.parley, 'bare ws': runs.ws } },
      notes: [],
    }
  },
}
