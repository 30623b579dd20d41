/**
 * The files of `public/`, prepared once at start-up for serving: each gets a content-hashed name
 * (`board.css` → `board.3q2c9fKx1a.css`) that can be cached for a year and never revalidated, and a
 * brotli and a gzip copy compressed at the highest levels (too slow per request, nothing at start-up).
 *
 * JavaScript modules import each other by relative name (`./chat-model.js`); those specifiers are
 * rewritten to the hashed names before hashing, so a module's hash covers the modules it loads and a
 * page never mixes two releases' modules.
 *
 * A module may also import a workspace package by name (`from '@parley/chat-client'`), as Node does
 * when tests load it: the package's compiled ES modules (its `dist/`, found with Node's resolution
 * from public/) are served beside public/'s files as `chat-client.<file>.js`, still without a
 * bundler, and the bare name is rewritten to the package's hashed entry like any other import.
 * @module
 */
import { createHash } from 'node:crypto'
import { access, readdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { basename, dirname, extname, join } from 'node:path'
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

// Module specifiers: relative (`from './x.js'`, `import './x.js'`, `import('./x.js')`) or a workspace
// package (`from '@parley/chat-client'`).
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.\/[\w.-]+\.js|@parley\/[\w-]+)\2/g

/** A file to serve: from public/ (`chat.js`) or from a package's compiled modules (`chat-client.index.js`). */
interface Source {
  bytes: Buffer
  /** For a package's module: the prefix of its siblings' names (`chat-client.`). */
  prefix: string
}

/**
 * The compiled ES modules of a workspace package that public/ imports: the package is found as Node
 * would from public/, and its `default` export (not `source`: a page loads JavaScript) names the
 * entry; every `.js` file of the entry's folder (its dist/) is served.
 */
async function packageModules(
  dir: string,
  specifier: string,
): Promise<{ entry: string; prefix: string; files: Map<string, Buffer> }> {
  let entryPath: string
  try {
    const manifestPath = createRequire(join(dir, 'index.js')).resolve(`${specifier}/package.json`)
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'))
    const entry = manifest.exports?.['.']?.default
    if (typeof entry !== 'string') throw new Error(`${specifier} exports no "default" entry`)
    entryPath = join(dirname(manifestPath), entry)
    await access(entryPath)
  } catch (cause) {
    throw new Error(`public/ imports ${specifier}, which cannot be loaded (not built? run pnpm build)`, { cause })
  }
  const prefix = `${specifier.slice(specifier.indexOf('/') + 1)}.`
  const folder = dirname(entryPath)
  const files = new Map<string, Buffer>()
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.js')) {
      files.set(`${prefix}${entry.name}`, await readFile(join(folder, entry.name)))
    }
  }
  return { entry: `${prefix}${basename(entryPath)}`, prefix, files }
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
  const sources = new Map<string, Source>()
  for (const entry of entries) {
    if (entry.isFile() && !entry.name.startsWith('.')) {
      sources.set(entry.name, { bytes: await readFile(join(dir, entry.name)), prefix: '' })
    }
  }
  // Workspace packages imported by name: their modules join the set, and the name maps to the entry.
  const packageEntries = new Map<string, string>()
  for (const source of [...sources.values()]) {
    for (const match of source.bytes.toString('utf8').matchAll(SPECIFIER)) {
      const specifier = match[3] as string
      if (specifier.startsWith('./') || packageEntries.has(specifier)) continue
      const { entry, prefix, files } = await packageModules(dir, specifier)
      packageEntries.set(specifier, entry)
      for (const [name, bytes] of files) {
        if (sources.has(name)) throw new Error(`public/${name} clashes with a module of ${specifier}`)
        sources.set(name, { bytes, prefix })
      }
    }
  }
  /** The asset a specifier in `source` names. */
  const resolve = (source: Source, specifier: string): string => {
    if (specifier.startsWith('./')) return `${source.prefix}${specifier.slice(2)}`
    const entry = packageEntries.get(specifier)
    if (!entry) throw new Error(`a package module imports ${specifier}: only public/ may import packages`)
    return entry
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
      let bytes = source.bytes
      if (extension === '.js') {
        const text = bytes.toString('utf8')
        const hashed = new Map<string, string>()
        for (const match of text.matchAll(SPECIFIER)) {
          const specifier = match[3] as string
          if (hashed.has(specifier)) continue
          hashed.set(specifier, (await prepare(resolve(source, specifier), [...chain, name])).hashedName)
        }
        if (hashed.size) {
          bytes = Buffer.from(
            text.replace(SPECIFIER, (_all, lead: string, quote: string, specifier: string) => {
              return `${lead}${quote}./${hashed.get(specifier) ?? specifier}${quote}`
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
