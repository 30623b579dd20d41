// Parley chat in the browser: the connection's state as the page shows it (the status line and the
// notice with its Reconnect / Sign in buttons and the reconnect countdown).

/** Returns the listener for the connection's `state` changes. */
export function connectionNotices(view, model) {
  let countdown = null
  let joinedOnce = false
  return (change) => {
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
        showStopped(view, change)
        break
    }
  }
}

/** Why the chat stopped, and what the user can do about it. */
function showStopped(view, { reason, message, code }) {
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
