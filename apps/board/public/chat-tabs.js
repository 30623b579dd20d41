// Parley chat in the browser: the tabs of one user. Each tab has its own connection; they tell each
// other what they sent, read and blocked over a BroadcastChannel (same origin only, no secrets in it).
import { userKey } from './chat-model.js'

/**
 * Joins the user's channel: what other tabs say is applied to `model`, then `onChange()` runs.
 * Returns `post(message)`, which tells the other tabs (a no-op where BroadcastChannel is missing).
 */
export function connectTabs(model, onChange) {
  const channel = 'BroadcastChannel' in window ? new BroadcastChannel(`parley-chat:${userKey(model.me)}`) : null
  channel?.addEventListener('message', ({ data }) => {
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
    onChange()
  })
  return (message) => channel?.postMessage(message)
}
