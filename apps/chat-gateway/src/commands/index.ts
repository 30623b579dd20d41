/**
 * Routes a decoded frame to its command. Only `lookup`, `login` and `resume` work before sign-in.
 * @module
 */
import {
  type ClientMessage,
  type ClientMessageOf,
  type ClientMessageType,
  ErrorCode,
  ParleyError,
} from '@parley/protocol'
import { recordActivity } from '../activity.js'
import type { Connection } from '../connection.js'
import type { GatewayContext } from '../context.js'
import { login, logout, lookup, resume } from './auth.js'
import { block, unblock } from './blocks.js'
import { broadcast } from './broadcast.js'
import { history } from './history.js'
import { message, received } from './messaging.js'
import { whoelse, whoelsesince } from './presence.js'
import { privateAnswer, startPrivate } from './private.js'
import { limitSignInAttempt } from './sign-in-limits.js'

export type Command<T extends ClientMessageType> = (
  ctx: GatewayContext,
  conn: Connection,
  frame: ClientMessageOf<T>,
) => Promise<void>

const COMMANDS: { [T in ClientMessageType]: Command<T> } = {
  lookup,
  login,
  resume,
  logout,
  whoelse,
  whoelsesince,
  message,
  received,
  broadcast,
  block,
  unblock,
  history,
  startprivate: startPrivate,
  private_answer: privateAnswer,
}

const BEFORE_SIGN_IN = new Set<ClientMessageType>(['lookup', 'login', 'resume'])

export async function dispatch(ctx: GatewayContext, conn: Connection, frame: ClientMessage): Promise<void> {
  if (!conn.user && !BEFORE_SIGN_IN.has(frame.type)) {
    throw new ParleyError(ErrorCode.Unauthorized, 'Log in first')
  }
  if (frame.type === 'lookup' || frame.type === 'login') await limitSignInAttempt(ctx, conn, frame)
  recordActivity(ctx, conn, frame)
  await (COMMANDS[frame.type] as Command<typeof frame.type>)(ctx, conn, frame as never)
}
