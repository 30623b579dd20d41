/**
 * `pnpm bench [--quick] [--only a,b] [--profile]`: runs every scenario, Parley beside its
 * baselines, prints `name: value unit (ratio x of baseline)` lines and writes the whole run to
 * bench/results/<timestamp>.json. Never fails on a number: the exit code is 1 only when a
 * scenario could not run at all.
 * @module
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { describeMachine } from './machine.js'
import { formatMetric, type RunReport, saveReport } from './report.js'
import { board } from './scenarios/board.js'
import { fanout, pairs } from './scenarios/chat-throughput.js'
import type { RunContext, Scenario } from './scenarios/context.js'
import { idleMemory } from './scenarios/idle-memory.js'
import { loginStorm } from './scenarios/login-storm.js'
import { media } from './scenarios/media.js'
import { scale } from './scenarios/scale.js'
import { signIns } from './scenarios/signins.js'
import { createRunCerts } from './tls.js'

// The 10,000-connection memory scenario is the longest: last, so the others are saved if it is cut short.
const SCENARIOS: Scenario[] = [fanout, pairs, loginStorm, signIns, board, media, scale, idleMemory]
const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url))

const USAGE = `Usage: pnpm bench [--quick] [--only ${SCENARIOS.map((s) => s.name).join(',')}] [--profile]
  --quick    every scenario scaled down (the whole run in about a minute)
  --only     run only these scenarios (comma-separated)
  --profile  write V8 CPU profiles of the Parley servers (node --cpu-prof) to bench/results/profiles/
  --storage  sqlite (default) or postgres: where the Parley gateway stores (PostgreSQL at DATABASE_URL,
             default postgres://postgres@127.0.0.1:5432/test, in a schema of its own dropped afterwards)`

async function main(): Promise<number> {
  const { values } = parseArgs({
    // pnpm passes a lone `--` through when a script is run with arguments.
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      storage: { type: 'string', default: 'sqlite' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const wanted = values.only?.split(',').map((name) => name.trim()) ?? SCENARIOS.map((s) => s.name)
  const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name))
  if (unknown.length > 0) {
    console.error(`Unknown scenario: ${unknown.join(', ')}\n${USAGE}`)
    return 2
  }

  if (values.storage !== 'sqlite' && values.storage !== 'postgres') {
    console.error(`--storage must be sqlite or postgres\n${USAGE}`)
    return 2
  }
  const startedAt = new Date()
  const tmp = await mkdtemp(join(tmpdir(), 'parley-bench-'))
  const tls = await createRunCerts(tmp)
  const ctx: RunContext = {
    quick: values.quick,
    tmp,
    tls,
    ca: await readFile(tls.caPath, 'utf8'),
    profile: values.profile,
    profileDir: join(RESULTS_DIR, 'profiles'),
    storage: values.storage,
    progress: (line) => console.log(line),
  }
  const machine = describeMachine()
  console.log(
    `Parley bench (${ctx.quick ? 'quick' : 'full'}, ${ctx.storage}) on ${machine.nproc} cores, ${machine.memoryTotalGiB} GiB, node ${machine.node}, load ${JSON.stringify(machine.loadAverageAtStart)}`,
  )
  const report: RunReport = {
    startedAt: startedAt.toISOString(),
    mode: ctx.quick ? 'quick' : 'full',
    storage: ctx.storage,
    machine,
    durationMs: 0,
    scenarios: [],
    failures: [],
  }
  try {
    for (const scenario of SCENARIOS.filter((s) => wanted.includes(s.name))) {
      try {
        const started = Date.now()
        const result = await scenario.run(ctx)
        // Other work on the machine skews every figure: keep how busy it was beside them.
        result.details.loadAverageAfter = loadavg().map((value) => +value.toFixed(2))
        result.details.seconds = (Date.now() - started) / 1000
        report.scenarios.push(result)
        for (const m of result.metrics) console.log(formatMetric(m))
        for (const note of result.notes) console.log(`  note: ${note}`)
        report.durationMs = Date.now() - startedAt.getTime()
        await saveReport(RESULTS_DIR, report)
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
        report.failures.push({ scenario: scenario.name, error: message })
        console.error(`${scenario.name}: FAILED to run: ${message}`)
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
  report.durationMs = Date.now() - startedAt.getTime()
  const file = await saveReport(RESULTS_DIR, report)
  console.log(`\n${report.scenarios.length} scenarios in ${(report.durationMs / 1000).toFixed(1)} s; results: ${file}`)
  return report.failures.length > 0 ? 1 : 0
}

process.exitCode = await main()
