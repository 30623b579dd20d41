import type { ProcessMetrics } from '../metrics.js'

export function handlers(_metrics: ProcessMetrics) {
  return {}
}
