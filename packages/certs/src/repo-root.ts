import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** The nearest folder at or above `start` holding pnpm-workspace.yaml, or null outside the repository. */
export function findRepoRoot(start: string): string | null {
  let dir = resolve(start)
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir
    const parent = dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}
