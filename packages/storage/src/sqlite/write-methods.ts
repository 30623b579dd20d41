/**
 * The Storage methods that write, per store: with a write worker (`openSqliteStorage(path,
 * { writeWorker: true })`) these run on the worker's connection, every other method (reads) on the
 * calling thread's own. A write method missing here still works, committed on the calling thread.
 * @module
 */
import type { Storage } from '../types.js'

type StoreName = Exclude<
  {
    [K in keyof Storage]: Storage[K] extends object
      ? Storage[K] extends (...args: never) => unknown
        ? never
        : K
      : never
  }[keyof Storage],
  undefined
>

export const writeMethods: { readonly [S in StoreName]?: readonly (keyof Storage[S] & string)[] } = {
  users: ['createUser', 'updatePasswordHash', 'setRole', 'setSuspension', 'deleteUser', 'setUsernameSkeleton'],
  loginFailures: ['registerLoginAttempt', 'recordLoginFailure', 'clearLoginFailures'],
  sessions: ['createSession', 'touchSession', 'deleteSession', 'deleteUserSessions', 'deleteExpiredSessions'],
  passwords: ['createLoginSession', 'changePassword'],
  posts: ['createPost', 'updatePost', 'deletePost', 'createReply'],
  messages: ['storeMessage', 'markDelivered'],
  blocks: ['block', 'unblock'],
  presence: ['openPresence', 'closePresence', 'closeInstancePresence'],
  audit: ['record'],
  reports: ['create'],
  moderation: ['setRole', 'suspend', 'unsuspend', 'resetPassword', 'deletePost', 'resolveReport'],
  uploads: ['record', 'remove'],
  attachments: ['attach', 'detach', 'detachMedia'],
  notifications: ['create', 'markAllRead', 'setPreferences'],
}

/** One write to run on the worker. */
export interface WriteCall {
  store: string
  method: string
  args: unknown[]
}

/** A thrown error, as it crosses the thread boundary (StorageError codes survive, so callers can branch). */
export interface SerializedError {
  name: string
  message: string
  code?: string
}

export type WriteOutcome = { ok: true; value: unknown } | { ok: false; error: SerializedError }

export type WorkerReply = { id: number; outcomes: WriteOutcome[] } | { id: number; error: SerializedError }
