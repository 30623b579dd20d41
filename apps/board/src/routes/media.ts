/**
 * Media pages: `/media` lists the files of the media folder with players, `GET|HEAD /media/:name`
 * streams one (Range, validators: see src/media/), `POST /media` stores an upload.
 *
 * Listening and playing are public, as on the original board (links to a clip work for anyone);
 * uploading needs a signed-in user and a CSRF token. The upload is streamed: the token must come
 * before the file (the form puts its hidden field first) or in the `x-csrf-token` header, so nothing
 * is written to disk for a request that fails the check.
 * @module
 */
import { unlink } from 'node:fs/promises'
import multipart from '@fastify/multipart'
import { ErrorCode, isParleyError, ParleyError } from '@parley/protocol'
import type { Storage } from '@parley/storage'
import { Type } from 'typebox'
import { httpStatusOf } from '../http/error-status.js'
import type { AnyReply, AnyRequest, BoardPlugin } from '../http/types.js'
import type { MediaFile, MediaLibrary } from '../media/index.js'
import { createUploadGuard, type UploadPolicy } from '../media/upload-guard.js'
import { CSRF_FIELD, CSRF_HEADER, csrfRejected } from '../plugins/csrf.js'
import { requireUser } from '../plugins/session.js'

export interface MediaRoutesOptions {
  library: MediaLibrary
  maxUploadBytes: number
  storage: Storage
  now: () => number
  uploadPolicy: UploadPolicy
  freeBytes?: (dir: string) => Promise<number>
}

const MediaParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 1024 }) })
const MediaQuery = Type.Object({ uploaded: Type.Optional(Type.String({ maxLength: 1024 })) })

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}

