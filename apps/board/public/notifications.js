// Parley: the header's unread-notifications count, kept live over the board's event stream
// (`event: unread` carries this user's count; routes/notifications.ts). Progressive enhancement
// only: without it the count is the one the page was rendered with. Only numbers are written.
// A page whose own script already opened the stream (board.js, post-page.js set
// `window.parleyEvents`) shares it, so a tab holds one stream against the per-session limit.
;(() => {
  const badge = document.querySelector('[data-unread-count]')
  const number = document.querySelector('[data-unread-number]')
  if (!badge || !number || !('EventSource' in window)) return

  function show(unread) {
    if (!Number.isInteger(unread) || unread < 0) return
    number.textContent = String(unread)
    badge.hidden = unread === 0
  }

  function start() {
    const source = window.parleyEvents ?? new EventSource('/events')
    window.parleyEvents = source
    // Marks the count as live (tests wait for it; from here on no change is missed).
    const live = () => {
      badge.dataset.live = 'true'
    }
    if (source.readyState === EventSource.OPEN) live()
    source.addEventListener('open', live)
    source.addEventListener('unread', (event) => {
      try {
        show(JSON.parse(event.data).unread)
      } catch {
        // Not ours to fix: a malformed event changes nothing.
      }
    })
  }

  // After every deferred script of the page has run (DOMContentLoaded), so a page's own stream exists.
  if (document.readyState === 'complete') start()
  else document.addEventListener('DOMContentLoaded', start, { once: true })
})()
