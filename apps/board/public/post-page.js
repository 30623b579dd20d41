// Parley post page: new replies appear live (Server-Sent Events), local times, delete confirmations.
// Progressive enhancement only: without this script the page works the same, with a plain Reload link.
// User text is put into the page with textContent; only bodyHtml (the server's sanitised renderRichText
// output, as on the page) is set as HTML.
import {
  fillHeader,
  localiseTimes,
  openLiveStream,
  setStatus,
  showActions,
  showBody,
  startLivePage,
} from './live-page.js'

const IDS = { list: 'replies', template: 'reply-template', empty: 'no-replies' }
const QUESTIONS = { own: 'Delete this?', everyone: 'Delete this for everyone? This is written to the audit log.' }

startLivePage(IDS, QUESTIONS, ({ list, template, empty, viewer, live, confirmDeletes }) => {
  const postId = Number(list.dataset.postId)

  function render(post) {
    const item = template.content.firstElementChild.cloneNode(true)
    fillHeader(item, post)
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
    showActions(item, post, viewer)
    for (const hidden of item.querySelectorAll('.post-actions[hidden]')) hidden.remove()
    localiseTimes(item)
    confirmDeletes(item)
    return item
  }

  const on = openLiveStream()
  on('replied', (event) => {
    if (event.thread.id !== postId || !live || document.getElementById(`post-${event.post.id}`)) return
    list.append(render(event.post))
    if (empty) empty.hidden = true
  })
  on('updated', (event) => {
    const item = document.getElementById(`post-${event.post.id}`)
    if (!item) return
    showBody(item, event.post)
    item.querySelector('.edited').hidden = event.post.updatedAt === null
  })
  on('deleted', (event) => {
    list.querySelector(`#post-${event.id}`)?.remove()
    if (empty && !list.querySelector('.post')) empty.hidden = false
    if (event.id === postId)
      setStatus(event.placeholder ? 'This post was deleted' : 'This post was deleted: use Reload', false)
  })
})
