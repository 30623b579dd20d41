/**
 * Routes a decoded frame to its command. Only `lookup`, `login` and `resume` work before sign-in;
 * every other command runs with the connection's signed-in view. The gateway hands the dispatcher
 * to each connection (connections do not import commands).
 * @module
 */
import { type ClientMessage, ErrorCode, ParleyError } from '@parley/protocol'
import { recordActivity } from '../activity.js'
import type { Connection, Dispatch } from '../connection-types.js'
import type { GatewayContext } from '../context.js'
import { login, logout, lookup, resume } from './auth.js'
import { block, unblock } from './blocks.js'
import { broadcast } from './broadcast.js'
import { history } from './history.js'
import { message, received } from './messaging.js'
import { whoelse, whoelsesince } from './presence.js'
import { privateAnswer, startPrivate } from './private.js'
import { search } from './search.js'
import { limitSignInAttempt } from './sign-in-limits.js'
import {
  BEFORE_SIGN_IN,
  type BeforeSignInCommand,
  type BeforeSignInType,
  type Command,
  type SignedInType,
} from './types.js'

const BEFORE: { [T in BeforeSignInType]: BeforeSignInCommand<T> } = { lookup, login, resume }

const SIGNED_IN: { [T in SignedInType]: Command<T> } = {
  logout,
  whoelse,
  whoelsesince,
  message,
  received,
  broadcast,
  block,
  unblock,
  history,
  search,
  startprivate: startPrivate,
  private_answer: privateAnswer,
}

type BeforeSignInFrame = Extract<ClientMessage, { type: BeforeSignInType }>

function isBeforeSignIn(frame: ClientMessage): frame is BeforeSignInFrame {
  return (BEFORE_SIGN_IN as readonly string[]).includes(frame.type)
}

export function createDispatcher(ctx: GatewayContext): Dispatch {
  return async (conn: Connection, frame: ClientMessage) => {
    const signedIn = conn.signedIn()
    if (isBeforeSignIn(frame)) {
      if (frame.type !== 'resume') await limitSignInAttempt(ctx, conn, frame)
      if (signedIn) recordActivity(ctx, signedIn, frame)
      await (BEFORE[frame.type] as BeforeSignInCommand<typeof frame.type>)(ctx, conn, frame as never)
      return
    }
    if (!signedIn) throw new ParleyError(ErrorCode.Unauthorized, 'Log in first')
    recordActivity(ctx, signedIn, frame)
    await (SIGNED_IN[frame.type] as Command<typeof frame.type>)(ctx, signedIn, frame as never)
  }
}
