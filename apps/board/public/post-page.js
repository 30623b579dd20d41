// Parley post page: new replies appear live (Server-Sent Events), local times, delete confirmations.
// Progressive enhancement only: without this script the page works the same, with a plain Reload link.
// User text is put into the page with textContent; only bodyHtml (the server's sanitised renderRichText
// output, as on the page) is set as HTML.
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
        if (!window.confirm('Delete this?')) event.preventDefault()
      })
    }
    for (const form of root.querySelectorAll('form.moderate-form')) {
      form.addEventListener('submit', (event) => {
        if (!window.confirm('Delete this for everyone? This is written to the audit log.')) event.preventDefault()
      })
    }
  }

  localiseTimes(document)
  confirmDeletes(document)

  const list = document.getElementById('replies')
  const template = document.getElementById('reply-template')
  const status = document.getElementById('live-status')
  const empty = document.getElementById('no-replies')
  if (!list || !template || !('EventSource' in window)) return

  const postId = Number(list.dataset.postId)
  const viewerId = Number(list.dataset.userId)
  const viewerIsAdmin = list.dataset.userRole === 'admin'
  const live = list.dataset.live === 'true'

  function setStatus(text, isLive) {
    if (!status) return
    status.hidden = false
    status.textContent = text
    status.classList.toggle('live', isLive)
  }

  function showBody(item, post) {
    const body = item.querySelector('.post-body')
    if (typeof post.bodyHtml === 'string') body.innerHTML = post.bodyHtml
    else body.textContent = post.body
  }

  function render(post) {
    const item = template.content.firstElementChild.cloneNode(true)
    item.id = `post-${post.id}`
    item.dataset.postId = String(post.id)
    const author = item.querySelector('.author')
    author.textContent = post.authorName ?? 'deleted user'
    author.classList.toggle('deleted', post.authorName === null)
    const time = item.querySelector('time')
    time.dateTime = new Date(post.createdAt).toISOString()
    time.textContent = time.dateTime
    if (post.quote) {
      const quote = item.querySelector('.reply-quote')
      quote.hidden = false
      const link = quote.querySelector('.quote-author')
      link.href = `#post-${post.quote.id}`
      link.textContent = `${post.quote.authorName ?? 'deleted user'} wrote`
      quote.querySelector('.quote-text').textContent = post.quote.body
    } else {
      item.querySelector('.reply-quote').remove()
    }
    showBody(item, post)
    item.querySelector('.quote-link').href = `/posts/${postId}?quote=${post.id}#reply-form`
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
    for (const hidden of item.querySelectorAll('.post-actions[hidden]')) hidden.remove()
    localiseTimes(item)
    confirmDeletes(item)
    return item
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
    setStatus(source.readyState === EventSource.CLOSED ? 'Offline: use Reload' : 'Reconnecting…', false)
  })
  source.addEventListener('replied', (message) => {
    const event = parse(message)
    if (!event || event.thread.id !== postId || !live || document.getElementById(`post-${event.post.id}`)) return
    list.append(render(event.post))
    if (empty) empty.hidden = true
  })
  source.addEventListener('updated', (message) => {
    const event = parse(message)
    const item = event && document.getElementById(`post-${event.post.id}`)
    if (!item) return
    showBody(item, event.post)
    item.querySelector('.edited').hidden = event.post.updatedAt === null
  })
  source.addEventListener('deleted', (message) => {
    const event = parse(message)
    if (!event) return
    list.querySelector(`#post-${event.id}`)?.remove()
    if (empty && !list.querySelector('.post')) empty.hidden = false
    if (event.id === postId)
      setStatus(event.placeholder ? 'This post was deleted' : 'This post was deleted: use Reload', false)
  })
})()
