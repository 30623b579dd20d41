// Parley chat in the browser: wires the connection (chat-connection.js), the model (chat-model.js)
// and the view (chat-view.js) for each chat shell on the page (the /chat page or the compact panel
// beside the board). Its parts: the requests and their replies (chat-replies.js), what the gateway
// pushes (chat-pushes.js), the connection's state on screen (chat-notices.js) and the other tabs of
// this browser (chat-tabs.js).
import { ChatConnection } from './chat-connection.js'
import { ChatModel, EVERYONE, userKey } from './chat-model.js'
import { connectionNotices } from './chat-notices.js'
import { pushHandlers } from './chat-pushes.js'
import { ChatRequests } from './chat-replies.js'
import { connectTabs } from './chat-tabs.js'
import { ChatView } from './chat-view.js'

function startChat(root) {
  const model = new ChatModel(root.dataset.username)
  const connection = new ChatConnection({ url: root.dataset.gatewayUrl })
  const post = connectTabs(model, () => scheduleRender())
  /** The conversation on screen (in list view on a narrow screen, the one that was last open). */
  let current = root.dataset.layout === 'full' ? EVERYONE : null
  /** Shown messages to confirm with `received` after the next render. */
  let toConfirm = []
  let renderQueued = false

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

  function open(key, { focus = true } = {}) {
    // Someone from the online list has no conversation yet.
    if (key !== EVERYONE) model.conversationWith(model.nameOf(key))
    current = key
    if (model.markRead(key)) post({ type: 'read', key })
    view.setView('conversation')
    requests.history(key, true)
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
      requests.send(current, text)
      render()
      return true
    },
    onStart(name) {
      if (model.isMe(name)) {
        view.startError('That is you. Pick someone else.')
        return
      }
      const known = model.conversations.get(userKey(name))
      if (known && known.history !== 'none') {
        view.clearStart()
        open(userKey(name))
        return
      }
      requests.start(name)
    },
    onBlock: (name, block) => requests.block(name, block),
    onOlder() {
      if (current !== null) requests.history(current, false)
    },
    onMoreOnline: () => requests.moreOnline(),
    onReconnect: () => connection.reconnectNow(),
  })
  const requests = new ChatRequests({ model, view, connection, post, open })
  const pushes = pushHandlers({
    model,
    view,
    requests,
    isVisible,
    shown: (messageId) => toConfirm.push(messageId),
  })

  const showState = connectionNotices(view, model)
  connection.on('state', (change) => {
    showState(change)
    scheduleRender()
  })

  connection.on('welcome', (welcome) => {
    model.setWelcome(
      welcome.username,
      welcome.online,
      welcome.blocked,
      welcome.onlineNext ?? null,
      welcome.onlineTotal ?? welcome.online.length,
    )
    requests.welcomed()
    // The open conversation after a reload of its history.
    if (current !== null && (!isNarrow() || root.dataset.view === 'conversation')) requests.history(current, true)
    scheduleRender()
  })

  connection.on('message', (event) => {
    pushes.onMessage(event)
    scheduleRender()
  })
  connection.on('event', (event) => {
    pushes.onEvent(event)
    scheduleRender()
  })
  connection.on('reply', (answer) => {
    requests.onReply(answer)
    scheduleRender()
  })

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
