/**
 * Shared set-up for the media tests: a temporary folder laid out as
 *   <root>/canary.txt          a secret outside media/ that must never be served
 *   <root>/media/              the library's folder, with the repo's sample media and a random 10 000-byte file
 * and a minimal Fastify app that routes GET/HEAD /media/:name to `library.send`, as the board does.
 */
import { randomBytes } from 'node:crypto'
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RawServerBase } from 'fastify'
import { createMediaLibrary, type MediaLibrary, type MediaLibraryOptions } from '../src/media/index.js'

export const REPO_MEDIA = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'media')
export const DATA_SIZE = 10_000

export interface MediaSandbox {
  root: string
  mediaDir: string
  canaryPath: string
  /** A unique string that is the canary file's whole content. */
  canary: string
  /** The bytes of `media/data.mp4` (random, so every slice is distinctive). */
  data: Buffer
  library: MediaLibrary
  cleanup(): Promise<void>
}

export async function createMediaSandbox(options: MediaLibraryOptions = {}): Promise<MediaSandbox> {
  const root = await mkdtemp(join(tmpdir(), 'parley-media-'))
  const mediaDir = join(root, 'media')
  await mkdir(mediaDir)
  const canary = `CANARY-${randomBytes(16).toString('hex')}`
  const canaryPath = join(root, 'canary.txt')
  await writeFile(canaryPath, canary)
  const data = randomBytes(DATA_SIZE)
  await writeFile(join(mediaDir, 'data.mp4'), data)
  await copyFile(join(REPO_MEDIA, 'sample-tone.wav'), join(mediaDir, 'sample-tone.wav'))
  await copyFile(join(REPO_MEDIA, 'sample-clip.mp4'), join(mediaDir, 'sample-clip.mp4'))
  return {
    root,
    mediaDir,
    canaryPath,
    canary,
    data,
    library: createMediaLibrary(mediaDir, options),
    cleanup: () => rm(root, { recursive: true, force: true }),
  }
}

/** The board's media route, minus everything else: GET (and Fastify's automatic HEAD) → library.send. */
export function registerMediaRoute<Server extends RawServerBase>(
  app: FastifyInstance<Server>,
  library: MediaLibrary,
): void {
  app.get<{ Params: { name: string } }>('/media/:name', (request, reply) =>
    library.send(request, reply, request.params.name),
  )
  app.setNotFoundHandler((_request, reply) => reply.code(404).type('text/plain').send('not found'))
}

export function buildMediaApp(library: MediaLibrary, options: FastifyServerOptions = {}): FastifyInstance {
  const app = Fastify({ logger: false, ...options })
  registerMediaRoute(app, library)
  return app
}
