/**
 * Waiting for conditions, never for fixed times.
 * @module
 */
import { vi } from 'vitest'

/** Polls `check` until it is true; fails with `describe()` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, describe: () => string, timeoutMs = 20_000) {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`)
    },
    { timeout: timeoutMs, interval: 20 },
  )
}

/** Rejects when `promise` has not settled within `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
