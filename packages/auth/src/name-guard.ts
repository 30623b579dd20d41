/**
 * Keeps look-alike names apart (issue 14): a new account's name may not share its Unicode TS #39
 * skeleton with an existing account's. Accounts from before skeletons were stored get theirs once per
 * process, before the first new account is checked.
 * @module
 */
import type { Storage, UserRow } from '@parley/storage'
import { usernameConfusable, usernameTaken } from './errors.js'
import type { AuthLogger } from './logger.js'
import { legacyUsernameKeyOf, type NormalizedUsername, usernameKeyOf, usernameSkeletonOf } from './username.js'

const FILL_BATCH = 500

export function createNameGuard(deps: { storage: Storage; log: AuthLogger }) {
  const { storage, log } = deps
  let filled: Promise<void> | null = null

  async function fillOlderSkeletons(): Promise<void> {
    for (;;) {
      const older = await storage.users.listUsersWithoutSkeleton(FILL_BATCH)
      let stored = 0
      for (const user of older) {
        if (await storage.users.setUsernameSkeleton(user.id, usernameSkeletonOf(usernameKeyOf(user.username)))) {
          stored++
        } else {
          // Two look-alikes from before the rule: both stay; the older one holds the skeleton.
          log.warn({ userId: user.id }, 'account name looks like an older account’s; kept without a skeleton')
        }
      }
      if (older.length < FILL_BATCH || stored === 0) return
    }
  }

  function ready(): Promise<void> {
    filled ??= fillOlderSkeletons().catch((error: unknown) => {
      filled = null // try again with the next account
      throw error
    })
    return filled
  }

  /** The account of a name (a name breaking the rules has none), also under the key rule of older versions. */
  async function find(name: NormalizedUsername): Promise<UserRow | null> {
    const user = await storage.users.getUserByKey(name.usernameKey)
    if (user) return user
    const legacyKey = legacyUsernameKeyOf(name.username)
    return legacyKey === name.usernameKey ? null : storage.users.getUserByKey(legacyKey)
  }

  /** Throws UsernameTaken or UsernameConfusable, or returns the skeleton to store with the new account. */
  async function claim(name: NormalizedUsername): Promise<string> {
    if (await find(name)) throw usernameTaken()
    await ready()
    const usernameSkeleton = usernameSkeletonOf(name.usernameKey)
    const lookalike = await storage.users.getUserBySkeleton(usernameSkeleton)
    if (lookalike) throw usernameConfusable(lookalike.username)
    return usernameSkeleton
  }

  /** After the store refused the account as a conflict (a race): which rule it broke. */
  async function conflictError(name: NormalizedUsername, usernameSkeleton: string) {
    if (await find(name)) return usernameTaken()
    const lookalike = await storage.users.getUserBySkeleton(usernameSkeleton)
    return lookalike ? usernameConfusable(lookalike.username) : usernameTaken()
  }

  return { find, claim, conflictError }
}
