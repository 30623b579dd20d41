/**
 * An attachment's markup inside a post: a lazy-loaded picture with its size and alt text, or a clip or
 * sound with the browser's controls that fetches nothing until played. Every value is escaped; the
 * source is always `/media/<encoded name>`, served by the board with its own checks (routes/media.ts).
 * @module
 */
import type { PostAttachmentRow } from '@parley/storage'
import { escapeHtml } from '../render/escape.js'

export function attachmentHtml(attachment: PostAttachmentRow): string {
  const src = escapeHtml(`/media/${encodeURIComponent(attachment.mediaName)}`)
  const alt = escapeHtml(attachment.alt)
  if (attachment.kind === 'image') {
    const size =
      attachment.width !== null && attachment.height !== null
        ? ` width="${attachment.width}" height="${attachment.height}"`
        : ''
    return (
      '  <figure class="post-attachment">\n' +
      `    <a href="${src}"><img src="${src}" alt="${alt}"${size} loading="lazy" decoding="async"></a>\n` +
      '  </figure>\n'
    )
  }
  // Clips and sounds: the description is a visible caption that also names the player.
  const tag = attachment.kind === 'video' ? 'video' : 'audio'
  const captionId = `attachment-${attachment.postId}`
  const caption = alt === '' ? '' : `    <figcaption id="${captionId}">${alt}</figcaption>\n`
  const label = alt === '' ? ` aria-label="${escapeHtml(attachment.mediaName)}"` : ` aria-labelledby="${captionId}"`
  return (
    '  <figure class="post-attachment">\n' +
    `    <${tag} src="${src}" controls preload="none"${label}><a href="${src}">Download ${escapeHtml(attachment.mediaName)}</a></${tag}>\n` +
    caption +
    '  </figure>\n'
  )
}
