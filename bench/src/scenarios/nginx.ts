/**
 * The media baseline when `nginx` is installed: one worker process (Parley's board is one Node
 * process) serving the same media folder over TLS with the run's certificate, sendfile on, no
 * access log, HTTP/2 offered by ALPN (HTTP/1.1 clients are served as before). Optionally a fixed
 * HTML file at `/` (the board page, for the h2load row). Its CPU is read from /proc, since it cannot
 * report it itself.
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { basename, dirname, join } from 'node:path'
import { sleep } from '../stats.js'
import type { TlsFiles } from '../tls.js'

export function nginxVersion(): string | null {
  try {
    return execFileSync('sh', ['-c', 'nginx -v 2>&1'], { encoding: 'utf8' }).trim()
  } catch {
    return null
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function accepting(port: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1')
  try {
    await Promise.race([once(socket, 'connect'), once(socket, 'error').then(() => Promise.reject())])
    return true
  } catch {
    return false
  } finally {
    socket.destroy()
  }
}

/** utime + stime of a process and its children (the worker), in clock ticks (1/100 s on Linux). */
async function cpuTicks(pid: number): Promise<number> {
  const pids = [pid]
  try {
    const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')
    pids.push(...children.trim().split(/\s+/).filter(Boolean).map(Number))
  } catch {
    // no children file: count the master only
  }
  let ticks = 0
  for (const id of pids) {
    try {
      const fields = (await readFile(`/proc/${id}/stat`, 'utf8')).split(') ')[1]!.split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // gone
    }
  }
  return ticks
}

export interface Nginx {
  port: number
  mark(): Promise<void>
  /** CPU since mark, % of one core. */
  cpuPercent(): Promise<number>
  stop(): Promise<void>
}

export interface NginxOptions {
  /** An HTML file served at `/` (the board page Parley rendered). */
  pageFile?: string
}

export async function startNginx(
  dir: string,
  tls: TlsFiles,
  mediaDir: string,
  options: NginxOptions = {},
): Promise<Nginx> {
  await mkdir(join(dir, 'logs'), { recursive: true })
  const port = await freePort()
  const conf = join(dir, 'nginx.conf')
  const temp = (name: string) => `${name}_temp_path ${join(dir, name)};`
  await writeFile(
    conf,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'logs', 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  types { video/mp4 mp4; text/html html; }
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port} ssl http2;
    ssl_certificate ${tls.certPath};
    ssl_certificate_key ${tls.keyPath};
    ssl_protocols TLSv1.2 TLSv1.3;
    location /media/ { alias ${mediaDir}/; }
${options.pageFile ? `    location = / { default_type text/html; root ${dirname(options.pageFile)}; try_files /${basename(options.pageFile)} =404; }\n` : ''}  }
}
`,
  )
  const proc: ChildProcess = spawn('nginx', ['-p', dir, '-c', conf], { stdio: ['ignore', 'inherit', 'inherit'] })
  const deadline = Date.now() + 10_000
  while (!(await accepting(port))) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not start (see ${dir}/logs)`)
    await sleep(50)
  }
  let ticks = 0
  let at = performance.now()
  return {
    port,
    async mark() {
      ticks = await cpuTicks(proc.pid!)
      at = performance.now()
    },
    async cpuPercent() {
      const used = (await cpuTicks(proc.pid!)) - ticks
      return ((used * 10) / (performance.now() - at)) * 100
    },
    async stop() {
      if (proc.exitCode !== null) return
      proc.kill('SIGQUIT')
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000)
      await once(proc, 'exit')
      clearTimeout(timer)
    },
  }
}
