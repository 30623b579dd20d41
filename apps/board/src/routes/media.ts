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
import multipart from '@fastify/multipart'
import { ErrorCode, isParleyError, ParleyError } from '@parley/protocol'
import { Type } from 'typebox'
import { httpStatusOf } from '../http/error-status.js'
import type { AnyReply, AnyRequest, BoardPlugin } from '../http/types.js'
import type { MediaFile, MediaLibrary } from '../media/index.js'
import { CSRF_FIELD, CSRF_HEADER, csrfRejected } from '../plugins/csrf.js'
import { requireUser } from '../plugins/session.js'

export interface MediaRoutesOptions {
  library: MediaLibrary
  maxUploadBytes: number
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

export const mediaRoutes: BoardPlugin<MediaRoutesOptions> = async (app, { library, maxUploadBytes }) => {
  // headerSize (busboy's, missing from @fastify/multipart's types): a part's headers are cut at 1 KiB,
  // so a client file name cannot be the default 80 KiB long.
  const limits = { fileSize: maxUploadBytes, files: 1, fields: 4, fieldSize: 1024, parts: 6, headerSize: 1024 }
  await app.register(multipart, { limits })

  async function renderList(
    reply: AnyReply,
    options: { uploaded?: MediaFile | null; error?: string; status?: number } = {},
  ) {
    const files = await library.list()
    return reply.code(options.status ?? 200).view('media', {
      title: 'Media',
      files: files.map((file) => ({
        ...file,
        sizeText: formatBytes(file.size),
        href: `/media/${encodeURIComponent(file.name)}`,
      })),
      uploaded: options.uploaded ?? null,
      error: options.error ?? null,
      maxUploadText: formatBytes(maxUploadBytes),
    })
  }

  app.get('/media', { schema: { querystring: MediaQuery } }, async (request, reply) => {
    const name = request.query.uploaded
    const uploaded = name ? ((await library.resolve(name))?.file ?? null) : null
    return renderList(reply, { uploaded })
  })

  app.route({
    method: ['GET', 'HEAD'],
    url: '/media/:name',
    schema: { params: MediaParams },
    handler: async (request, reply) => library.send(request, reply, request.params.name),
  })

  /** Reads the multipart parts in order: the CSRF field first, then the one file, which is stored. */
  async function receiveUpload(request: AnyRequest): Promise<MediaFile | null> {
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
      stored = await library.store(part.file, part.filename, maxUploadBytes)
    }
    if (!csrfOk) throw csrfRejected()
    return stored
  }

  app.post('/media', { config: { csrf: 'manual' } }, async (request, reply) => {
    requireUser(request)
    if (!request.isMultipart()) {
      throw new ParleyError(ErrorCode.BadMessage, 'Send the file as multipart/form-data.')
    }
    try {
      const stored = await receiveUpload(request)
      if (!stored) return renderList(reply, { error: 'Choose a file to upload.', status: 400 })
      request.log.info({ name: stored.name, size: stored.size }, 'media uploaded')
      return reply.redirect(`/media?uploaded=${encodeURIComponent(stored.name)}`, 303)
    } catch (error) {
      if (isParleyError(error) && (error.code === ErrorCode.MediaTooLarge || error.code === ErrorCode.MediaBadType)) {
        request.log.info({ code: error.code }, 'upload refused')
        return renderList(reply, { error: error.message, status: httpStatusOf(error.code) })
      }
      throw error
    }
  })
}
