/**
 * The chat session from the user's side: sign in, then read commands and show what happens.
 * It wires the client (gateway), the private links (peers) and the view (terminal) together and
 * returns an exit code; it never exits the process itself.
 * @module
 */
import { MAX_WHOELSE_PAGE, type ServerMessage } from '@parley/protocol'
import { type ChatClient, type ClientEvent, type CloseCause, ConnectionError } from './client.js'
import { HELP_TEXT, parseCommand, parseYesNo } from './commands.js'
import { ExitCode } from './exit-codes.js'
import type { LinkEvent, PrivateLinks } from './private/links.js'
import {
  eventLines,
  type Line,
  Lines,
  loginErrorLine,
  PrivateLines,
  privateNotEnabledLine,
  replyLines,
} from './render.js'
import { sanitize } from './sanitize.js'
import { signIn } from './sign-in.js'
import type { View } from './tty.js'

export { ExitCode } from './exit-codes.js'

export interface ChatAppDeps {
  client: ChatClient
  view: View
  /** Built once the username is known (links need it). */
  createLinks: (options: { me: () => string; onEvent: (event: LinkEvent) => void }) => PrivateLinks
  /** Names for tab completion are kept here (online users, whoelse results, private peers). */
  knownUsers?: Set<string>
}

const notice = (text: string): Line => ({ kind: 'notice', text })
const error = (text: string): Line => ({ kind: 'error', text })

function closeCode(cause: CloseCause): ExitCode {
  if (cause.why === 'local') return ExitCode.Ok
  if (cause.why === 'bye' && cause.reason === 'logout') return ExitCode.Ok
  return ExitCode.SessionEnded
}

