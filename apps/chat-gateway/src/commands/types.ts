/**
 * The shape of a command: what it receives and what it may touch. Commands that work before
 * sign-in (`lookup`, `login`, `resume`) get a plain `Connection`; every other command gets a
 * `SignedInConnection`, so its user is always there.
 * @module
 */
import type { ClientMessageOf, ClientMessageType } from '@parley/protocol'
import type { Connection, SignedInConnection } from '../connection-types.js'
import type { GatewayContext } from '../context.js'

/** The frames a connection may send before it is signed in. */
export const BEFORE_SIGN_IN = ['lookup', 'login', 'resume'] as const
export type BeforeSignInType = (typeof BEFORE_SIGN_IN)[number]
export type SignedInType = Exclude<ClientMessageType, BeforeSignInType>

/** A command that runs before sign-in (and refuses itself when already signed in, where that matters). */
export type BeforeSignInCommand<T extends BeforeSignInType> = (
  ctx: GatewayContext,
  conn: Connection,
  frame: ClientMessageOf<T>,
) => Promise<void>

/** A command of a signed-in connection. */
export type Command<T extends SignedInType> = (
  ctx: GatewayContext,
  conn: SignedInConnection,
  frame: ClientMessageOf<T>,
) => Promise<void>
