/** Two real processes on one Redis: what two gateways or two boards on different machines do. */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, it } from 'vitest'
import type { Bus } from '../src/index.js'
import { inbox, uniquePrefix, waitFor } from './helpers.js'
import { openTestRedisBus, redisUrl } from './redis-env.js'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const opened: Bus[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((bus) => bus.close()))
})

it('exchanges messages with a bus in another process, which then exits cleanly on close', async () => {
  const prefix = uniquePrefix()
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join('test', 'fixtures', 'echo-instance.ts'), redisUrl, prefix],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const exited = once(child, 'exit')
  try {
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    const lines: string[] = []
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line))
    let exitCode: number | null | undefined
    void exited.then(([code]) => {
      exitCode = code as number | null
    })
    await waitFor(
      () => {
        if (exitCode !== undefined) throw new Error(`echo process exited (${exitCode}) early; stderr:\n${stderr}`)
        return lines.includes('ready')
      },
      'the echo process to subscribe',
      30_000,
    )

    const bus = await openTestRedisBus(prefix)
    opened.push(bus)
    const pongs = inbox('pongs')
    await bus.subscribe('echo:pong', pongs.handler)
    for (let n = 1; n <= 50; n++) await bus.publish('echo:ping', { n })
    await pongs.waitForCount(50)
    expect(pongs.messages).toEqual(Array.from({ length: 50 }, (_, i) => ({ n: i + 1, pid: child.pid })))

    await bus.publish('echo:stop', {})
    const [code] = await exited
    expect(code, stderr).toBe(0)
    expect(lines).toEqual(['ready', 'closed'])
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
})