export async function runChat(deps: ChatAppDeps): Promise<ExitCode> {
  const { client, view } = deps
  const known = deps.knownUsers ?? new Set<string>()
  const questions: Array<{ requestId: string; from: string }> = []
  let interrupted = false
  let closedCause: CloseCause | null = null
  let announcedOutage = false
  let resolveStop: (() => void) | null = null
  const stopped = new Promise<null>((resolve) => {
    resolveStop = () => resolve(null)
  })

  const links = deps.createLinks({
    me: () => client.username ?? '',
    onEvent: (event) => {
      switch (event.type) {
        case 'up':
          known.add(event.user)
          return view.print(PrivateLines.started(event.user))
        case 'text':
          return view.print(PrivateLines.message(event.user, event.text))
        case 'down':
          return view.print(
            event.by === 'error'
              ? error(`Private messaging with ${sanitize(event.user)} ended: ${sanitize(event.why ?? 'link lost')}`)
              : PrivateLines.stopped(event.user),
          )
        case 'failed':
          return view.print(PrivateLines.failed(event.user, event.why))
      }
    },
  })

  const onPush = (event: ServerMessage) => {
    switch (event.type) {
      case 'presence':
        if (event.state === 'online') known.add(event.user)
        else known.delete(event.user)
        break
      case 'presence_batch':
        for (const change of event.changes) {
          if (change.state === 'online') known.add(change.user)
          else known.delete(change.user)
        }
        break
      case 'private_request':
        questions.push({ requestId: event.requestId, from: event.from })
        break
      case 'private_ready':
        if (event.role === 'acceptor') links.expect(event.user, event.ticket)
        else if (event.port !== undefined && event.hosts && event.fingerprint) {
          void links.dial(event.user, {
            ticket: event.ticket,
            port: event.port,
            hosts: event.hosts,
            fingerprint: event.fingerprint,
          })
        }
        break
      case 'bye':
        links.stopAll()
        break
    }
    for (const line of eventLines(event)) view.print(line)
  }

  const onClientEvent = (event: ClientEvent) => {
    switch (event.type) {
      case 'joined':
        for (const name of event.welcome.online) known.add(name)
        if (event.resumed) {
          if (announcedOutage) view.print(notice(Lines.reconnected))
          announcedOutage = false
        } else view.print(notice(Lines.welcome))
        return
      case 'message':
        known.add(event.message.from)
        for (const line of eventLines(event.message)) view.print(line)
        return
      case 'reply':
        if (event.reply.type === 'users') for (const name of event.reply.users) known.add(name)
        for (const line of replyLines(event.request, event.reply)) view.print(line)
        return
      case 'lost':
        return view.print(
          error(`Error. The connection dropped before "${event.request.type}" was answered; please try again`),
        )
      case 'push':
        return onPush(event.event)
      case 'reconnecting':
        if (!announcedOutage) view.print(notice(Lines.connectionLost))
        announcedOutage = true
        return
      case 'closed':
        closedCause = event.cause
        links.stopAll()
        if (event.cause.why === 'session-ended')
          view.print(error(loginErrorLine(event.cause.code, event.cause.message)))
        if (event.cause.why === 'policy') {
          view.print(
            error(
              `The server closed the connection (code ${event.cause.code}${event.cause.reason ? `: ${sanitize(event.cause.reason)}` : ''})`,
            ),
          )
        }
        resolveStop?.()
        return
    }
  }
  client.on(onClientEvent)
  view.onInterrupt(() => {
    interrupted = true
    resolveStop?.()
  })

  const finish = async (code: ExitCode): Promise<ExitCode> => {
    links.stopAll()
    if (client.state !== 'closed') await client.logout()
    view.close()
    return interrupted ? ExitCode.Interrupted : code
  }

  // --- connect and sign in -----------------------------------------------------------------
  try {
    await client.connect()
  } catch (failure) {
    view.print(error(failure instanceof ConnectionError ? failure.message : String(failure)))
    view.close()
    return ExitCode.Unreachable
  }
  let signedIn: ExitCode | 'joined'
  try {
    signedIn = await signIn(client, view, () => interrupted || closedCause !== null, stopped)
  } catch (failure) {
    view.print(error(failure instanceof ConnectionError ? failure.message : String(failure)))
    client.close()
    view.close()
    return interrupted ? ExitCode.Interrupted : ExitCode.Unreachable
  }
  if (signedIn !== 'joined') {
    client.close()
    view.close()
    return interrupted ? ExitCode.Interrupted : signedIn
  }

  // --- commands ----------------------------------------------------------------------------
  for (;;) {
    const line = await Promise.race([view.nextLine(), stopped])
    if (interrupted) return finish(ExitCode.Interrupted)
    if (closedCause) return finish(closeCode(closedCause))
    if (line === null) {
      // End of input (piped script, Ctrl-D): wait until every message is stored, then leave.
      await drainBeforeLeaving()
      return finish(closedCause ? closeCode(closedCause) : ExitCode.Ok)
    }
    const question = questions[0]
    const answer = question ? parseYesNo(line) : null
    if (question && answer !== null) {
      questions.shift()
      await answerPrivate(question, answer)
      continue
    }
    const command = parseCommand(line)
    switch (command.kind) {
      case 'empty':
        break
      case 'help':
        for (const text of HELP_TEXT) view.print(notice(text))
        break
      case 'invalid':
        view.print(error(command.reason === 'text-too-long' ? Lines.textTooLong : Lines.invalidCommand))
        break
      case 'private':
        if (!links.send(command.user, command.text)) view.print(error(privateNotEnabledLine(command.user)))
        break
      case 'stopprivate':
        // The 'down' event prints the line.
        if (!links.stop(command.user)) view.print(error(privateNotEnabledLine(command.user)))
        break
      case 'gateway':
        if (command.frame.type === 'logout') {
          links.stopAll()
          await drainBeforeLeaving()
          return finish(ExitCode.Ok)
        }
        {
          // A script's commands run one after another (its output stays in order); at a terminal
          // the prompt comes back at once and replies appear above it when they arrive.
          const reply = command.frame.type === 'whoelse' ? everyPage(command.frame) : client.request(command.frame)
          if (!view.interactive) await Promise.race([reply, stopped])
        }
        break
    }
  }

  /**
   * `whoelse` prints everyone: the gateway answers in pages of at most MAX_WHOELSE_PAGE names (each
   * page is printed as it arrives, by the `reply` handler), and the next is asked for until none is left.
   */
  async function everyPage(frame: { type: 'whoelse' }): Promise<void> {
    let reply = await client.request({ ...frame, limit: MAX_WHOELSE_PAGE })
    while (reply?.type === 'users' && reply.next !== undefined) {
      reply = await client.request({ type: 'whoelse', after: reply.next, limit: MAX_WHOELSE_PAGE })
    }
  }

  /** Nothing typed is lost by leaving: wait until the gateway has stored every message. */
  async function drainBeforeLeaving(): Promise<void> {
    const unsent = client.unackedCount
    if (unsent > 0 && client.state === 'reconnecting') {
      view.print(notice(`Waiting to deliver ${unsent} unsent message(s) before leaving (Ctrl-C quits now)`))
    }
    await Promise.race([client.drain(), stopped])
  }

  async function answerPrivate(question: { requestId: string; from: string }, accept: boolean): Promise<void> {
    if (!accept) {
      await client.request({ type: 'private_answer', requestId: question.requestId, accept: false })
      view.print(PrivateLines.declinedByMe(question.from))
      return
    }
    let endpoint: Awaited<ReturnType<PrivateLinks['offer']>>
    try {
      endpoint = await links.offer(question.from)
    } catch (failure) {
      view.print(PrivateLines.failed(question.from, (failure as Error).message))
      await client.request({ type: 'private_answer', requestId: question.requestId, accept: false })
      return
    }
    const reply = await client.request({
      type: 'private_answer',
      requestId: question.requestId,
      accept: true,
      endpoint,
    })
    if (reply?.type !== 'ack') links.cancel(question.from)
  }
}
