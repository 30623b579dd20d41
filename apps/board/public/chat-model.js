// Parley chat in the browser: what the page knows (people, presence, blocks, conversations,
// unread counts), without DOM or sockets, so its rules are tested directly in Node.

/** The broadcast conversation ("Everyone"); user keys start with "u:", so no name can collide. */
export const EVERYONE = 'everyone'

/** Usernames are case-insensitive (NFC): the same person whatever the case typed. */
export function userKey(name) {
  return `u:${String(name).normalize('NFC').toLowerCase()}`
}

function byName(a, b) {
  return a.localeCompare(b)
}

export class ChatModel {
  constructor(me) {
    this.me = me
    /** key → display name of users online now (never me). */
    this.online = new Map()
    /** key → display name of users seen online lately but not now. */
    this.recent = new Map()
    this.recentTruncated = false
    /** The gateway lists who is online in pages: where the next one starts (null: all loaded), and how many in all. */
    this.onlineNext = null
    this.onlineTotal = 0
    /** key → display name of users I blocked. */
    this.blocked = new Map()
    /** key → conversation; the Everyone conversation always exists. */
    this.conversations = new Map()
    this.conversations.set(EVERYONE, this.#newConversation(EVERYONE, 'Everyone'))
    this.#seq = 0
  }

  #seq

  #newConversation(key, name) {
    return {
      key,
      name,
      /** Sorted for display: stored messages by messageId, local ones where they were typed. */
      messages: [],
      byMessageId: new Map(),
      byClientId: new Map(),
      unread: 0,
      /** 'none' | 'loading' | 'done': the first history page. */
      history: 'none',
      hasOlder: false,
      lastActivity: 0,
    }
  }

  isMe(name) {
    return userKey(name) === userKey(this.me)
  }

  /** The conversation with `name` (created when missing); a server-given name replaces a typed one. */
  conversationWith(name) {
    const key = userKey(name)
    let conversation = this.conversations.get(key)
    if (!conversation) {
      conversation = this.#newConversation(key, name)
      this.conversations.set(key, conversation)
    }
    return conversation
  }

  /** A user's display name as the server spells it, when known. */
  nameOf(key) {
    if (key === EVERYONE) return 'Everyone'
    return (
      this.online.get(key) ??
      this.blocked.get(key) ??
      this.conversations.get(key)?.name ??
      this.recent.get(key) ??
      key.slice(2)
    )
  }

  // --- presence and blocks -------------------------------------------------------------------

  /** The state after a (re)connect: `welcome.online` and `welcome.blocked`. */
  setWelcome(me, online, blocked, onlineNext = null, onlineTotal = online.length) {
    this.me = me
    this.onlineNext = onlineNext
    this.onlineTotal = onlineTotal
    // Whoever was online before the drop and is not now has been online lately.
    for (const [key, name] of this.online) this.recent.set(key, name)
    this.online.clear()
    for (const name of online) this.setOnline(name)
    this.blocked.clear()
    for (const name of blocked) this.blocked.set(userKey(name), name)
  }

  setOnline(name) {
    if (this.isMe(name)) return
    const key = userKey(name)
    this.online.set(key, name)
    this.recent.delete(key)
  }

  setOffline(name) {
    const key = userKey(name)
    this.online.delete(key)
    if (!this.isMe(name)) this.recent.set(key, name)
  }

  /** A further page of who is online (`whoelse` with `after`): added to the list. */
  addOnlinePage(names, next) {
    for (const name of names) this.setOnline(name)
    this.onlineNext = next
  }

  /** How many online users are not listed yet (their pages are not loaded). */
  onlineNotListed() {
    return this.onlineNext === null ? 0 : Math.max(0, this.onlineTotal - this.online.size)
  }

  /** `whoelse` answered: exactly these are online now. */
  setOnlineList(names) {
    const now = new Set(names.map(userKey))
    for (const [key, name] of this.online) if (!now.has(key)) this.setOffline(name)
    for (const name of names) this.setOnline(name)
  }

  /**
   * `whoelsesince` answered: those not online now are "recently online". `truncated`: the gateway
   * listed only some of them (its answers are bounded); the page says so.
   */
  setRecent(names, truncated = false) {
    this.recentTruncated = truncated
    for (const name of names) {
      const key = userKey(name)
      if (!this.online.has(key) && !this.isMe(name)) this.recent.set(key, name)
    }
  }

