// Parley chat in the browser: the requests the page makes and what it does with their replies
// (acks and refusals of what was sent, blocks, history pages, the online and recent lists).
import { ErrorCode } from '@parley/chat-client'
import { EVERYONE, userKey } from './chat-model.js'

const HISTORY_PAGE = 50
/** "Recently online": the last hour, as the terminal's `whoelsesince 3600`. */
const RECENT_SECONDS = 3600
/** Names per page of the online list (the gateway's largest `whoelse` page). */
const ONLINE_PAGE = 400

const ERROR_NOTES = {
  [ErrorCode.BlockedByRecipient]: () => 'the recipient has blocked you',
  [ErrorCode.UnknownUser]: (name) => `there is no user named ${name}`,
  [ErrorCode.SelfTarget]: () => 'you cannot message yourself',
}

export class ChatRequests {
  #model
  #view
  #connection
  #post
  #open
  /** history request id → what it is for. */
  #history = new Map()
  /** The `whoelse` page being loaded, if any: one at a time. */
  #onlinePage = null

  /**
   * @param {{ model: any, view: any, connection: any, post: (message: object) => void,
   *   open: (key: string) => void }} deps `post` tells the other tabs; `open` shows a conversation.
   */
  constructor({ model, view, connection, post, open }) {
    this.#model = model
    this.#view = view
    this.#connection = connection
    this.#post = post
    this.#open = open
  }

  send(key, text) {
    const at = Date.now()
    if (key === EVERYONE) {
      this.#model.addOutgoing(EVERYONE, this.#connection.request({ type: 'broadcast', text }), text, at)
    } else {
      const name = this.#model.nameOf(key)
      this.#model.addOutgoing(name, this.#connection.request({ type: 'message', to: name, text }), text, at)
    }
  }

  /** The first page of a conversation's history (`first`), or the page before the oldest shown. */
  history(key, first) {
    const conversation = this.#model.conversations.get(key)
    if (!conversation || key === EVERYONE) return
    if (first) {
      if (conversation.history !== 'none') return
      conversation.history = 'loading'
    }
    const before = first ? null : this.#model.oldestId(key)
    const frame = { type: 'history', with: conversation.name, limit: HISTORY_PAGE }
    if (before !== null) frame.before = before
    this.#history.set(this.#connection.request(frame), { key, first })
  }

  /** A conversation with someone typed in: the history says whether they exist and how the name is spelt. */
  start(name) {
    const key = userKey(name)
    this.#model.conversationWith(name)
    this.#history.set(this.#connection.request({ type: 'history', with: name, limit: HISTORY_PAGE }), {
      key,
      first: true,
      starting: true,
    })
    this.#model.conversations.get(key).history = 'loading'
  }

  block(name, block) {
    this.#connection.request({ type: block ? 'block' : 'unblock', user: name })
  }

  moreOnline() {
    if (this.#model.onlineNext === null || this.#onlinePage !== null) return
    this.#onlinePage = this.#connection.request({ type: 'whoelse', after: this.#model.onlineNext, limit: ONLINE_PAGE })
  }

  /** Signed in (again): the lists start over, and history pages asked for on a lost connection may be asked again. */
  welcomed() {
    this.#onlinePage = null
    this.#connection.request({ type: 'whoelsesince', seconds: RECENT_SECONDS })
    for (const conversation of this.#model.conversations.values()) {
      if (conversation.history === 'loading' && ![...this.#history.values()].some((r) => r.key === conversation.key)) {
        conversation.history = 'none'
      }
    }
  }

  /** A private chat asked for: a page cannot open one, so it declines. */
  decline(requestId) {
    this.#connection.request({ type: 'private_answer', requestId, accept: false })
  }

  onReply({ request, reply }) {
    const model = this.#model
    switch (request.type) {
      case 'message':
        if (reply?.type === 'ack') {
          const conversation = model.acknowledge(request.id, { messageId: reply.messageId ?? null })
          if (conversation && reply.messageId !== undefined) {
            this.#post({
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
          this.#view.announce(`Your message to ${request.to} was not sent: ${note}`)
        }
        break
      case 'broadcast':
        if (reply?.type === 'ack') {
          model.acknowledge(request.id, { note: reply.skipped ? 'not delivered to some recipients' : null })
          this.#post({ type: 'broadcast-sent', text: request.text, at: Date.now(), skipped: reply.skipped === true })
        } else if (reply?.type === 'error') {
          model.fail(request.id, reply.message)
        }
        break
      case 'block':
      case 'unblock':
        this.#onBlockReply(request, reply)
        break
      case 'history':
        this.#onHistory(request, reply)
        break
      case 'whoelsesince':
        if (reply?.type === 'users') model.setRecent(reply.users, reply.truncated === true)
        break
      case 'whoelse':
        if (reply?.type !== 'users') break
        if (request.after === undefined && request.limit === undefined) model.setOnlineList(reply.users)
        else {
          if (request.id === this.#onlinePage) this.#onlinePage = null
          model.addOnlinePage(reply.users, reply.next ?? null)
        }
        break
    }
  }

  #onBlockReply(request, reply) {
    if (!reply) return
    const blocking = request.type === 'block'
    // Unblocking someone who was not blocked leaves them unblocked: the page just catches up.
    const done = reply.type === 'ack' || (!blocking && reply.code === ErrorCode.NotBlocked)
    const name = reply.user ?? request.user
    if (done) {
      this.#model.setBlocked(name, blocking)
      const text = `${name} is ${blocking ? 'blocked' : 'unblocked'}`
      this.#model.addSystem(userKey(name), text, Date.now())
      this.#view.announce(text)
      this.#post({ type: 'blocked', user: name, blocked: blocking })
      // Presence was hidden while blocked: ask who is online now.
      if (!blocking) this.#connection.request({ type: 'whoelse' })
    } else {
      const text = reply.code === ErrorCode.SelfTarget ? 'You cannot block yourself' : reply.message
      this.#view.announce(text)
      this.#model.addSystem(userKey(request.user), text, Date.now())
    }
  }

  #onHistory(request, reply) {
    const purpose = this.#history.get(request.id)
    this.#history.delete(request.id)
    if (!purpose) return
    const conversation = this.#model.conversations.get(purpose.key)
    if (!reply) {
      if (conversation && purpose.first) conversation.history = 'none'
      return
    }
    if (reply.type === 'error') {
      if (conversation && purpose.first) conversation.history = 'none'
      if (purpose.starting) {
        // Never heard of: forget the placeholder conversation.
        if (conversation && conversation.messages.length === 0) this.#model.conversations.delete(purpose.key)
        this.#view.startError(
          reply.code === ErrorCode.UnknownUser ? `There is no user named ${request.with}.` : reply.message,
        )
      }
      return
    }
    if (reply.type !== 'history') return
    this.#model.addHistory(reply.with, reply.messages, { first: purpose.first, limit: request.limit })
    if (purpose.starting) {
      this.#view.clearStart()
      this.#open(userKey(reply.with))
    }
  }
}
