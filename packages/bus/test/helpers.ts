/** Waiting on conditions (never fixed sleeps) and collecting what handlers receive. */
import { vi } from 'vitest'
import type { BusHandler } from '../src/index.js'

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await vi.waitFor(
    () => {
      if (!condition()) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    },
    { timeout: timeoutMs, interval: 5 },
  )
}

export interface Inbox {
  readonly messages: unknown[]
  readonly handler: BusHandler
  /** Resolves once at least `count` messages arrived. */
  waitForCount(count: number, timeoutMs?: number): Promise<void>
}

export function inbox(label = 'inbox'): Inbox {
  const messages: unknown[] = []
  return {
    messages,
    handler: (message) => {
      messages.push(message)
    },
    waitForCount: (count, timeoutMs) =>
      waitFor(() => messages.length >= count, `${count} message(s) in ${label} (got ${messages.length})`, timeoutMs),
  }
}

/** A logger that keeps what it was told, to assert on log objects. */
export function recordingLogger() {
  const entries: { level: string; object: object; message: string }[] = []
  const at =
    (level: string) =>
    (object: object, message: string): void => {
      entries.push({ level, object, message })
    }
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

let counter = 0
/** Unique per process and run, so parallel runs on one Redis never hear each other. */
export function uniquePrefix(): string {
  return `parley-test:${process.pid}-${Date.now().toString(36)}-${++counter}:`
}
