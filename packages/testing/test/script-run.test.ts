/** runScriptUntil against real `pnpm run` of a throw-away package in a temp folder. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScriptUntil } from '../src/index.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-script-run-'))
  const scripts = {
    // A pipeline like `tsx watch … | pino-pretty`: a background child and a coloured "ready" line.
    up: "sleep 60 & echo $! > sleep.pid; echo starting; printf '\\033[32mready\\033[39m on 1234\\n' | cat; wait",
    early: 'echo only this; echo oops >&2; exit 3',
  }
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'script-run-test', private: true, scripts }))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Running, not a zombie (/proc: the state follows the parenthesised name; a reaper may be slow). */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

describe('runScriptUntil', () => {
  it('returns the first matching line without colour codes, and stop() ends every process of the script', async () => {
    const run = await runScriptUntil({ cwd: dir, script: 'up', until: /ready/ })
    expect(run.line).toBe('ready on 1234')
    expect(run.lines).toEqual(['starting', 'ready on 1234'])
    const sleeper = Number(await readFile(join(dir, 'sleep.pid'), 'utf8'))
    expect(await alive(sleeper)).toBe(true)
    await run.stop()
    await expect.poll(() => alive(sleeper)).toBe(false)
  })

  it('fails with the output when the script exits before the line', async () => {
    await expect(runScriptUntil({ cwd: dir, script: 'early', until: /ready/ })).rejects.toThrow(
      /pnpm run early exited \(\d+\) before a line matching \/ready\/\nstdout:\nonly this\nstderr:\n[\s\S]*oops/,
    )
  })

  it('fails with the output when the line does not come in time', async () => {
    // 5 s: long enough for pnpm to start and print both lines on a busy 2-core machine.
    await expect(runScriptUntil({ cwd: dir, script: 'up', until: /never/, timeoutMs: 5_000 })).rejects.toThrow(
      /pnpm run up no line matching \/never\/ in 5000 ms\nstdout:\nstarting\nready on 1234/,
    )
  })
})
