// Parley: the header's unread-notifications count, kept live over the board's event stream
// (`event: unread` carries this user's count; routes/notifications.ts). Progressive enhancement
// only: without it the count is the one the page was rendered with. Only numbers are written.
;(() => {
  const badge = document.querySelector('[data-unread-count]')
  const number = document.querySelector('[data-unread-number]')
  if (!badge || !number || !('EventSource' in window)) return

  function show(unread) {
    if (!Number.isInteger(unread) || unread < 0) return
    number.textContent = String(unread)
    badge.hidden = unread === 0
  }

  const source = new EventSource('/events')
  // Marks the count as live (tests wait for it; from here on no change is missed).
  source.addEventListener('open', () => {
    badge.dataset.live = 'true'
  })
  source.addEventListener('unread', (event) => {
    try {
      show(JSON.parse(event.data).unread)
    } catch {
      // Not ours to fix: a malformed event changes nothing.
    }
  })
  // Leaving the page closes the stream at once, so it never counts against the per-session limit.
  window.addEventListener('pagehide', () => source.close())
})()
