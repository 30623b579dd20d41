/**
 * Results: each Parley figure with its baselines, printed as
 * `name: value unit (ratio x of baseline value)` and saved whole as JSON under bench/results/.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface Comparison {
  /** The baseline's name as printed ("bare ws", "Socket.IO", "nginx"). */
  baseline: string
  value: number
  /** Parley ÷ baseline. */
  ratio: number
}

export interface Target {
  /** What is compared: the ratio against `baseline`, or the absolute value. */
  baseline?: string
  /** Met when ratio (or value) >= min / <= max. */
  min?: number
  max?: number
  /** Better than the baseline: ratio > 1 for higher-is-better, < 1 for lower-is-better. */
  ahead?: boolean
  met: boolean
  text: string
}

export interface Metric {
  name: string
  value: number
  unit: string
  higherIsBetter: boolean
  comparisons: Comparison[]
  target?: Target
}

export interface ScenarioResult {
  scenario: string
  title: string
  metrics: Metric[]
  /** CPU of every process involved (% of one core), raw numbers and settings. */
  details: Record<string, unknown>
  notes: string[]
}

export function metric(
  name: string,
  value: number,
  unit: string,
  higherIsBetter: boolean,
  baselines: Record<string, number>,
): Metric {
  const comparisons = Object.entries(baselines).map(([baseline, base]) => ({
    baseline,
    value: base,
    ratio: base === 0 ? Number.NaN : value / base,
  }))
  return { name, value, unit, higherIsBetter, comparisons }
}

/** Attaches a target: ratio vs `baseline` at least `min` (or at most `max`), or ahead of it. */
export function withTarget(
  m: Metric,
  target: { baseline: string; min?: number; max?: number; ahead?: boolean },
): Metric {
  const comparison = m.comparisons.find((c) => c.baseline === target.baseline)
  const ratio = comparison?.ratio ?? Number.NaN
  let met = Number.isFinite(ratio)
  const parts: string[] = []
  if (target.min !== undefined) {
    met &&= ratio >= target.min
    parts.push(`>= ${target.min}x ${target.baseline}`)
  }
  if (target.max !== undefined) {
    met &&= ratio <= target.max
    parts.push(`<= ${target.max}x ${target.baseline}`)
  }
  if (target.ahead) {
    met &&= m.higherIsBetter ? ratio > 1 : ratio < 1
    parts.push(`ahead of ${target.baseline}`)
  }
  return { ...m, target: { ...target, met, text: parts.join(', ') } }
}

/** Adds a second condition to a metric's target (both must hold). */
export function andTarget(
  m: Metric,
  target: { baseline: string; min?: number; max?: number; ahead?: boolean },
): Metric {
  const first = m.target
  const second = withTarget(m, target).target!
  if (!first) return { ...m, target: second }
  return { ...m, target: { ...first, met: first.met && second.met, text: `${first.text}; ${second.text}` } }
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  const abs = Math.abs(value)
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 3
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })
}

export function formatMetric(m: Metric): string {
  const ratios = m.comparisons
    .map((c) => `${Number.isFinite(c.ratio) ? c.ratio.toFixed(2) : 'n/a'}x of ${c.baseline} ${formatNumber(c.value)}`)
    .join('; ')
  const target = m.target ? ` [target ${m.target.text}: ${m.target.met ? 'met' : 'MISSED'}]` : ''
  return `${m.name}: ${formatNumber(m.value)} ${m.unit}${ratios ? ` (${ratios})` : ''}${target}`
}

export interface RunReport {
  startedAt: string
  mode: 'quick' | 'full'
  /** Where the Parley gateway stored (`--storage`). */
  storage?: 'sqlite' | 'postgres'
  machine: Record<string, unknown>
  durationMs: number
  scenarios: ScenarioResult[]
  failures: { scenario: string; error: string }[]
}

export async function saveReport(dir: string, report: RunReport): Promise<string> {
  await mkdir(dir, { recursive: true })
  const file = join(dir, `${report.startedAt.replace(/[:.]/g, '-')}${report.mode === 'quick' ? '-quick' : ''}.json`)
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)
  return file
}
