// Parley board: live updates over Server-Sent Events and local times. Progressive enhancement only:
// without this script the page works the same, with a plain Reload link. User text is only ever
// put into the page with textContent, never as HTML (bodyHtml aside: the server's sanitised output).
import { fillHeader, localiseTimes, openLiveStream, showActions, showBody, startLivePage } from './live-page.js'

const IDS = { list: 'posts', template: 'post-template', empty: 'no-posts' }
const QUESTIONS = {
  own: 'Delete this post?',
  everyone: 'Delete this post for everyone? This is written to the audit log.',
}

startLivePage(IDS, QUESTIONS, ({ list, template, empty, viewer, live, confirmDeletes }) => {
  function fill(item, post) {
    fillHeader(item, post)
    item.querySelector('.edited').hidden = post.updatedAt === null
    showBody(item, post)
    localiseTimes(item)
  }

  // The same markup as src/attachments/render.ts, built with DOM calls (names and text never parsed as HTML).
  function attachmentElement(attachment) {
    const figure = document.createElement('figure')
    figure.className = 'post-attachment'
    const src = `/media/${encodeURIComponent(attachment.mediaName)}`
    if (attachment.kind === 'image') {
      const link = document.createElement('a')
      link.href = src
      const img = document.createElement('img')
      img.src = src
      img.alt = attachment.alt
      if (attachment.width !== null && attachment.height !== null) {
        img.width = attachment.width
        img.height = attachment.height
      }
      img.loading = 'lazy'
      img.decoding = 'async'
      link.append(img)
      figure.append(link)
      return figure
    }
    const player = document.createElement(attachment.kind === 'video' ? 'video' : 'audio')
    player.src = src
    player.controls = true
    player.preload = 'none'
    player.setAttribute('aria-label', attachment.alt || attachment.mediaName)
    figure.append(player)
    if (attachment.alt) {
      const caption = document.createElement('figcaption')
      caption.textContent = attachment.alt
      figure.append(caption)
    }
    return figure
  }

  // A deleted post with replies stays, as on the next page load (post-list.ts placeholderHtml): no
  // author, text or actions, only the way to its replies.
  function keepAsPlaceholder(id) {
    const item = document.getElementById(`post-${id}`)
    if (!item) return
    const note = document.createElement('p')
    note.className = 'deleted-note'
    note.textContent = 'This post was deleted.'
    const thread = item.querySelector('.post-thread')
    thread?.querySelector('.reply-link')?.nextSibling?.remove()
    thread?.querySelector('.reply-link')?.remove()
    item.className = 'post deleted-post'
    item.replaceChildren(note, ...(thread ? [thread] : []))
  }

  // A post's reply count and latest activity (src/render/post-list.ts threadLine).
  function showThread(item, thread) {
    const count = item.querySelector('.reply-count')
    if (!count) return
    count.textContent = `${thread.replyCount} ${thread.replyCount === 1 ? 'reply' : 'replies'}`
    const activity = item.querySelector('.last-activity')
    const time = activity.querySelector('time')
    time.dateTime = new Date(thread.lastActivityAt).toISOString()
    time.textContent = time.dateTime
    localiseTimes(activity)
  }

  function render(post) {
    const item = template.content.firstElementChild.cloneNode(true)
    fill(item, post)
    item.querySelector('.reply-link').href = `/posts/${post.id}#reply-form`
    item.querySelector('.reply-count').href = `/posts/${post.id}`
    showThread(item, { replyCount: 0, lastActivityAt: post.createdAt })
    if (post.attachment) item.querySelector('.post-body').after(attachmentElement(post.attachment))
    showActions(item, post, viewer)
    confirmDeletes(item)
    item.classList.add('fresh')
    return item
  }

  function onCreated(post) {
    if (!live || document.getElementById(`post-${post.id}`)) return
    list.prepend(render(post))
    if (empty) empty.hidden = true
  }

  function onUpdated(post) {
    const item = document.getElementById(`post-${post.id}`)
    if (!item) return
    showBody(item, post)
    item.querySelector('.edited').hidden = post.updatedAt === null
  }

  function onDeleted(id) {
    document.getElementById(`post-${id}`)?.remove()
    if (empty && !list.querySelector('.post')) empty.hidden = false
  }

  const on = openLiveStream()
  on('created', (event) => onCreated(event.post))
  on('updated', (event) => onUpdated(event.post))
  on('deleted', (event) => {
    if (event.placeholder) keepAsPlaceholder(event.id)
    else onDeleted(event.id)
    const parent = event.thread && document.getElementById(`post-${event.thread.id}`)
    if (parent) showThread(parent, event.thread)
  })
  // A reply (shown on its post's page): the board only counts it.
  on('replied', (event) => {
    const item = document.getElementById(`post-${event.thread.id}`)
    if (item) showThread(item, event.thread)
  })
})
