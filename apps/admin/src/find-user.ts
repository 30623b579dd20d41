import type { Auth } from '@parley/auth'
import { isParleyError } from '@parley/protocol'
import type { Storage, UserRow } from '@parley/storage'
import { CommandError } from './command.js'
import { quoted } from './output.js'

/** The account of a typed name (any case, any Unicode normal form), or a CommandError. */
export async function findUser(storage: Storage, auth: Auth, name: string): Promise<UserRow> {
  let key: string
  try {
    key = auth.normalizeUsername(name).usernameKey
  } catch (error) {
    if (isParleyError(error)) throw new CommandError(`No user named ${quoted(name)}: ${error.message}`)
    throw error
  }
  const user = await storage.users.getUserByKey(key)
  if (!user) throw new CommandError(`No user named ${quoted(name)}`)
  return user
}
