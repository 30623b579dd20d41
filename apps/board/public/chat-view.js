// Parley chat in the browser: the DOM. It fills the server-rendered shell (views/partials/
// chat-panel.eta) from the model, updating elements in place (focus and open menus survive live
// updates). Every name and text from the network goes in with textContent, never as HTML.
import { showLinkedText } from './chat-links.js'
import { EVERYONE } from './chat-model.js'

const PRIVATE_NOTE =
  'Private chat is not available in the browser: it is a direct encrypted link between two terminal ' +
  'clients, which a web page cannot open. Use the terminal client (chat-cli) for it.'

const STATUS_TEXT = { pending: 'Sending…', sent: 'Sent', failed: 'Not sent' }

function timeText(at) {
  const date = new Date(at)
  const today = new Date()
  const sameDay = date.toDateString() === today.toDateString()
  return date.toLocaleString(undefined, sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' })
}

export class ChatView {
  #root
  #handlers
  #el
  #templates
  #contactItems = new Map()
  #messageItems = new WeakMap()
  #renderedKey = null
  #menuCount = 0
  #baseTitle = document.title

  constructor(root, handlers) {
    this.#root = root
    this.#handlers = handlers
    const role = (name) => root.querySelector(`[data-role="${name}"]`)
    this.#el = {
      status: role('status'),
      totalUnread: role('total-unread'),
      notice: role('notice'),
      noticeText: role('notice-text'),
      noticeCountdown: role('notice-countdown'),
      reconnect: role('reconnect'),
      signin: role('signin'),
      startForm: role('start-form'),
      pinned: role('pinned'),
      groups: {
        online: role('group-online'),
        conversations: role('group-conversations'),
        recent: role('group-recent'),
        blocked: role('group-blocked'),
      },
      titles: {
        conversations: role('title-conversations'),
        recent: role('title-recent'),
        blocked: role('title-blocked'),
      },
      emptyOnline: role('empty-online'),
      moreOnline: role('more-online'),
      recentTruncated: role('recent-truncated'),
      conversationTitle: role('conversation-title'),
      conversationPresence: role('conversation-presence'),
      conversationMenu: role('conversation-menu'),
      conversationHint: role('conversation-hint'),
      older: role('older'),
      messages: role('messages'),
      messagesEmpty: role('messages-empty'),
      composer: role('composer'),
      composerLabel: role('composer-label'),
      announcer: role('announcer'),
    }
    this.#el.text = this.#el.composer.querySelector('textarea')
    this.#el.startInput = this.#el.startForm.querySelector('input')
    const template = (name) => root.querySelector(`template[data-template="${name}"]`).content.firstElementChild
    this.#templates = { contact: template('contact'), menu: template('user-menu'), message: template('message') }
    this.#listen()
  }

  get layout() {
    return this.#root.dataset.layout
  }

  // --- input -----------------------------------------------------------------------------------

  #listen() {
    const el = this.#el
    // The online list loads page by page as it is scrolled: the next page when its button comes into view.
    if (typeof IntersectionObserver === 'function') {
      new IntersectionObserver((entries) => {
        if (entries.some((entry) => entry.isIntersecting) && !el.moreOnline.hidden) this.#handlers.onMoreOnline()
      }).observe(el.moreOnline)
    }
    this.#root.addEventListener('click', (event) => {
      const target = event.target.closest('[data-action]')
      if (!target || !this.#root.contains(target)) return
      switch (target.dataset.action) {
        case 'open':
          this.#handlers.onOpen(target.closest('[data-key]').dataset.key)
          break
        case 'back':
          this.#handlers.onBack()
          break
        case 'older':
          this.#handlers.onOlder()
          break
        case 'more-online':
          this.#handlers.onMoreOnline()
          break
        case 'reconnect':
          this.#handlers.onReconnect()
          break
        case 'block':
          target.closest('details')?.removeAttribute('open')
          this.#handlers.onBlock(target.dataset.user, target.dataset.block === 'true')
          break
        case 'private':
          // Disabled on purpose; the note next to it says why. Read it out for those who cannot see it.
          this.announce(PRIVATE_NOTE)
          break
      }
    })
    el.composer.addEventListener('submit', (event) => {
      event.preventDefault()
      const text = el.text.value
      if (text.trim() === '') return
      if (this.#handlers.onSend(text)) el.text.value = ''
    })
    el.text.addEventListener('keydown', (event) => {
      // Enter sends; Shift+Enter is a new line; Enter while an input method composes is not ours.
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return
      event.preventDefault()
      el.composer.requestSubmit()
    })
    el.startForm.addEventListener('submit', (event) => {
      event.preventDefault()
      const name = el.startInput.value.trim()
      if (name !== '') this.#handlers.onStart(name)
    })
    el.startInput.addEventListener('input', () => this.startError(null))
    // Escape closes an open menu and gives focus back to its button.
    this.#root.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return
      const menu = event.target.closest('details[open]')
      if (!menu) return
      menu.removeAttribute('open')
      menu.querySelector('summary').focus()
    })
    document.addEventListener('click', (event) => {
      for (const menu of this.#root.querySelectorAll('details.chat-menu[open]')) {
        if (!menu.contains(event.target)) menu.removeAttribute('open')
      }
    })
  }

  // --- status and notices ----------------------------------------------------------------------

  setStatus(text, state) {
    this.#el.status.textContent = text
    this.#el.status.dataset.state = state
  }

  /**
   * A notice over the chat: why it is not connected, and what to do. The text is an alert (read out
   * once when it changes); the countdown next to it is for the eyes only, not read every second.
   * @param {string} text
   * @param {{ reconnect?: boolean | 'now', signin?: boolean, countdown?: string }} [options]
   */
  showNotice(text, { reconnect = false, signin = false, countdown = '' } = {}) {
    const el = this.#el
    if (el.noticeText.textContent !== text || el.notice.hidden) el.noticeText.textContent = text
    el.noticeCountdown.textContent = countdown
    el.reconnect.hidden = !reconnect
    el.reconnect.textContent = reconnect === 'now' ? 'Reconnect now' : 'Reconnect'
    el.signin.hidden = !signin
    el.notice.hidden = false
  }

  hideNotice() {
    this.#el.notice.hidden = true
  }

  /** Read out by screen readers (a polite live region). */
  announce(text) {
    const announcer = this.#el.announcer
    // Clearing first makes the same text announced again.
    announcer.textContent = ''
    setTimeout(() => {
      announcer.textContent = text
    }, 50)
  }

  startError(text) {
    const input = this.#el.startInput
    let error = this.#el.startForm.querySelector('.field-error')
    if (text === null) {
      input.removeAttribute('aria-invalid')
      input.removeAttribute('aria-describedby')
      error?.remove()
      return
    }
    if (!error) {
      error = document.createElement('p')
      error.className = 'field-error'
      error.id = `${input.id}-error`
      this.#el.startForm.append(error)
    }
    error.textContent = text
    input.setAttribute('aria-invalid', 'true')
    input.setAttribute('aria-describedby', error.id)
  }

  clearStart() {
    this.#el.startInput.value = ''
    this.startError(null)
  }

  /** On a narrow screen (and in the compact panel) the list and the conversation take turns. */
  setView(view) {
    this.#root.dataset.view = view
  }

  focusComposer() {
    this.#el.text.focus()
  }

  focusContact(key) {
    this.#contactItems.get(key)?.querySelector('[data-action="open"]')?.focus()
  }

  composerText() {
    return this.#el.text.value
  }

  // --- rendering -------------------------------------------------------------------------------

  render(model, currentKey, connected) {
    const focused = document.activeElement
    this.#renderContacts(model, currentKey)
    this.#renderConversation(model, currentKey, connected)
    const total = model.totalUnread()
    this.#el.totalUnread.hidden = total === 0
    this.#el.totalUnread.textContent = total === 0 ? '' : `${total} unread`
    if (this.layout === 'full') document.title = total === 0 ? this.#baseTitle : `(${total}) ${this.#baseTitle}`
    // Moving an element in the DOM drops its focus: give it back.
    if (focused && focused !== document.activeElement && focused.isConnected) focused.focus({ preventScroll: true })
  }

  #renderContacts(model, currentKey) {
    const groups = model.groups()
    if (currentKey !== EVERYONE && currentKey !== null) {
      const listed = Object.values(groups).some((keys) => keys.includes(currentKey))
      if (!listed) groups.conversations.unshift(currentKey)
    }
    const used = new Set()
    this.#fill(this.#el.pinned, [EVERYONE], model, currentKey, used)
    for (const [group, keys] of Object.entries(groups)) {
      this.#fill(this.#el.groups[group], keys, model, currentKey, used)
      if (this.#el.titles[group]) this.#el.titles[group].hidden = keys.length === 0
    }
    this.#el.emptyOnline.hidden = groups.online.length > 0
    const notListed = model.onlineNotListed()
    this.#el.moreOnline.hidden = model.onlineNext === null
    this.#el.moreOnline.textContent =
      notListed > 0 ? `Show more people online (${notListed} more)` : 'Show more people online'
    this.#el.recentTruncated.hidden = !model.recentTruncated
    for (const [key, item] of this.#contactItems) {
      if (!used.has(key)) {
        item.remove()
        this.#contactItems.delete(key)
      }
    }
  }

  #fill(list, keys, model, currentKey, used) {
    keys.forEach((key, index) => {
      used.add(key)
      let item = this.#contactItems.get(key)
      if (!item) {
        item = this.#templates.contact.cloneNode(true)
        item.dataset.key = key
        this.#contactItems.set(key, item)
      }
      this.#updateContact(item, key, model, key === currentKey)
      if (list.children[index] !== item) list.insertBefore(item, list.children[index] ?? null)
    })
  }

  #presenceOf(model, key) {
    if (key === EVERYONE) return { state: 'everyone', text: 'broadcast' }
    const name = model.nameOf(key)
    if (model.isBlocked(name)) return { state: 'blocked', text: 'blocked' }
    if (model.isOnline(name)) return { state: 'online', text: 'online' }
    return { state: 'offline', text: 'offline' }
  }

  #updateContact(item, key, model, current) {
    const name = model.nameOf(key)
    const conversation = model.conversations.get(key)
    const unread = conversation?.unread ?? 0
    const presence = this.#presenceOf(model, key)
    item.dataset.state = presence.state
    const open = item.querySelector('[data-action="open"]')
    if (current) open.setAttribute('aria-current', 'true')
    else open.removeAttribute('aria-current')
    item.querySelector('.chat-contact-name').textContent = name
    item.querySelector('.chat-contact-state').textContent = presence.text
    const badge = item.querySelector('.chat-badge')
    badge.hidden = unread === 0
    badge.textContent = unread === 0 ? '' : `${unread} unread`
    if (key === EVERYONE) return
    let menu = item.querySelector('details.chat-menu')
    if (!menu) {
      menu = this.#newMenu()
      item.append(menu)
    }
    this.#updateMenu(menu, name, model.isBlocked(name))
  }

  #newMenu() {
    const menu = this.#templates.menu.cloneNode(true)
    this.#menuCount += 1
    const note = menu.querySelector('.chat-menu-note')
    note.id = `chat-${this.layout}-private-note-${this.#menuCount}`
    note.textContent = PRIVATE_NOTE
    note.hidden = false
    const privateItem = menu.querySelector('[data-action="private"]')
    privateItem.textContent = 'Private chat (unavailable in the browser)'
    privateItem.setAttribute('aria-describedby', note.id)
    return menu
  }

  #updateMenu(menu, name, blocked) {
    menu.querySelector('summary .visually-hidden').textContent = `Options for ${name}`
    const block = menu.querySelector('[data-action="block"]')
    block.dataset.user = name
    block.dataset.block = blocked ? 'false' : 'true'
    block.textContent = blocked ? `Unblock ${name}` : `Block ${name}`
  }

  #renderConversation(model, key, connected) {
    const el = this.#el
    const conversation = key === null ? null : model.conversations.get(key)
    if (!conversation) return
    const name = model.nameOf(key)
    const everyone = key === EVERYONE
    const presence = this.#presenceOf(model, key)
    el.conversationTitle.textContent = name
    el.conversationPresence.textContent = everyone ? '' : presence.text
    el.conversationPresence.dataset.state = presence.state
    el.composerLabel.textContent = everyone ? 'Message everyone online' : `Message to ${name}`

    let menu = el.conversationMenu.querySelector('details.chat-menu')
    if (everyone) {
      menu?.remove()
    } else {
      if (!menu) {
        menu = this.#newMenu()
        el.conversationMenu.append(menu)
      }
      this.#updateMenu(menu, name, model.isBlocked(name))
    }

    el.conversationHint.textContent = everyone
      ? 'Broadcasts reach everyone online now, except people who blocked you. Nobody gets them later.'
      : presence.state === 'blocked'
        ? `You blocked ${name}: ${name} cannot send you messages, and neither of you sees the other online.`
        : presence.state === 'offline'
          ? `${name} is offline. Your messages wait and are delivered when ${name} is back.`
          : ''
    el.conversationHint.hidden = el.conversationHint.textContent === ''

    el.older.hidden = everyone || !conversation.hasOlder
    el.messagesEmpty.hidden = conversation.messages.length > 0
    el.messagesEmpty.textContent =
      !everyone && conversation.history !== 'done' && connected ? 'Loading messages…' : 'No messages yet.'
    this.#renderMessages(conversation, key)
  }

  #renderMessages(conversation, key) {
    const list = this.#el.messages
    const switched = this.#renderedKey !== key
    if (switched) {
      list.replaceChildren()
      this.#renderedKey = key
    }
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 48
    const firstBefore = list.firstElementChild
    const heightBefore = list.scrollHeight
    const topBefore = list.scrollTop
    conversation.messages.forEach((message, index) => {
      let item = this.#messageItems.get(message)
      if (!item) {
        item = this.#templates.message.cloneNode(true)
        this.#messageItems.set(message, item)
      }
      this.#updateMessage(item, message)
      if (list.children[index] !== item) list.insertBefore(item, list.children[index] ?? null)
    })
    while (list.children.length > conversation.messages.length) list.lastElementChild.remove()

    if (switched || nearBottom) {
      list.scrollTop = list.scrollHeight
    } else if (firstBefore && list.firstElementChild !== firstBefore) {
      // Older messages came in above: keep the ones being read where they were.
      list.scrollTop = topBefore + (list.scrollHeight - heightBefore)
    }
  }

  #updateMessage(item, message) {
    item.classList.toggle('mine', message.mine)
    item.classList.toggle('system', message.system)
    item.dataset.status = message.status ?? ''
    if (message.messageId !== null) item.dataset.messageId = String(message.messageId)
    if (message.clientId !== null) item.dataset.clientId = message.clientId
    item.querySelector('.chat-message-from').textContent = message.system ? '' : message.mine ? 'You' : message.from
    const time = item.querySelector('time')
    time.dateTime = new Date(message.at).toISOString()
    time.textContent = timeText(message.at)
    const status = item.querySelector('.chat-message-status')
    status.textContent =
      message.status === null
        ? ''
        : message.note
          ? `${STATUS_TEXT[message.status]}: ${message.note}`
          : STATUS_TEXT[message.status]
    showLinkedText(item.querySelector('.chat-message-text'), message.text)
  }
}
