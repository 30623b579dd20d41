// Parley's live pages (board.js, post-page.js): local times, delete confirmations, the posts'
// shared markup and the page's event stream. User text is only put into the page with textContent;
// only bodyHtml (the server's sanitised renderRichText output, as on the page) is set as HTML.

/** Shows every `<time datetime>` under root in the reader's local time (the server's text becomes the title). */
export function localiseTimes(root) {
  for (const time of root.querySelectorAll('time[datetime]')) {
    const date = new Date(time.dateTime)
    if (!Number.isNaN(date.getTime())) {
      time.title = time.textContent
      time.textContent = date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
    }
  }
}

/**
 * Sets a live page up: local times and delete confirmations on what the server rendered; then, when
 * the page has its list (ids.list, with its item template ids.template and empty note ids.empty) and
 * the browser has EventSource, `start` runs with those elements, the viewer, whether new items are
 * shown (the list's data-live) and the page's confirmDeletes for items it adds.
 */
export function startLivePage(ids, questions, start) {
  const confirm = (root) => confirmDeletes(root, questions)
  localiseTimes(document)
  confirm(document)
  const list = document.getElementById(ids.list)
  const template = document.getElementById(ids.template)
  if (!list || !template || !('EventSource' in window)) return
  start({
    list,
    template,
    empty: document.getElementById(ids.empty),
    viewer: viewerOf(list),
    live: list.dataset.live === 'true',
    confirmDeletes: confirm,
  })
}

/** Asks before a delete (`form.delete-form`) or a moderator's delete (`form.moderate-form`) under root is sent. */
function confirmDeletes(root, questions) {
  for (const form of root.querySelectorAll('form.delete-form')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(questions.own)) event.preventDefault()
    })
  }
  for (const form of root.querySelectorAll('form.moderate-form')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(questions.everyone)) event.preventDefault()
    })
  }
}

// bodyHtml is the server's renderRichText output (allow-listed and sanitised, as on the page);
// an event without it shows the text as typed.
export function showBody(item, post) {
  const body = item.querySelector('.post-body')
  if (typeof post.bodyHtml === 'string') body.innerHTML = post.bodyHtml
  else body.textContent = post.body
}

/** A post's id, author and time, as the server renders them (the time still in ISO form: localise it after). */
export function fillHeader(item, post) {
  item.id = `post-${post.id}`
  item.dataset.postId = String(post.id)
  const author = item.querySelector('.author')
  author.textContent = post.authorName ?? 'deleted user'
  author.classList.toggle('deleted', post.authorName === null)
  const time = item.querySelector('time')
  time.dateTime = new Date(post.createdAt).toISOString()
  time.textContent = time.dateTime
}

/** The one set of actions this viewer has on a post: their own (edit, delete), a moderator's, or a report. */
export function showActions(item, post, viewer) {
  if (post.authorId === viewer.id) {
    item.querySelector('.own-actions').hidden = false
    item.querySelector('.edit-link').href = `/posts/${post.id}/edit`
    item.querySelector('.delete-form').action = `/posts/${post.id}/delete`
  } else if (viewer.isAdmin) {
    item.querySelector('.moderate-actions').hidden = false
    item.querySelector('.moderate-form').action = `/posts/${post.id}/moderate`
  } else {
    item.querySelector('.report-actions').hidden = false
    item.querySelector('.report-form').action = `/posts/${post.id}/report`
  }
}

/** The viewer, as the list element's data attributes name them. */
function viewerOf(list) {
  return { id: Number(list.dataset.userId), isAdmin: list.dataset.userRole === 'admin' }
}

/** Shows the stream's state in `#live-status` (when the page has one). */
export function setStatus(text, isLive) {
  const status = document.getElementById('live-status')
  if (!status) return
  status.hidden = false
  status.textContent = text
  status.classList.toggle('live', isLive)
}

/**
 * Opens the page's event stream (/events), shows its state, and returns `on(name, handler)`: handler
 * gets each event of that name parsed (a malformed one is dropped).
 */
export function openLiveStream() {
  const source = new EventSource('/events')
  // Shared with notifications.js (the header's unread count): one stream per tab.
  window.parleyEvents = source
  source.addEventListener('open', () => setStatus('Live', true))
  source.addEventListener('error', () => {
    // EventSource reconnects by itself while the server allows it; a closed stream (signed out) does not.
    setStatus(source.readyState === EventSource.CLOSED ? 'Offline: use Reload' : 'Reconnecting…', false)
  })
  return function on(name, handler) {
    source.addEventListener(name, (message) => {
      const event = parse(message)
      if (event) handler(event)
    })
  }
}

function parse(message) {
  try {
    return JSON.parse(message.data)
  } catch {
    return null
  }
}
