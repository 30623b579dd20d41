// Parley chat in the browser: what the gateway pushes (messages, broadcasts, presence, private chat
// requests, goodbyes) into the model, with a screen-reader announcement for each. Frames the page
// does not know yet are left alone.
import { EVERYONE, userKey } from './chat-model.js'

function excerpt(text, length = 140) {
  return text.length > length ? `${text.slice(0, length)}…` : text
}

/**
 * @param {{ model: any, view: any, requests: any, isVisible: (key: string) => boolean,
 *   shown: (messageId: number) => void }} deps `shown`: a message to confirm once it is on the page.
 */
export function pushHandlers({ model, view, requests, isVisible, shown }) {
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

  return {
    onMessage(event) {
      const conversation = model.addIncoming(event, isVisible(userKey(event.from)))
      shown(event.messageId)
      if (conversation) {
        view.announce(`${event.offline ? 'While you were away, ' : ''}${event.from} wrote: ${excerpt(event.text)}`)
      }
    },

    onEvent(event) {
      switch (event.type) {
        case 'presence':
          onPresence([event])
          break
        case 'presence_batch':
          onPresence(event.changes)
          break
        case 'sent':
          // A message this user sent from another device (the terminal, a phone): shown as theirs, once.
          model.addSentElsewhere(event.to, event)
          break
        case 'broadcast':
          model.addBroadcast(event, isVisible(EVERYONE))
          view.announce(`${event.from} wrote to everyone: ${excerpt(event.text)}`)
          break
        case 'private_request': {
          // A browser page cannot open the direct TLS link a private chat needs: decline at once, and say so.
          requests.decline(event.requestId)
          const text =
            `${event.from} asked for a private chat. Private chats are direct links between terminal clients, ` +
            'which a browser cannot open, so it was declined. Use the terminal client for a private chat.'
          model.addSystem(model.conversationWith(event.from).key, text, Date.now())
          view.announce(text)
          break
        }
        case 'notification': {
          // A mention or reply on the board (issue 17): a line in "Everyone" and an announcement; text only.
          const what = event.kind === 'reply' ? 'replied to your post' : 'mentioned you on the board'
          const text = `${event.from} ${what}: ${event.excerpt}`
          model.addSystem(EVERYONE, text, event.at)
          view.announce(text)
          break
        }
        case 'bye':
          view.announce(event.message)
          break
      }
    },
  }
}
