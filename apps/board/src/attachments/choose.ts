/**
 * Checks what a writer asked to attach to a post: a file of the media folder (so it passed the upload's
 * content checks, or was put there by the operator) that the board can show inline — a picture, clip
 * or sound — with alt text for pictures. A picture's size is read from its header here, once, so pages
 * can reserve its box before it loads (no layout shift) without touching the file again.
 * @module
 */
import type { AttachmentKind, PostAttachmentRow } from '@parley/storage'
import { imageSizeFromFile } from 'image-size/fromFile'
import type { MediaLibrary } from '../media/index.js'

/** Longest alt text kept, in characters; the form field says so. */
export const MAX_ALT_LENGTH = 300

export type AttachmentDraft = Omit<PostAttachmentRow, 'postId'>

/** Either what to store, or why not, worded for the form field. */
export type AttachmentChoice =
  | { ok: true; draft: AttachmentDraft }
  | { ok: false; field: 'attachment' | 'alt'; error: string }

function isAttachable(kind: string): kind is AttachmentKind {
  return kind === 'image' || kind === 'video' || kind === 'audio'
}

/** Width and height as shown: EXIF orientations 5–8 turn the picture a quarter, swapping them. */
async function pictureSize(path: string): Promise<{ width: number; height: number } | null> {
  try {
    const size = await imageSizeFromFile(path)
    const turned = size.orientation !== undefined && size.orientation >= 5
    return turned ? { width: size.height, height: size.width } : { width: size.width, height: size.height }
  } catch {
    // A format image-size cannot read: the picture is still shown, its box just is not reserved.
    return null
  }
}

/** `mediaName` and `alt` as the form sent them (already trimmed of nothing: the caller passes them raw). */
export async function chooseAttachment(
  library: MediaLibrary,
  mediaName: string,
  alt: string,
): Promise<AttachmentChoice> {
  const found = await library.resolve(mediaName)
  if (!found) return { ok: false, field: 'attachment', error: `There is no media file named “${mediaName}”.` }
  const { kind } = found.file
  if (!isAttachable(kind)) {
    return { ok: false, field: 'attachment', error: 'Only pictures, clips and sounds can be shown in a post.' }
  }
  const text = alt.trim()
  if ([...text].length > MAX_ALT_LENGTH) {
    return { ok: false, field: 'alt', error: `Keep the description under ${MAX_ALT_LENGTH} characters.` }
  }
  if (kind === 'image' && text === '') {
    return { ok: false, field: 'alt', error: 'Describe the picture in a few words, for people who cannot see it.' }
  }
  const size = kind === 'image' ? await pictureSize(found.path) : null
  return {
    ok: true,
    draft: { mediaName: found.file.name, kind, alt: text, width: size?.width ?? null, height: size?.height ?? null },
  }
}
