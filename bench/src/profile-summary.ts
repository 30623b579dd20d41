/**
 * `pnpm --filter bench profile-summary <file.cpuprofile>`: the functions and packages that used
 * the most CPU in a V8 profile written by `pnpm bench --profile` (node --cpu-prof), as text, for
 * finding why a target was missed without a flame-graph viewer.
 * @module
 */
import { readFile } from 'node:fs/promises'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

function packageOf(url: string): string {
  if (!url) return '(native/idle)'
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pnpm) return pnpm[1]!
  const workspace =
    /\/work\/[^/]+\/((?:apps|packages|bench)\/[^/]+)/.exec(url) ?? /\/((?:apps|packages)\/[^/]+)\//.exec(url)
  if (workspace) return workspace[1]!
  if (url.startsWith('node:')) return url
  return url.replace(/^file:\/\//, '')
}

async function main(): Promise<void> {
  const [file, limitText] = process.argv.slice(2)
  if (!file) {
    console.error('Usage: profile-summary <file.cpuprofile> [top N]')
    process.exitCode = 2
    return
  }
  const limit = Number(limitText ?? 25)
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfUs = new Map<number, number>()
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  })
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0)
  const byFunction = new Map<string, number>()
  const byPackage = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame
    const where = frame.url ? `${packageOf(frame.url)}:${frame.url.split('/').pop()}:${frame.lineNumber + 1}` : ''
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim()
    byFunction.set(key, (byFunction.get(key) ?? 0) + us)
    const pkg = frame.url ? packageOf(frame.url) : frame.functionName
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us)
  }
  const show = (title: string, map: Map<string, number>) => {
    console.log(`\n${title}`)
    for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
      console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`)
    }
  }
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`)
  show('Self time by package', byPackage)
  show('Self time by function', byFunction)
}

await main()
