/**
 * Entry of every bench child process: `child.ts <role>` loads that role's command handlers and
 * adds the common ones (CPU mark/report, event-loop delay, settled memory, exit).
 * @module
 */
import { type Handlers, serve } from './ipc.js'
import { ProcessMetrics, settledMemory } from './metrics.js'

type RoleModule = { handlers: (metrics: ProcessMetrics) => Handlers & { stop?: () => Promise<void> } }

const ROLES: Record<string, () => Promise<RoleModule>> = {
  'parley-gateway': () => import('./hosts/parley-gateway.js'),
  'ws-forwarder': () => import('./hosts/ws-forwarder.js'),
  'socketio-server': () => import('./hosts/socketio-server.js'),
  'parley-board': () => import('./hosts/parley-board.js'),
  'fastify-bare': () => import('./hosts/fastify-bare.js'),
  'fastify-static': () => import('./hosts/fastify-static.js'),
  'argon2-bare': () => import('./hosts/argon2-bare.js'),
  'chat-load': () => import('./load/chat-load.js'),
  'http-load': () => import('./load/http-load.js'),
}

const role = process.argv[2] ?? ''
const load = ROLES[role]
if (!load) {
  console.error(`unknown bench role '${role}'; known: ${Object.keys(ROLES).join(', ')}`)
  process.exit(2)
}
const metrics = new ProcessMetrics()
const own = (await load()).handlers(metrics)
serve({
  ...own,
  mark: () => metrics.mark(),
  cpu: () => metrics.cpu(),
  loopDelay: () => metrics.loopDelay(),
  memory: () => settledMemory(),
  exit: async () => {
    await own.stop?.()
    setImmediate(() => process.exit(0))
  },
})
