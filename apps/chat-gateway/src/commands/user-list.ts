/**
 * The bound on a `users` answer (`whoelse`, `whoelsesince`): at most `MAX_USERS_PER_REPLY` names and
 * never more bytes than fit in one frame under the clients' 64 KiB limit, whatever the names'
 * characters. What does not fit is left out and the answer says `truncated: true`.
 * @module
 */
import { MAX_FRAME_BYTES } from '@parley/protocol'

export const MAX_USERS_PER_REPLY = 500
/** Room left in the frame for the rest of the reply (type, replyTo, truncated). */
const FRAME_MARGIN_BYTES = 1024

export function boundedUserList(names: readonly string[]): { users: string[]; truncated?: true } {
  const users: string[] = []
  let bytes = 0
  for (const name of names) {
    const size = Buffer.byteLength(JSON.stringify(name)) + 1
    if (users.length === MAX_USERS_PER_REPLY || bytes + size > MAX_FRAME_BYTES - FRAME_MARGIN_BYTES) {
      return { users, truncated: true }
    }
    users.push(name)
    bytes += size
  }
  return { users }
}
