/**
 * A browser-like HTTPS/1.1 client for the real board on a real TLS socket: keeps cookies, sends
 * same-origin headers and CSRF tokens like a browser posting a form, and keeps every response (head
 * and body) so tests can search them for secrets.
 * @module
 */
import { request as httpsRequest } from 'node:https'

export interface BoardResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** The value of the first `_csrf` hidden field of a page. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html)
  if (!match?.[1]) throw new Error('no CSRF token on the page')
  return match[1]
}

export class BoardClient {
  readonly origin: string
  readonly ca: Buffer
  readonly cookies = new Map<string, string>()
  /** Every response this client received, raw head and body. */
  readonly transcript: string[] = []

  constructor(origin: string, ca: Buffer) {
    this.origin = origin
    this.ca = ca
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  request(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<BoardResponse> {
    const url = new URL(path, this.origin)
    const all: Record<string, string> = { ...headers }
    if (this.cookies.size > 0 && all.cookie === undefined) all.cookie = this.cookieHeader()
    if (body !== undefined) all['content-length'] = String(Buffer.byteLength(body))
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        url,
        { method, headers: all, ca: this.ca, servername: 'localhost', agent: false },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            this.transcript.push(`${res.statusCode} ${JSON.stringify(res.headers)}\n${text}`)
            this.#keepCookies(res.headers['set-cookie'])
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text })
          })
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  }

  #keepCookies(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attributes.some((a) => {
        const [key = '', val = ''] = a.trim().split('=')
        if (key.toLowerCase() === 'max-age') return Number(val) <= 0
        if (key.toLowerCase() === 'expires') return new Date(val).getTime() <= Date.now()
        return false
      })
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  get(path: string, headers: Record<string, string> = {}): Promise<BoardResponse> {
    return this.request('GET', path, headers)
  }

  /** A same-origin form post, as a browser sends it. */
  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<BoardResponse> {
    return this.request(
      'POST',
      path,
      {
        'content-type': 'application/x-www-form-urlencoded',
        origin: this.origin,
        'sec-fetch-site': 'same-origin',
        ...headers,
      },
      new URLSearchParams(form).toString(),
    )
  }

  /** A CSRF token from `page` (following the redirects a signed-in user gets). */
  async csrfToken(page: string): Promise<string> {
    let response = await this.get(page)
    for (let hops = 0; response.status === 303 && hops < 3; hops++) {
      response = await this.get(String(response.headers.location))
    }
    return csrfOf(response.body)
  }

  async submit(page: string, path: string, form: Record<string, string>): Promise<BoardResponse> {
    return this.post(path, { _csrf: await this.csrfToken(page), ...form })
  }

  async register(username: string, password: string): Promise<BoardResponse> {
    const response = await this.submit('/register', '/register', { username, password })
    if (response.status !== 303) throw new Error(`register failed: ${response.status} ${response.body.slice(0, 500)}`)
    return response
  }

  async login(username: string, password: string): Promise<BoardResponse> {
    return this.submit('/login', '/login', { username, password })
  }

  async logout(): Promise<BoardResponse> {
    return this.submit('/', '/logout', {})
  }

  async createPost(body: string): Promise<BoardResponse> {
    return this.submit('/', '/posts', { body })
  }

  get sessionToken(): string | undefined {
    return this.cookies.get('__Host-parley')
  }
}
