/**
 * The media folder as the board sees it: listing, safe name resolution, standards-conforming serving and
 * uploads. Routes (`GET|HEAD /media/:name`, `GET /media`, `POST /media`) are thin wrappers around this.
 * @module
 */
import { readdir, realpath, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { type MediaKind, mediaTypeForName } from './content-type.js'
import { createEtagCache } from './etag.js'
import { createResolvedNames, isSafeMediaName, resolveInside } from './names.js'
import { type MediaReply, type MediaRequest, openNoFollow, sendMediaFile, sendNotFound } from './send.js'
import { storeUpload } from './upload.js'

export interface MediaFile {
  name: string
  size: number
  mtimeMs: number
  contentType: string
  kind: MediaKind
}

export interface MediaLibrary {
  readonly dir: string
  /**
   * The files the board can play or show (audio, video, images by their extension) directly in the media
   * folder (no dot-files, no symlinks leaving it), sorted by name. Anything else there (a README, notes) is
   * not listed; resolve()/send() still serve it by name, as a download.
   */
  list(): Promise<MediaFile[]>
  /** null for a bad name (.., slashes, encoded slashes, NUL, dot-files), a missing file, a symlink out of the folder. */
  resolve(name: string): Promise<{ path: string; file: MediaFile } | null>
  /**
   * Serves GET/HEAD of one file (Range/If-Range/ETag/Last-Modified/304/412/416), streaming from disk.
   * Sends 404 through the app's not-found handler when resolve() gives null.
   */
  send<R extends MediaReply>(request: MediaRequest, reply: R, name: string): Promise<R>
  /**
   * Stores an upload under a fresh safe name (sanitised stem + random suffix + sniffed extension).
   * Throws ParleyError MediaBadType (not audio/video/image by content, or empty) / MediaTooLarge (the
   * partial file is deleted). Also maps @fastify/multipart's own file size limit to MediaTooLarge.
   */
  store(stream: NodeJS.ReadableStream, clientFileName: string, maxBytes: number): Promise<MediaFile>
  /**
   * Forgets what is remembered about `name` (its resolved path). store() calls it itself; code that
   * deletes, renames or replaces a media file calls it after the change.
   */
  invalidate(name: string): void
}

export interface MediaLibraryOptions {
  /**
   * Cache-Control for served files. Default `private, no-cache`: browsers keep the bytes but revalidate
   * every use (a cheap 304 thanks to the ETag), and shared caches do not store media that may sit behind
   * a login. Use e.g. `public, max-age=0, must-revalidate` when the media are public.
   */
  cacheControl?: string
  /** How many files' content hashes (ETags) to keep in memory. Default 4096. */
  etagCacheEntries?: number
  /**
   * How long a name's resolved path is reused (names.ts `createResolvedNames`), in ms. Default 2000;
   * 0 resolves every request afresh.
   */
  resolvedNameTtlMs?: number
}

const DEFAULT_CACHE_CONTROL = 'private, no-cache'
const DEFAULT_RESOLVED_NAME_TTL_MS = 2000

export function createMediaLibrary(dir: string, options: MediaLibraryOptions = {}): MediaLibrary {
  const etags = createEtagCache(options.etagCacheEntries)
  const cacheControl = options.cacheControl ?? DEFAULT_CACHE_CONTROL
  const resolvedNames = createResolvedNames({
    ttlMs: options.resolvedNameTtlMs ?? DEFAULT_RESOLVED_NAME_TTL_MS,
    maxEntries: options.etagCacheEntries ?? 4096,
  })

  // Resolved per call (listing, uploads, and names not remembered), so a folder re-created or re-pointed
  // while the board runs is honoured; remembered names follow within their lifetime (resolvedNameTtlMs).
  const realDir = () => realpath(dir)

  async function describe(path: string, name: string): Promise<MediaFile> {
    const stats = await stat(path)
    const type = mediaTypeForName(name)
    return { name, size: stats.size, mtimeMs: stats.mtimeMs, contentType: type.contentType, kind: type.kind }
  }

  /**
   * The real path for a name, or null (bad name, missing file, missing media folder); `direct` when the
   * name is the file itself rather than a symlink to another file inside the folder.
   */
  async function resolveName(name: string): Promise<{ path: string; direct: boolean } | null> {
    let base: string
    try {
      base = await realDir()
    } catch {
      return null
    }
    const path = await resolveInside(base, name)
    return path === null ? null : { path, direct: path === join(base, name) }
  }

  async function resolvePath(name: string): Promise<string | null> {
    return (await resolveName(name))?.path ?? null
  }

  async function resolve(name: string): Promise<{ path: string; file: MediaFile } | null> {
    const path = await resolvePath(name)
    if (path === null) return null
    try {
      return { path, file: await describe(path, name) }
    } catch {
      return null // removed in between
    }
  }

  return {
    dir,
    async list() {
      let entries: string[]
      let base: string
      try {
        base = await realDir()
        entries = await readdir(base)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
        throw error
      }
      const files: MediaFile[] = []
      for (const name of entries.filter(isSafeMediaName).sort()) {
        const path = await resolveInside(base, name)
        if (path === null) continue
        const file = await describe(path, name).catch(() => null)
        if (file && file.kind !== 'other') files.push(file)
      }
      return files
    },
    resolve,
    async send(request, reply, name) {
      const remembered = resolvedNames.get(name)
      let handle = remembered === undefined ? null : await openNoFollow(remembered)
      if (handle === null) {
        // Not remembered, or remembered but gone or swapped for a symlink: resolve as if never seen.
        resolvedNames.forget(name)
        const resolved = await resolveName(name)
        if (resolved === null) return sendNotFound(reply)
        handle = await openNoFollow(resolved.path)
        if (handle === null) return sendNotFound(reply)
        // A symlink inside the folder can be re-pointed without touching the file it names: not kept.
        if (resolved.direct) resolvedNames.set(name, resolved.path)
      }
      return sendMediaFile(request, reply, { handle, type: mediaTypeForName(name) }, { etags, cacheControl })
    },
    async store(stream, clientFileName, maxBytes) {
      const stored = await storeUpload({ realDir: await realDir(), source: stream, clientFileName, maxBytes, etags })
      resolvedNames.forget(stored.name)
      return describe(stored.path, stored.name)
    },
    invalidate(name) {
      resolvedNames.forget(name)
    },
  }
}
