/**
 * Media types by file extension. Serving decides `Content-Type` from the name only (the name was chosen by
 * us from the sniffed type on upload); anything not in the table is `application/octet-stream`, which a
 * browser will not render or run, so a stray `.html` or `.svg` dropped into `media/` is harmless.
 * @module
 */

export type MediaKind = 'audio' | 'video' | 'image' | 'other'

export interface MediaType {
  contentType: string
  kind: MediaKind
}

/** The media we serve with a real type, and the only types an upload may have. */
const BY_EXTENSION: Readonly<Record<string, MediaType>> = {
  wav: { contentType: 'audio/wav', kind: 'audio' },
  mp3: { contentType: 'audio/mpeg', kind: 'audio' },
  ogg: { contentType: 'audio/ogg', kind: 'audio' },
  oga: { contentType: 'audio/ogg', kind: 'audio' },
  opus: { contentType: 'audio/ogg', kind: 'audio' },
  flac: { contentType: 'audio/flac', kind: 'audio' },
  m4a: { contentType: 'audio/mp4', kind: 'audio' },
  aac: { contentType: 'audio/aac', kind: 'audio' },
  mp4: { contentType: 'video/mp4', kind: 'video' },
  m4v: { contentType: 'video/mp4', kind: 'video' },
  webm: { contentType: 'video/webm', kind: 'video' },
  ogv: { contentType: 'video/ogg', kind: 'video' },
  mov: { contentType: 'video/quicktime', kind: 'video' },
  png: { contentType: 'image/png', kind: 'image' },
  apng: { contentType: 'image/apng', kind: 'image' },
  jpg: { contentType: 'image/jpeg', kind: 'image' },
  jpeg: { contentType: 'image/jpeg', kind: 'image' },
  gif: { contentType: 'image/gif', kind: 'image' },
  webp: { contentType: 'image/webp', kind: 'image' },
  avif: { contentType: 'image/avif', kind: 'image' },
}

const OTHER: MediaType = { contentType: 'application/octet-stream', kind: 'other' }

/** The table entry for an extension without the dot (any case), or null when it is not a known media type. */
export function mediaTypeForExtension(extension: string): MediaType | null {
  const key = extension.toLowerCase()
  return Object.hasOwn(BY_EXTENSION, key) ? BY_EXTENSION[key]! : null
}

/** The type a file name is served with. */
export function mediaTypeForName(name: string): MediaType {
  const dot = name.lastIndexOf('.')
  if (dot <= 0 || dot === name.length - 1) return OTHER
  return mediaTypeForExtension(name.slice(dot + 1)) ?? OTHER
}
