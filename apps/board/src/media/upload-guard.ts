/**
 * What an upload may take before it starts (issue 14, item 11): at most `perHour` uploads per user an
 * hour, at most `quotaBytes` kept per user, and never the disk's last `reserveBytes` (so SQLite, on the
 * same disk, never meets a full one). `admit` answers the most bytes this upload may write; `explain`
 * turns "too large" into the limit that was really hit.
 * @module
 */
import { statfs } from 'node:fs/promises'
import { ErrorCode, ParleyError } from '@parley/protocol'
import type { Storage } from '@parley/storage'

export interface UploadPolicy {
  /** Bytes of uploads one user may keep (UPLOAD_QUOTA_BYTES). */
  quotaBytes: number
  /** Uploads one user may make in an hour (UPLOAD_RATE_PER_HOUR). */
  perHour: number
  /** Free bytes the media disk keeps (UPLOAD_RESERVE_BYTES). */
  reserveBytes: number
}

export interface Admission {
  /** The most bytes this upload may write. */
  maxBytes: number
  /** Which limit `maxBytes` is. */
  limit: 'size' | 'quota' | 'space'
}

const HOUR_MS = 3_600_000

/** Bytes available to this process on the file system holding `dir`. */
export async function freeBytesOf(dir: string): Promise<number> {
  const info = await statfs(dir)
  return info.bavail * info.bsize
}

function noSpace(): ParleyError {
  return new ParleyError(ErrorCode.MediaNoSpace, 'The server is nearly out of disk space: uploads are paused.')
}

function quotaExceeded(policy: UploadPolicy, usedBytes: number): ParleyError {
  return new ParleyError(
    ErrorCode.MediaQuotaExceeded,
    `This upload would pass your storage quota of ${policy.quotaBytes} bytes (${usedBytes} used): delete some of your files first.`,
    { quotaBytes: policy.quotaBytes, usedBytes },
  )
}

export function createUploadGuard(deps: {
  storage: Storage
  policy: UploadPolicy
  now: () => number
  mediaDir: string
  /** The free-space probe (tests replace it). */
  freeBytes?: (dir: string) => Promise<number>
}) {
  const { storage, policy, now, mediaDir } = deps
  const freeBytes = deps.freeBytes ?? freeBytesOf

  async function admit(userId: number, maxUploadBytes: number): Promise<Admission & { usedBytes: number }> {
    const usage = await storage.uploads.usage(userId, now() - HOUR_MS)
    if (usage.recent >= policy.perHour) {
      throw new ParleyError(ErrorCode.RateLimited, `At most ${policy.perHour} uploads an hour: try again later.`, {
        perHour: policy.perHour,
      })
    }
    const quotaLeft = policy.quotaBytes - usage.bytes
    if (quotaLeft <= 0) throw quotaExceeded(policy, usage.bytes)
    const spaceLeft = (await freeBytes(mediaDir)) - policy.reserveBytes
    if (spaceLeft <= 0) throw noSpace()
    const limits: Admission[] = [
      { maxBytes: maxUploadBytes, limit: 'size' },
      { maxBytes: quotaLeft, limit: 'quota' },
      { maxBytes: spaceLeft, limit: 'space' },
    ]
    const tightest = limits.reduce((a, b) => (b.maxBytes < a.maxBytes ? b : a))
    return { ...tightest, usedBytes: usage.bytes }
  }

  /** A MediaTooLarge from the store, said as the limit that was really reached. */
  function explain(error: unknown, admission: Admission & { usedBytes: number }): unknown {
    if (!(error instanceof ParleyError) || error.code !== ErrorCode.MediaTooLarge) return error
    if (admission.limit === 'quota') return quotaExceeded(policy, admission.usedBytes)
    if (admission.limit === 'space') return noSpace()
    return error
  }

  return { admit, explain }
}
