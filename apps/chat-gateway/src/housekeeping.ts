/**
 * Keeps the tables the gateway grows bounded, on a schedule (once at start, then every
 * `intervalMs`, an hour by default): the presence history older than the longest `whoelsesince`
 * window, and every expired session (idle or absolute). Idempotent: several gateways may run it.
 * @module
 */
import { DEFAULT_WHOELSESINCE_MAX_SECONDS } from './config.js'
import type { GatewayContext } from './context.js'

export const DEFAULT_HOUSEKEEPING_INTERVAL_MS = 3_600_000

export async function runHousekeeping(ctx: GatewayContext): Promise<{ presence: number; sessions: number }> {
  const windowMs = (ctx.config.whoelsesinceMaxSeconds ?? DEFAULT_WHOELSESINCE_MAX_SECONDS) * 1000
  const presence = await ctx.storage.presence.prunePresence(ctx.now() - windowMs)
  const sessions = await ctx.auth.pruneExpiredSessions()
  if (presence > 0 || sessions > 0)
    ctx.log.info({ presence, sessions }, 'housekeeping: old history and sessions deleted')
  return { presence, sessions }
}

export function startHousekeeping(ctx: GatewayContext, intervalMs: number): () => void {
  let running = false
  const run = () => {
    if (running) return
    running = true
    runHousekeeping(ctx)
      .catch((error: unknown) => ctx.log.error({ err: error }, 'housekeeping failed'))
      .finally(() => {
        running = false
      })
  }
  const first = setTimeout(run, 0)
  const timer = setInterval(run, intervalMs)
  // Housekeeping never keeps the process alive on its own.
  first.unref()
  timer.unref()
  return () => {
    clearTimeout(first)
    clearInterval(timer)
  }
}
