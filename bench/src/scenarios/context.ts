/**
 * What every scenario gets: the run's size (quick or full), its temp folder and certificates, and
 * a way to print progress.
 * @module
 */
import type { ScenarioResult } from '../report.js'
import type { TlsFiles } from '../tls.js'

export interface RunContext {
  quick: boolean
  /** A temp folder for this run, removed at the end. */
  tmp: string
  tls: TlsFiles
  /** The run's CA certificate (PEM) for clients. */
  ca: string
  /** Extra node flags for the Parley server processes (`--cpu-prof`). */
  profile: boolean
  profileDir: string
  /** Where the Parley gateway stores (`--storage`): SQLite by default. */
  storage: 'sqlite' | 'postgres'
  progress(line: string): void
}

export interface Scenario {
  name: string
  run(ctx: RunContext): Promise<ScenarioResult>
}

/** Picks the quick or the full value. */
export function size<T>(ctx: RunContext, quick: T, full: T): T {
  return ctx.quick ? quick : full
}
