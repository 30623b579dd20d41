/**
 * Strong entity tags from content: `"<base64url sha256 of the bytes>"`.
 *
 * Why a content hash rather than `ino-size-mtime`: a strong validator must change whenever the bytes do
 * (RFC 9110 §8.8.1), and it is what `If-Range` trusts to splice byte ranges together. mtime can be reset
 * (`touch -d`, `cp -p`, rsync, restoring a backup) and has coarse granularity on some file systems, so
 * two different contents can share it; inode numbers also differ between board instances that serve
 * the same files (scale-out), which would make every instance answer with a different tag. A content
 * hash is equal exactly when the bytes are equal, on every instance.
 *
 * Hashing costs one read of the file, so it is done once per file identity (device, inode, size, mtime
 * in ns) and cached; uploads seed the cache with the hash computed while writing. Reads are chunked:
 * no file is ever held in memory whole.
 * @module
 */
import { createHash } from 'node:crypto'
import type { BigIntStats } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'

const CHUNK_BYTES = 256 * 1024

export interface FileIdentity {
  dev: bigint
  ino: bigint
  size: bigint
  mtimeNs: bigint
}

export function identityOf(stats: BigIntStats): FileIdentity {
  return { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeNs: stats.mtimeNs }
}

export function etagFromDigest(digest: Buffer): string {
  return `"${digest.toString('base64url')}"`
}

export interface EtagCache {
  /** The ETag of an open file whose stats are `identity`, hashing its content unless already known. */
  forHandle(handle: FileHandle, identity: FileIdentity): Promise<string>
  /** Records a digest already computed (an upload), so its first request does not read the file again. */
  remember(identity: FileIdentity, digest: Buffer): void
}

interface Entry {
  size: bigint
  mtimeNs: bigint
  etag: Promise<string>
}

async function hashHandle(handle: FileHandle, size: bigint): Promise<{ digest: Buffer; complete: boolean }> {
  const hash = createHash('sha256')
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES)
  let position = 0
  while (BigInt(position) < size) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position)
    if (bytesRead === 0) break // truncated while we read
    hash.update(buffer.subarray(0, bytesRead))
    position += bytesRead
  }
  return { digest: hash.digest(), complete: BigInt(position) === size }
}

/** A bounded cache (oldest entry evicted first); concurrent requests for one file share one hashing pass. */
export function createEtagCache(maxEntries = 4096): EtagCache {
  const entries = new Map<string, Entry>()
  const keyOf = (identity: FileIdentity) => `${identity.dev}:${identity.ino}`

  function put(key: string, entry: Entry): void {
    entries.delete(key)
    entries.set(key, entry)
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
  }

  return {
    forHandle(handle, identity) {
      const key = keyOf(identity)
      const known = entries.get(key)
      if (known && known.size === identity.size && known.mtimeNs === identity.mtimeNs) return known.etag
      const entry: Entry = { size: identity.size, mtimeNs: identity.mtimeNs, etag: Promise.resolve('') }
      const forget = () => {
        if (entries.get(key) === entry) entries.delete(key)
      }
      entry.etag = (async () => {
        const { digest, complete } = await hashHandle(handle, identity.size)
        const after = await handle.stat({ bigint: true })
        // Changed under us: answer with what we read, but do not remember it.
        if (!complete || after.size !== identity.size || after.mtimeNs !== identity.mtimeNs) forget()
        return etagFromDigest(digest)
      })()
      entry.etag.catch(forget)
      put(key, entry)
      return entry.etag
    },
    remember(identity, digest) {
      put(keyOf(identity), {
        size: identity.size,
        mtimeNs: identity.mtimeNs,
        etag: Promise.resolve(etagFromDigest(digest)),
      })
    },
  }
}
