/**
 * Field schemas shared by every frame. Limits live here so the gateway, the CLI and the browser
 * agree on them.
 * @module
 */
import { type Static, Type } from 'typebox'

export const PROTOCOL_VERSION = 1
/** The WebSocket subprotocol a client offers; the gateway selects it or refuses the upgrade. */
export const SUBPROTOCOL = 'parley.v1'

export const MAX_TEXT_LENGTH = 2000
export const MAX_USERNAME_LENGTH = 32
export const MAX_PASSWORD_LENGTH = 1024
/** `welcome` lists at most this many online users; the rest come from `whoelse` in pages. */
export const WELCOME_ONLINE_LIMIT = 100
/** The largest `whoelse` page: 400 names of the longest kind (128 bytes) stay under a 64 KiB frame. */
export const MAX_WHOELSE_PAGE = 400

/** A client-chosen request id. For `message` frames it is also the deduplication key of resends. */
export const ClientId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })
export type ClientId = Static<typeof ClientId>

/** Shape only: the naming rules (NFC, characters) are enforced by @parley/auth. */
export const Username = Type.String({ minLength: 1, maxLength: MAX_USERNAME_LENGTH * 4 })
export const Password = Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH * 4 })
export const Text = Type.String({ minLength: 1, maxLength: MAX_TEXT_LENGTH })
export const MessageId = Type.Integer({ minimum: 1 })
/** Epoch milliseconds. */
export const Timestamp = Type.Integer({ minimum: 0 })
