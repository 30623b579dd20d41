/**
 * The events gateways exchange on the bus (`chat:events`): every delivery that crosses from one
 * connection to another is published, and each instance delivers to its own connections, so the
 * same code serves one process (in-process bus) and many (Redis). Events are plain JSON and
 * self-contained (the publisher resolves blocks first); a TypeBox schema checks what arrives, so
 * a malformed or foreign message on the channel is dropped instead of reaching a client.
 * @module
 */
import type { Topic } from '@parley/bus'
import { ByeEvent, ServerMessage } from '@parley/protocol'
import { type Static, Type } from 'typebox'
import { Compile } from 'typebox/compile'

/** The bus channel (before the deployment's prefix). */
export const CHAT_EVENTS_CHANNEL = 'chat:events'

const UserId = Type.Integer({ minimum: 1 })
const ConnId = Type.String({ minLength: 1, maxLength: 64 })
const Name = Type.String({ minLength: 1, maxLength: 200 })

/**
 * Push a frame to every connection of one user, or only to `connId` (private-chat brokering), or to
 * all but `exceptConnId` (a message echoed to the sender's other devices).
 */
const DeliverEvent = Type.Object(
  {
    kind: Type.Literal('deliver'),
    userId: UserId,
    connId: Type.Optional(ConnId),
    exceptConnId: Type.Optional(ConnId),
    frame: ServerMessage,
  },
  { additionalProperties: false },
)

/** A user's first connection (anywhere) opened or last one closed; `hiddenFrom`: users blocked either way. */
const PresenceChange = Type.Object(
  {
    kind: Type.Literal('presence'),
    userId: UserId,
    username: Name,
    state: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
    at: Type.Integer({ minimum: 0 }),
    hiddenFrom: Type.Array(UserId),
  },
  { additionalProperties: false },
)

/** A broadcast for every online user except `excludeUserIds` (the sender and those who blocked them). */
const BroadcastDelivery = Type.Object(
  {
    kind: Type.Literal('broadcast'),
    fromUserId: UserId,
    from: Name,
    text: Type.String({ minLength: 1, maxLength: 2000 }),
    at: Type.Integer({ minimum: 0 }),
    excludeUserIds: Type.Array(UserId),
  },
  { additionalProperties: false },
)

/**
 * End connections of a user with a `bye`. With `sessionHash`: only that session's connections
 * (`tokenOnly`: only its token connections); `exceptConnId` spares the connection that asked.
 */
const KickEvent = Type.Object(
  {
    kind: Type.Literal('kick'),
    userId: UserId,
    reason: ByeEvent.properties.reason,
    sessionHash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
    tokenOnly: Type.Optional(Type.Boolean()),
    exceptConnId: Type.Optional(ConnId),
  },
  { additionalProperties: false },
)

/**
 * A gateway instance died (its heartbeat expired and it was swept): messages it acknowledged may
 * never have been published, so every instance pushes its connections' offline queues again.
 */
const CatchUpEvent = Type.Object(
  { kind: Type.Literal('catch-up'), deadInstanceId: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
)

export const BusEvent = Type.Union([DeliverEvent, PresenceChange, BroadcastDelivery, KickEvent, CatchUpEvent])
export type BusEvent = Static<typeof BusEvent>

const busEvent = Compile(BusEvent)

/** The event when `message` (parsed JSON from the bus) is a valid one, else null (dropped and logged by the topic). */
export function decodeBusEvent(message: unknown): BusEvent | null {
  return busEvent.Check(message) ? (message as BusEvent) : null
}

/** The gateway's view of `chat:events`: publish to every instance, listen for this one. */
export type ChatEvents = Topic<BusEvent>
