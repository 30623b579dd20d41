import type { Terminal } from './command.js'

/** Reads one line from a TTY in raw mode, echoing nothing. */
function readHidden(question: string): Promise<string | null> {
  const { stdin, stderr } = process
  if (!stdin.isTTY) return Promise.resolve(null)
  return new Promise((resolve, reject) => {
    let value = ''
    const finish = (result: string | null, error?: Error) => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      stderr.write('\n')
      if (error) reject(error)
      else resolve(result)
    }
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish(value)
        if (char === '\u0003') return finish(null, new Error('cancelled'))
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('')
        else value += char
      }
    }
    // Echo goes off before the prompt appears: a user (or a script) typing at the prompt must never
    // have the terminal echo the first characters.
    stdin.setRawMode(true)
    stderr.write(question)
    stdin.resume()
    stdin.on('data', onData)
  })
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export const processTerminal: Terminal = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin: readAll,
  promptSecret: readHidden,
}
