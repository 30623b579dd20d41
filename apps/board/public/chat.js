// Parley chat in the browser: wires the connection (chat-connection.js), the model (chat-model.js)
// and the view (chat-view.js) for each chat shell on the page (the /chat page or the compact panel
// beside the board). Several tabs of one user each have their own connection; they tell each other
// what they sent, read and blocked over a BroadcastChannel (same origin only, no secrets in it).
import { ChatConnection } from './chat-connection.js'
import { ChatModel, EVERYONE, userKey } from './chat-model.js'
import { ChatView } from './chat-view.js'

const HISTORY_PAGE = 50
/** "Recently online": the last hour, as the terminal's `whoelsesince 3600`. */
const RECENT_SECONDS = 3600
/** Names per page of the online list (the gateway's largest `whoelse` page). */
const ONLINE_PAGE = 400

const ERROR_NOTES = {
  CHAT_BLOCKED_BY_RECIPIENT: () => 'the recipient has blocked you',
  CHAT_UNKNOWN_USER: (name) => `there is no user named ${name}`,
  CHAT_SELF_TARGET: () => 'you cannot message yourself',
}

function excerpt(text, length = 140) {
  return text.length > length ? `${text.slice(0, length)}…` : text
}

function startChat(root) {
  const model = new ChatModel(root.dataset.username)
  const connection = new ChatConnection({ url: root.dataset.gatewayUrl })
  const channel = 'BroadcastChannel' in window ? new BroadcastChannel(`parley-chat:${userKey(model.me)}`) : null
  /** The conversation on screen (in list view on a narrow screen, the one that was last open). */
  let current = root.dataset.layout === 'full' ? EVERYONE : null
  /** Shown messages to confirm with `received` after the next render. */
  let toConfirm = []
  let renderQueued = false
  /** history request id → what it is for. */
  const historyRequests = new Map()

  const isNarrow = () => root.dataset.layout === 'compact' || window.matchMedia('(max-width: 44rem)').matches
  const isVisible = (key) =>
    key === current && document.visibilityState === 'visible' && (!isNarrow() || root.dataset.view === 'conversation')

  function render() {
    renderQueued = false
    view.render(model, current, connection.state === 'joined')
    if (toConfirm.length > 0) {
      // Only now are they on the page: the gateway may drop them from the offline queue.
      connection.confirm(toConfirm)
      toConfirm = []
    }
  }

  function scheduleRender() {
    if (renderQueued) return
    renderQueued = true
    queueMicrotask(render)
  }

  function post(message) {
    channel?.postMessage(message)
  }

  function requestHistory(key, first) {
    const conversation = model.conversations.get(key)
    if (!conversation || key === EVERYONE) return
    if (first) {
      if (conversation.history !== 'none') return
      conversation.history = 'loading'
    }
    const before = first ? null : model.oldestId(key)
    const frame = { type: 'history', with: conversation.name, limit: HISTORY_PAGE }
    if (before !== null) frame.before = before
    historyRequests.set(connection.request(frame), { key, first })
  }

  function open(key, { focus = true } = {}) {
    // Someone from the online list has no conversation yet.
    if (key !== EVERYONE) model.conversationWith(model.nameOf(key))
    current = key
    if (model.markRead(key)) post({ type: 'read', key })
    view.setView('conversation')
    requestHistory(key, true)
    render()
    if (focus) view.focusComposer()
  }

  const view = new ChatView(root, {
    onOpen: (key) => open(key),
    onBack() {
      const key = current
      view.setView('list')
      render()
      if (key) view.focusContact(key)
    },
    onSend(text) {
      if (current === null) return false
      const at = Date.now()
      if (current === EVERYONE) {
        const id = connection.request({ type: 'broadcast', text })
        model.addOutgoing(EVERYONE, id, text, at)
      } else {
        const name = model.nameOf(current)
        const id = connection.request({ type: 'message', to: name, text })
        model.addOutgoing(name, id, text, at)
      }
      render()
      return true
    },
    onStart(name) {
      if (model.isMe(name)) {
        view.startError('That is you. Pick someone else.')
        return
      }
      const key = userKey(name)
      const known = model.conversations.get(key)
      if (known && known.history !== 'none') {
        view.clearStart()
        open(key)
        return
      }
      // Ask for the history first: the gateway says whether the user exists and how the name is spelt.
      model.conversationWith(name)
      historyRequests.set(connection.request({ type: 'history', with: name, limit: HISTORY_PAGE }), {
        key,
        first: true,
        starting: true,
      })
      model.conversations.get(key).history = 'loading'
    },
    onBlock(name, block) {
      connection.request({ type: block ? 'block' : 'unblock', user: name })
    },
    onOlder() {
      if (current !== null) requestHistory(current, false)
    },
    onMoreOnline() {
      if (model.onlineNext === null || onlinePageRequest !== null) return
      onlinePageRequest = connection.request({ type: 'whoelse', after: model.onlineNext, limit: ONLINE_PAGE })
    },
    onReconnect() {
      connection.reconnectNow()
    },
  })

  // --- connection state ------------------------------------------------------------------------

  let countdown = null
  let joinedOnce = false
  connection.on('state', (change) => {
    clearInterval(countdown)
    switch (change.state) {
      case 'connecting':
        view.setStatus('Connecting…', 'connecting')
        break
      case 'joined':
        joinedOnce = true
        view.setStatus(`Online as ${model.me}`, 'online')
        view.hideNotice()
        break
      case 'waiting': {
        const retryAt = Date.now() + change.retryInMs
        const why =
          change.reason === 'shutdown'
            ? 'The chat server is restarting.'
            : joinedOnce
              ? 'The connection to the chat was lost.'
              : 'The chat server cannot be reached.'
        const show = () => {
          const seconds = Math.max(1, Math.ceil((retryAt - Date.now()) / 1000))
          view.showNotice(`${why} Reconnecting…`, { reconnect: 'now', countdown: `(in ${seconds} s)` })
        }
        view.setStatus('Offline', 'offline')
        show()
        countdown = setInterval(show, 1000)
        break
      }
      case 'stopped':
        view.setStatus('Offline', 'offline')
        showStopped(change)
        break
    }
    scheduleRender()
  })

  function showStopped({ reason, message, code }) {
    switch (reason) {
      case 'timeout':
        view.showNotice(message || 'You were logged out of the chat after a time without activity.', {
          reconnect: true,
        })
        break
      case 'revoked':
      case 'signed-out':
        view.showNotice('Your board session has ended, so the chat has too. Sign in again to chat.', { signin: true })
        break
      case 'suspended':
        view.showNotice('Your account is suspended.')
        break
      case 'already-online':
        view.showNotice(
          'This account is already logged in to the chat elsewhere (for example in the terminal client). ' +
            'Log out there, then reconnect.',
          { reconnect: true },
        )
        break
      case 'replaced':
        view.showNotice('This chat connection was replaced by a newer one.', { reconnect: true })
        break
      case 'policy':
        view.showNotice(`The chat server closed the connection (code ${code}).`, { reconnect: true })
        break
      default:
        view.showNotice(`The chat could not sign in${message ? `: ${message}` : '.'}`, { reconnect: true })
    }
  }

  /** The `whoelse` page being loaded, if any: one at a time. */
  let onlinePageRequest = null

  /** Presence changes of one frame: the list is updated once, and one announcement says them all. */
  function onPresence(changes) {
    for (const change of changes) {
      if (change.state === 'online') model.setOnline(change.user)
      else model.setOffline(change.user)
    }
    const joined = changes.filter((c) => c.state === 'online').map((c) => c.user)
    const left = changes.filter((c) => c.state === 'offline').map((c) => c.user)
    const parts = []
    if (joined.length > 0) parts.push(`${joined.join(', ')} ${joined.length === 1 ? 'is' : 'are'} online`)
    if (left.length > 0) parts.push(`${left.join(', ')} went offline`)
    view.announce(parts.join('; '))
  }

  connection.on('welcome', (welcome) => {
    model.setWelcome(
      welcome.username,
      welcome.online,
      welcome.blocked,
      welcome.onlineNext ?? null,
      welcome.onlineTotal ?? welcome.online.length,
    )
    onlinePageRequest = null
    connection.request({ type: 'whoelsesince', seconds: RECENT_SECONDS })
    // Pages asked for while offline, or the open conversation after a reload of its history.
    for (const conversation of model.conversations.values()) {
      if (
        conversation.history === 'loading' &&
        ![...historyRequests.values()].some((r) => r.key === conversation.key)
      ) {
        conversation.history = 'none'
      }
    }
    if (current !== null && (!isNarrow() || root.dataset.view === 'conversation')) requestHistory(current, true)
    scheduleRender()
  })

  // --- pushed frames ---------------------------------------------------------------------------

  connection.on('message', (event) => {
    const key = userKey(event.from)
    const conversation = model.addIncoming(event, isVisible(key))
    toConfirm.push(event.messageId)
    if (conversation) {
      view.announce(`${event.offline ? 'While you were away, ' : ''}${event.from} wrote: ${excerpt(event.text)}`)
    }
    scheduleRender()
  })

  connection.on('event', (event) => {
    switch (event.type) {
      case 'presence':
        onPresence([event])
        break
      case 'presence_batch':
        onPresence(event.changes)
        break
      case 'broadcast':
        model.addBroadcast(event, isVisible(EVERYONE))
        view.announce(`${event.from} wrote to everyone: ${excerpt(event.text)}`)
        break
      case 'private_request': {
        // A browser page cannot open the direct TLS link a private chat needs: decline at once, and say so.
        connection.request({ type: 'private_answer', requestId: event.requestId, accept: false })
        const text =
          `${event.from} asked for a private chat. Private chats are direct links between terminal clients, ` +
          'which a browser cannot open, so it was declined. Use the terminal client for a private chat.'
        model.addSystem(model.conversationWith(event.from).key, text, Date.now())
        view.announce(text)
        break
      }
      case 'bye':
        view.announce(event.message)
        break
    }
    scheduleRender()
  })

  // --- replies ---------------------------------------------------------------------------------

  connection.on('reply', ({ request, reply }) => {
    switch (request.type) {
      case 'message':
        if (reply?.type === 'ack') {
          const conversation = model.acknowledge(request.id, { messageId: reply.messageId ?? null })
          if (conversation && reply.messageId !== undefined) {
            post({
              type: 'sent',
              to: conversation.name,
              messageId: reply.messageId,
              text: request.text,
              at: Date.now(),
            })
          }
        } else if (reply?.type === 'error') {
          const note = ERROR_NOTES[reply.code]?.(request.to) ?? reply.message
          model.fail(request.id, note)
          view.announce(`Your message to ${request.to} was not sent: ${note}`)
        }
        break
      case 'broadcast':
        if (reply?.type === 'ack') {
          model.acknowledge(request.id, { note: reply.skipped ? 'not delivered to some recipients' : null })
          post({ type: 'broadcast-sent', text: request.text, at: Date.now(), skipped: reply.skipped === true })
        } else if (reply?.type === 'error') {
          model.fail(request.id, reply.message)
        }
        break
      case 'block':
      case 'unblock':
        onBlockReply(request, reply)
        break
      case 'history':
        onHistory(request, reply)
        break
      case 'whoelsesince':
        if (reply?.type === 'users') model.setRecent(reply.users, reply.truncated === true)
        break
      case 'whoelse':
        if (reply?.type !== 'users') break
        if (request.after === undefined && request.limit === undefined) model.setOnlineList(reply.users)
        else {
          if (request.id === onlinePageRequest) onlinePageRequest = null
          model.addOnlinePage(reply.users, reply.next ?? null)
        }
        break
    }
    scheduleRender()
  })

  function onBlockReply(request, reply) {
    if (!reply) return
    const blocking = request.type === 'block'
    // Unblocking someone who was not blocked leaves them unblocked: the page just catches up.
    const done = reply.type === 'ack' || (!blocking && reply.code === 'CHAT_NOT_BLOCKED')
    const name = reply.user ?? request.user
    if (done) {
      model.setBlocked(name, blocking)
      const text = `${name} is ${blocking ? 'blocked' : 'unblocked'}`
      model.addSystem(userKey(name), text, Date.now())
      view.announce(text)
      post({ type: 'blocked', user: name, blocked: blocking })
      // Presence was hidden while blocked: ask who is online now.
      if (!blocking) connection.request({ type: 'whoelse' })
    } else {
      const text = reply.code === 'CHAT_SELF_TARGET' ? 'You cannot block yourself' : reply.message
      view.announce(text)
      model.addSystem(userKey(request.user), text, Date.now())
    }
  }

  function onHistory(request, reply) {
    const purpose = historyRequests.get(request.id)
    historyRequests.delete(request.id)
    if (!purpose) return
    const conversation = model.conversations.get(purpose.key)
    if (!reply) {
      if (conversation && purpose.first) conversation.history = 'none'
      return
    }
    if (reply.type === 'error') {
      if (conversation && purpose.first) conversation.history = 'none'
      if (purpose.starting) {
        // Never heard of: forget the placeholder conversation.
        if (conversation && conversation.messages.length === 0) model.conversations.delete(purpose.key)
        view.startError(reply.code === 'CHAT_UNKNOWN_USER' ? `There is no user named ${request.with}.` : reply.message)
      }
      return
    }
    if (reply.type !== 'history') return
    model.addHistory(reply.with, reply.messages, { first: purpose.first, limit: request.limit })
    if (purpose.starting) {
      view.clearStart()
      open(userKey(reply.with))
    }
  }

  // --- other tabs of this browser --------------------------------------------------------------

  if (channel) {
    channel.addEventListener('message', ({ data }) => {
      if (!data || typeof data !== 'object') return
      switch (data.type) {
        case 'sent':
          model.addSentElsewhere(data.to, data)
          break
        case 'broadcast-sent':
          model.addBroadcastSentElsewhere(data)
          break
        case 'read':
          model.markRead(data.key)
          break
        case 'blocked':
          model.setBlocked(data.user, data.blocked)
          break
        default:
          return
      }
      scheduleRender()
    })
  }

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && current !== null && isVisible(current) && model.markRead(current)) {
      post({ type: 'read', key: current })
      scheduleRender()
    }
  })

  // Leaving with messages not yet stored by the server would lose them: ask first.
  window.addEventListener('beforeunload', (event) => {
    if (connection.unackedCount > 0) event.preventDefault()
  })
  window.addEventListener('pagehide', () => connection.stop())
  // Back to a page kept in the back/forward cache: its socket was closed on the way out.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) connection.reconnectNow()
  })

  if (root.dataset.layout === 'full' && !isNarrow()) view.setView('conversation')
  render()
  connection.start()
}

for (const root of document.querySelectorAll('[data-chat]')) startChat(root)
