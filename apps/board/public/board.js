// Parley board: live updates over Server-Sent Events and local times. Progressive enhancement only:
// without this script the page works the same, with a plain Reload link. User text is only ever
// put into the page with textContent, never as HTML.
;(() => {
  function localiseTimes(root) {
    for (const time of root.querySelectorAll('time[datetime]')) {
      const date = new Date(time.dateTime)
      if (!Number.isNaN(date.getTime())) {
        time.title = time.textContent
        time.textContent = date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
      }
    }
  }

  function confirmDeletes(root) {
    for (const form of root.querySelectorAll('form.delete-form')) {
      form.addEventListener('submit', (event) => {
        if (!window.confirm('Delete this post?')) event.preventDefault()
      })
    }
    for (const form of root.querySelectorAll('form.moderate-form')) {
      form.addEventListener('submit', (event) => {
        if (!window.confirm('Delete this post for everyone? This is written to the audit log.')) event.preventDefault()
      })
    }
  }

  localiseTimes(document)
  confirmDeletes(document)

  const list = document.getElementById('posts')
  const template = document.getElementById('post-template')
  const status = document.getElementById('live-status')
  const empty = document.getElementById('no-posts')
  if (!list || !template || !('EventSource' in window)) return

  const viewerId = Number(list.dataset.userId)
  const viewerIsAdmin = list.dataset.userRole === 'admin'
  const live = list.dataset.live === 'true'

  function setStatus(text, isLive) {
    if (!status) return
    status.hidden = false
    status.textContent = text
    status.classList.toggle('live', isLive)
  }

  // bodyHtml is the server's renderRichText output (allow-listed and sanitised, as on the page);
  // an event without it shows the text as typed.
  function showBody(item, post) {
    const body = item.querySelector('.post-body')
    if (typeof post.bodyHtml === 'string') body.innerHTML = post.bodyHtml
    else body.textContent = post.body
  }

  function fill(item, post) {
    item.id = `post-${post.id}`
    item.dataset.postId = String(post.id)
    item.querySelector('.author').textContent = post.authorName ?? 'deleted user'
    item.querySelector('.author').classList.toggle('deleted', post.authorName === null)
    const time = item.querySelector('time')
    time.dateTime = new Date(post.createdAt).toISOString()
    time.textContent = time.dateTime
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
    if (post.authorId === viewerId) {
      item.querySelector('.own-actions').hidden = false
      item.querySelector('.edit-link').href = `/posts/${post.id}/edit`
      item.querySelector('.delete-form').action = `/posts/${post.id}/delete`
    } else if (viewerIsAdmin) {
      item.querySelector('.moderate-actions').hidden = false
      item.querySelector('.moderate-form').action = `/posts/${post.id}/moderate`
    } else {
      item.querySelector('.report-actions').hidden = false
      item.querySelector('.report-form').action = `/posts/${post.id}/report`
    }
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

  function parse(message) {
    try {
      return JSON.parse(message.data)
    } catch {
      return null
    }
  }

  const source = new EventSource('/events')
  // Shared with notifications.js (the header's unread count): one stream per tab.
  window.parleyEvents = source
  source.addEventListener('open', () => setStatus('Live', true))
  source.addEventListener('error', () => {
    // EventSource reconnects by itself while the server allows it; a closed stream (signed out) does not.
    setStatus(source.readyState === EventSource.CLOSED ? 'Offline: use Reload' : 'Reconnecting…', false)
  })
  source.addEventListener('created', (message) => {
    const event = parse(message)
    if (event) onCreated(event.post)
  })
  source.addEventListener('updated', (message) => {
    const event = parse(message)
    if (event) onUpdated(event.post)
  })
  source.addEventListener('deleted', (message) => {
    const event = parse(message)
    if (!event) return
    if (event.placeholder) keepAsPlaceholder(event.id)
    else onDeleted(event.id)
    const parent = event.thread && document.getElementById(`post-${event.thread.id}`)
    if (parent) showThread(parent, event.thread)
  })
  // A reply (shown on its post's page): the board only counts it.
  source.addEventListener('replied', (message) => {
    const event = parse(message)
    const item = event && document.getElementById(`post-${event.thread.id}`)
    if (item) showThread(item, event.thread)
  })
})()
