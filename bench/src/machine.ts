/**
 * The machine a run happened on, saved with its results: a figure means little without it.
 * @module
 */
import { execFileSync } from 'node:child_process'
import { cpus, freemem, loadavg, totalmem } from 'node:os'

function tryRun(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

export function describeMachine(): Record<string, unknown> {
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    nproc: tryRun('nproc', []) ?? String(cpus().length),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryTotalGiB: +(totalmem() / 2 ** 30).toFixed(1),
    memoryFreeGiB: +(freemem() / 2 ** 30).toFixed(1),
    freeH: tryRun('free', ['-h']),
    loadAverageAtStart: loadavg().map((value) => +value.toFixed(2)),
    nginx: tryRun('nginx', ['-v']) === null ? null : (tryRun('sh', ['-c', 'nginx -v 2>&1']) ?? 'installed'),
    openFileLimit: tryRun('sh', ['-c', 'ulimit -Hn']),
  }
}
