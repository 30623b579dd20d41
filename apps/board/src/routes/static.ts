/**
 * `GET|HEAD /static/:file`: the prepared files of public/ (assets/build.ts), from memory.
 *
 * A content-hashed name (what pages link to) is cached for a year as immutable: its bytes can never
 * change under that name. The plain name still works (bookmarks, old pages, tools) with an hour's
 * caching and revalidation, as before. Each answer picks brotli, else gzip, else the plain bytes from
 * Accept-Encoding, says so in Vary, and carries a strong ETag per coding, so If-None-Match gets a 304.
 * Nothing here touches the file system: a name that is not a prepared file is a 404.
 * @module
 */
import { Type } from 'typebox'
import type { Asset, AssetSet, Encoding } from '../assets/build.js'
import type { AnyReply, BoardPlugin } from '../http/types.js'

export interface StaticRoutesOptions {
  assets: AssetSet
}

export const IMMUTABLE = 'public, max-age=31536000, immutable'
export const REVALIDATE = 'public, max-age=3600'

/** The board's icon in public/, linked from every page and also served at /favicon.ico. */
export const FAVICON = 'favicon.svg'

const StaticParams = Type.Object({ file: Type.String({ maxLength: 256 }) })

/** The coding to send: brotli, then gzip, when the client accepts it (q > 0) and we have it. */
export function chooseEncoding(acceptEncoding: string | undefined, asset: Asset): Encoding | null {
  if (!acceptEncoding) return null
  const accepted = new Set<string>()
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [coding, ...params] = part.trim().split(';')
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='))
    if (coding && !(q && Number(q.slice(2)) === 0)) accepted.add(coding.trim())
  }
  for (const coding of ['br', 'gzip'] as const) {
    if (asset.encoded[coding] && (accepted.has(coding) || accepted.has('*'))) return coding
  }
  return null
}

/** A request header as one string (repeated headers joined), or undefined. */
function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true
  // Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x".
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

export const staticRoutes: BoardPlugin<StaticRoutesOptions> = async (app, { assets }) => {
  function send(
    reply: AnyReply,
    asset: Asset,
    immutable: boolean,
    acceptEncoding: string | undefined,
    ifNoneMatch: string | undefined,
    head: boolean,
  ) {
    const encoding = chooseEncoding(acceptEncoding, asset)
    const etag = `"${asset.hash}${encoding ? `-${encoding}` : ''}"`
    reply.header('cache-control', immutable ? IMMUTABLE : REVALIDATE)
    reply.header('vary', 'accept-encoding')
    reply.header('etag', etag)
    if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, etag)) return reply.code(304).send()
    const bytes = encoding ? (asset.encoded[encoding] as Buffer) : asset.identity
    reply.header('content-type', asset.contentType)
    if (encoding) reply.header('content-encoding', encoding)
    reply.header('content-length', String(bytes.length))
    return reply.send(head ? '' : bytes)
  }

  // Browsers ask for /favicon.ico on their own (for pages without an icon link, media opened directly):
  // the board's icon (public/favicon.svg) answers there too, so no page logs a 404.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/favicon.ico',
    handler: async (request, reply) => {
      const asset = assets.get(FAVICON)
      if (!asset) return reply.callNotFound()
      const header = (name: string) => headerOf(request.headers, name)
      return send(reply, asset, false, header('accept-encoding'), header('if-none-match'), request.method === 'HEAD')
    },
  })

  app.route({
    method: ['GET', 'HEAD'],
    url: '/static/:file',
    schema: { params: StaticParams },
    handler: async (request, reply) => {
      const file = request.params.file
      const asset = assets.get(file)
      if (!asset) return reply.callNotFound()
      const header = (name: string) => headerOf(request.headers, name)
      return send(
        reply,
        asset,
        file === asset.hashedName,
        header('accept-encoding'),
        header('if-none-match'),
        request.method === 'HEAD',
      )
    },
  })
}