  setBlocked(name, blocked) {
    const key = userKey(name)
    if (blocked) {
      this.blocked.set(key, name)
      // Presence is hidden both ways between a blocker and the blocked.
      if (this.online.delete(key)) this.recent.set(key, name)
    } else {
      this.blocked.delete(key)
    }
  }

  isBlocked(name) {
    return this.blocked.has(userKey(name))
  }

  isOnline(name) {
    return this.online.has(userKey(name))
  }

  /**
   * The people in the side list, each in one group: blocked, else online, else someone with a
   * conversation on this page, else recently online.
   */
  groups() {
    const blocked = [...this.blocked.keys()]
    const online = [...this.online.keys()].filter((key) => !this.blocked.has(key))
    const conversations = [...this.conversations.values()]
      .filter((c) => c.key !== EVERYONE && !this.blocked.has(c.key) && !this.online.has(c.key) && c.messages.length > 0)
      .sort((a, b) => b.lastActivity - a.lastActivity || byName(a.name, b.name))
      .map((c) => c.key)
    const taken = new Set([...blocked, ...online, ...conversations])
    const recent = [...this.recent.keys()].filter((key) => !taken.has(key))
    const sortByName = (keys) => keys.sort((a, b) => byName(this.nameOf(a), this.nameOf(b)))
    return {
      online: sortByName(online),
      conversations,
      recent: sortByName(recent),
      blocked: sortByName(blocked),
    }
  }

  // --- messages ------------------------------------------------------------------------------