export const mediaRoutes: BoardPlugin<MediaRoutesOptions> = async (app, options) => {
  const { library, maxUploadBytes, storage, now } = options
  const guard = createUploadGuard({
    storage,
    now,
    policy: options.uploadPolicy,
    mediaDir: library.dir,
    ...(options.freeBytes ? { freeBytes: options.freeBytes } : {}),
  })
  // headerSize (busboy's, missing from @fastify/multipart's types): a part's headers are cut at 1 KiB,
  // so a client file name cannot be the default 80 KiB long.
  const limits = { fileSize: maxUploadBytes, files: 1, fields: 4, fieldSize: 1024, parts: 6, headerSize: 1024 }
  await app.register(multipart, { limits })

  async function renderList(
    request: AnyRequest,
    reply: AnyReply,
    options: { uploaded?: MediaFile | null; error?: string; status?: number } = {},
  ) {
    const [files, uploads] = await Promise.all([library.list(), storage.uploads.list()])
    const uploaderOf = new Map(uploads.map((upload) => [upload.name, upload.uploaderId]))
    const user = request.user
    return reply.code(options.status ?? 200).view('media', {
      title: 'Media',
      files: files.map((file) => ({
        ...file,
        sizeText: formatBytes(file.size),
        href: `/media/${encodeURIComponent(file.name)}`,
        // The uploader deletes their own files; an admin any file.
        canDelete: user !== null && (user.role === 'admin' || uploaderOf.get(file.name) === user.id),
        deleteAction: `/media/${encodeURIComponent(file.name)}/delete`,
        // Pictures, clips and sounds can be shown inside a post: the board's form opens with it chosen.
        postHref: file.kind === 'other' ? null : `/?attach=${encodeURIComponent(file.name)}#post-body`,
      })),
      uploaded: options.uploaded ?? null,
      error: options.error ?? null,
      maxUploadText: formatBytes(maxUploadBytes),
    })
  }

  app.get('/media', { schema: { querystring: MediaQuery } }, async (request, reply) => {
    const name = request.query.uploaded
    const uploaded = name ? ((await library.resolve(name))?.file ?? null) : null
    return renderList(request, reply, { uploaded })
  })

  app.route({
    method: ['GET', 'HEAD'],
    url: '/media/:name',
    schema: { params: MediaParams },
    handler: async (request, reply) => library.send(request, reply, request.params.name),
  })

  /** Deletes a media file by name (resolved inside the folder, never joined raw) and forgets it. */
  async function removeFile(name: string): Promise<void> {
    const found = await library.resolve(name)
    if (!found) return
    await unlink(found.path)
    library.invalidate(name)
  }

  /** Reads the multipart parts in order: the CSRF field first, then the one file, which is stored. */
  async function receiveUpload(request: AnyRequest, maxBytes: number): Promise<MediaFile | null> {
    let csrfOk = app.verifyCsrf(request, request.headers[CSRF_HEADER])
    let stored: MediaFile | null = null
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === CSRF_FIELD && !csrfOk) csrfOk = app.verifyCsrf(request, part.value)
        continue
      }
      if (!csrfOk) {
        part.file.resume()
        throw csrfRejected()
      }
      if (stored || part.filename === '') {
        part.file.resume() // an empty file input, or a second file: not stored
        continue
      }
      stored = await library.store(part.file, part.filename, maxBytes)
    }
    if (!csrfOk) throw csrfRejected()
    return stored
  }

  /** Refusals shown on the page next to the upload field, with their status. */
  const SHOWN_REFUSALS: ReadonlySet<string> = new Set([
    ErrorCode.MediaTooLarge,
    ErrorCode.MediaBadType,
    ErrorCode.MediaQuotaExceeded,
    ErrorCode.MediaNoSpace,
    ErrorCode.RateLimited,
  ])

  app.post('/media', { config: { csrf: 'manual' } }, async (request, reply) => {
    const user = requireUser(request)
    if (!request.isMultipart()) {
      throw new ParleyError(ErrorCode.BadMessage, 'Send the file as multipart/form-data.')
    }
    try {
      // Rate, quota and free space are checked before a byte is read; the stream stops at the tightest.
      const admission = await guard.admit(user.id, maxUploadBytes)
      let stored: MediaFile | null
      try {
        stored = await receiveUpload(request, admission.maxBytes)
      } catch (error) {
        throw guard.explain(error, admission)
      }
      if (!stored) return renderList(request, reply, { error: 'Choose a file to upload.', status: 400 })
      try {
        await storage.uploads.record({ name: stored.name, uploaderId: user.id, size: stored.size, createdAt: now() })
      } catch (error) {
        // An upload nobody owns would escape the quota: take the file back.
        await removeFile(stored.name).catch(() => undefined)
        throw error
      }
      request.log.info({ name: stored.name, size: stored.size }, 'media uploaded')
      return reply.redirect(`/media?uploaded=${encodeURIComponent(stored.name)}`, 303)
    } catch (error) {
      if (isParleyError(error) && SHOWN_REFUSALS.has(error.code)) {
        request.log.info({ code: error.code }, 'upload refused')
        return renderList(request, reply, { error: error.message, status: httpStatusOf(error.code) })
      }
      throw error
    }
  })

  app.post('/media/:name/delete', { schema: { params: MediaParams } }, async (request, reply) => {
    const user = requireUser(request)
    const { name } = request.params
    const found = await library.resolve(name)
    if (!found) throw new ParleyError(ErrorCode.NotFound, 'No such file.')
    const upload = await storage.uploads.get(name)
    // Files nobody uploaded through the board (the sample media) are the admins' to remove.
    if (user.role !== 'admin' && upload?.uploaderId !== user.id) {
      throw new ParleyError(ErrorCode.Forbidden, 'Only the uploader or an admin can delete this file.')
    }
    const audit = { actorId: user.id, reason: null, at: now() }
    // Recorded (and audited) first: a file that then cannot be removed is a 500 an admin sees in the log.
    const removed = await storage.uploads.remove(name, audit)
    if (!removed) {
      await storage.audit.record({ ...audit, action: 'media.delete', details: { name }, createdAt: audit.at })
    }
    // Posts stop showing it before it goes (their page would otherwise hold a broken picture).
    const detachedFrom = await storage.attachments.detachMedia(name)
    await removeFile(name)
    request.log.info({ name, uploaderId: removed?.uploaderId ?? null, detachedFrom }, 'media deleted')
    return reply.redirect('/media', 303)
  })
}
