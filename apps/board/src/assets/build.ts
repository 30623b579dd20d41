/**
 * The files of `public/`, prepared once at start-up for serving: each gets a content-hashed name
 * (`board.css` → `board.3q2c9fKx1a.css`) that can be cached for a year and never revalidated, and a
 * brotli and a gzip copy compressed at the highest levels (too slow per request, nothing at start-up).
 *
 * JavaScript modules import each other by relative name (`./chat-model.js`); those specifiers are
 * rewritten to the hashed names before hashing, so a module's hash covers the modules it loads and a
 * page never mixes two releases' modules.
 * @module
 */
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'

const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
}

export type Encoding = 'br' | 'gzip'

export interface Asset {
  /** The file's name in public/ (`chat.js`). */
  name: string
  /** Its content-hashed name (`chat.<hash>.js`). */
  hashedName: string
  contentType: string
  /** Strong validator of the identity bytes; encoded copies append their coding. */
  hash: string
  identity: Buffer
  /** Only the codings that came out smaller than the identity bytes. */
  encoded: Partial<Record<Encoding, Buffer>>
}

export interface AssetSet {
  /** By plain name and by hashed name. */
  get(name: string): Asset | undefined
  /** `/static/<hashed name>` for a file of public/; throws for a file that does not exist (a typo in a template). */
  url(name: string): string
}

// Relative module specifiers: `from './x.js'`, `import './x.js'`, `import('./x.js')`.
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(?\s*)(['"])\.\/([\w.-]+\.js)\2/g

function dependenciesOf(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((match) => match[3] as string)
}

async function compress(bytes: Buffer, contentType: string): Promise<Partial<Record<Encoding, Buffer>>> {
  const text = contentType.startsWith('text/') || contentType.includes('svg')
  const [br, gz] = await Promise.all([
    brotli(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: text ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
    gzipAsync(bytes, { level: constants.Z_BEST_COMPRESSION }),
  ])
  const encoded: Partial<Record<Encoding, Buffer>> = {}
  if (br.length < bytes.length) encoded.br = br
  if (gz.length < bytes.length) encoded.gzip = gz
  return encoded
}

/** Reads and prepares every regular, non-hidden file directly in `dir`. */
export async function buildAssets(dir: string): Promise<AssetSet> {
  const entries = await readdir(dir, { withFileTypes: true })
  const sources = new Map<string, Buffer>()
  for (const entry of entries) {
    if (entry.isFile() && !entry.name.startsWith('.')) sources.set(entry.name, await readFile(join(dir, entry.name)))
  }

  const byName = new Map<string, Asset>()
  const pending = new Map<string, Promise<Asset>>()

  function prepare(name: string, chain: readonly string[]): Promise<Asset> {
    // Checked first: inside a cycle the pending promise would wait on itself for ever.
    if (chain.includes(name)) throw new Error(`public/: import cycle ${[...chain, name].join(' → ')}`)
    const known = pending.get(name)
    if (known) return known
    const promise = (async () => {
      const source = sources.get(name)
      if (!source) throw new Error(`public/${chain.at(-1)} imports ./${name}, which does not exist`)
      const extension = extname(name)
      let bytes = source
      if (extension === '.js') {
        const text = source.toString('utf8')
        const hashed = new Map<string, string>()
        for (const dependency of new Set(dependenciesOf(text))) {
          hashed.set(dependency, (await prepare(dependency, [...chain, name])).hashedName)
        }
        if (hashed.size) {
          bytes = Buffer.from(
            text.replace(SPECIFIER, (_all, lead: string, quote: string, dependency: string) => {
              return `${lead}${quote}./${hashed.get(dependency) ?? dependency}${quote}`
            }),
          )
        }
      }
      const hash = createHash('sha256').update(bytes).digest('base64url').slice(0, 16)
      const stem = name.slice(0, name.length - extension.length)
      const contentType = CONTENT_TYPES[extension] ?? 'application/octet-stream'
      return {
        name,
        hashedName: `${stem}.${hash}${extension}`,
        contentType,
        hash,
        identity: bytes,
        encoded: await compress(bytes, contentType),
      }
    })()
    pending.set(name, promise)
    return promise
  }

  for (const asset of await Promise.all([...sources.keys()].map((name) => prepare(name, [])))) {
    byName.set(asset.name, asset)
    byName.set(asset.hashedName, asset)
  }

  return {
    get: (name) => byName.get(name),
    url(name) {
      const asset = byName.get(name)
      if (!asset || asset.name !== name) throw new Error(`no file public/${name}`)
      return `/static/${asset.hashedName}`
    },
  }
}