  /** Stored messages by server id; local ones (no id yet) right after the newest stored one known when made. */
  #before(a, b) {
    const a1 = a.messageId ?? a.after + 0.5
    const b1 = b.messageId ?? b.after + 0.5
    return a1 < b1 || (a1 === b1 && a.seq < b.seq)
  }

  #place(conversation, message) {
    const list = conversation.messages
    let index = list.length
    while (index > 0 && !this.#before(list[index - 1], message)) index -= 1
    list.splice(index, 0, message)
    if (message.messageId !== null) conversation.byMessageId.set(message.messageId, message)
    if (message.clientId !== null) conversation.byClientId.set(message.clientId, message)
    conversation.lastActivity = Math.max(conversation.lastActivity, message.at)
  }

  /** Where a local message sorts: after the newest stored one; broadcasts have no ids, only order. */
  #afterFor(conversation) {
    return conversation.key === EVERYONE ? Number.MAX_SAFE_INTEGER : this.#newestId(conversation)
  }

  #newestId(conversation) {
    let newest = 0
    for (const id of conversation.byMessageId.keys()) newest = Math.max(newest, id)
    return newest
  }

  #message(fields) {
    this.#seq += 1
    return {
      messageId: null,
      clientId: null,
      after: 0,
      mine: false,
      system: false,
      /** 'pending' | 'sent' | 'failed' for my messages; null for others'. */
      status: null,
      note: null,
      seq: this.#seq,
      ...fields,
    }
  }

  /**
   * A message pushed by the gateway. `visible`: its conversation is on screen, so it is read at once.
   * Returns the conversation, or null when it was already known (never shown twice).
   */
  addIncoming({ messageId, from, text, at }, visible) {
    const conversation = this.conversationWith(from)
    if (conversation.byMessageId.has(messageId)) return null
    conversation.name = from
    this.#place(conversation, this.#message({ messageId, from, text, at }))
    if (!visible) conversation.unread += 1
    return conversation
  }

  /** A message I typed, shown as pending until acked. */
  addOutgoing(to, clientId, text, at) {
    const conversation = to === EVERYONE ? this.conversations.get(EVERYONE) : this.conversationWith(to)
    const after = this.#afterFor(conversation)
    this.#place(
      conversation,
      this.#message({ clientId, from: this.me, text, at, mine: true, status: 'pending', after }),
    )
    return conversation
  }

  #findByClientId(clientId) {
    for (const conversation of this.conversations.values()) {
      const message = conversation.byClientId.get(clientId)
      if (message) return { conversation, message }
    }
    return null
  }

  /**
   * The gateway stored my message: it now has its server id (and sorts by it).
   * @param {string} clientId
   * @param {{ messageId?: number | null, note?: string | null }} [result]
   */
  acknowledge(clientId, { messageId = null, note = null } = {}) {
    const found = this.#findByClientId(clientId)
    if (!found) return null
    const { conversation, message } = found
    message.status = 'sent'
    message.note = note
    if (messageId !== null && !conversation.byMessageId.has(messageId)) {
      conversation.messages.splice(conversation.messages.indexOf(message), 1)
      message.messageId = messageId
      this.#place(conversation, message)
    } else if (messageId !== null) {
      // Another tab told us about it first: keep one copy.
      conversation.messages.splice(conversation.messages.indexOf(message), 1)
      conversation.byClientId.delete(clientId)
    }
    return conversation
  }

  fail(clientId, note) {
    const found = this.#findByClientId(clientId)
    if (!found) return null
    found.message.status = 'failed'
    found.message.note = note
    return found.conversation
  }

  /** A message I sent from another tab of this browser (already stored: it has its id). */
  addSentElsewhere(to, { messageId, text, at }) {
    const conversation = this.conversationWith(to)
    if (conversation.byMessageId.has(messageId)) return null
    this.#place(conversation, this.#message({ messageId, from: this.me, text, at, mine: true, status: 'sent' }))
    return conversation
  }

  /** A broadcast I sent from another tab of this browser. */
  addBroadcastSentElsewhere({ text, at, skipped }) {
    const conversation = this.conversations.get(EVERYONE)
    const note = skipped ? 'not delivered to some recipients' : null
    const message = this.#message({ from: this.me, text, at, mine: true, status: 'sent', note })
    message.after = Number.MAX_SAFE_INTEGER
    this.#place(conversation, message)
    return conversation
  }

  addBroadcast({ from, text, at }, visible) {
    const conversation = this.conversations.get(EVERYONE)
    this.#place(conversation, this.#message({ from, text, at, after: Number.MAX_SAFE_INTEGER }))
    if (!visible) conversation.unread += 1
    return conversation
  }

  /** A line from the page itself (a block, a declined private chat), in a conversation. */
  addSystem(key, text, at) {
    const conversation = this.conversations.get(key) ?? this.conversationWith(this.nameOf(key))
    const after = this.#afterFor(conversation)
    this.#place(conversation, this.#message({ from: '', text, at, system: true, after }))
    return conversation
  }

  /**
   * A page of `history` (newest first). `first`: the newest page (opening the conversation).
   * Returns how many messages were new to the page.
   */
  addHistory(name, messages, { first, limit }) {
    const conversation = this.conversationWith(name)
    conversation.name = name
    if (first) this.#anchorLocalLines(conversation, messages)
    let added = 0
    for (const m of messages) {
      if (conversation.byMessageId.has(m.messageId)) continue
      const mine = this.isMe(m.from)
      this.#place(
        conversation,
        this.#message({
          messageId: m.messageId,
          from: m.from,
          text: m.text,
          at: m.at,
          mine,
          status: mine ? 'sent' : null,
        }),
      )
      added += 1
    }
    if (first) conversation.history = 'done'
    conversation.hasOlder = messages.length >= limit
    return added
  }

  /**
   * Lines made on this page before its history came (a block notice, a message typed at once) were
   * placed knowing none of the older messages. Those older messages come now, in the first page:
   * the ones not already seen live were all stored before, so the local lines go after them.
   */
  #anchorLocalLines(conversation, page) {
    let floor = Number.POSITIVE_INFINITY
    for (const id of conversation.byMessageId.keys()) floor = Math.min(floor, id)
    let older = 0
    for (const m of page) if (m.messageId < floor) older = Math.max(older, m.messageId)
    let moved = false
    for (const message of conversation.messages) {
      if (message.messageId === null && message.after < older) {
        message.after = older
        moved = true
      }
    }
    if (moved) conversation.messages.sort((a, b) => (this.#before(a, b) ? -1 : this.#before(b, a) ? 1 : 0))
  }

  /** The oldest stored message id of a conversation: the cursor of the next older page. */
  oldestId(key) {
    let oldest = null
    for (const id of this.conversations.get(key)?.byMessageId.keys() ?? []) {
      if (oldest === null || id < oldest) oldest = id
    }
    return oldest
  }

  markRead(key) {
    const conversation = this.conversations.get(key)
    if (!conversation || conversation.unread === 0) return false
    conversation.unread = 0
    return true
  }

  totalUnread() {
    let total = 0
    for (const conversation of this.conversations.values()) total += conversation.unread
    return total
  }
}
