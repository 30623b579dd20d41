/**
 * Temporary folders that a test removes when done.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TempDir {
  readonly path: string
  remove(): Promise<void>
}

export async function tempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `parley-e2e-${prefix}-`))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}
