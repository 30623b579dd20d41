/**
 * The one storage interface every Parley app talks to. Every method is async, even over the
 * synchronous SQLite driver, so the PostgreSQL backend fits behind it unchanged; every multi-step
 * change happens inside one transaction in the backend. Times are epoch milliseconds.
 * @module
 */

export type Role = 'member' | 'admin'

export interface UserRow {
  id: number
  /** As the user typed it, NFC-normalised. */
  username: string
  /** Case-folded username: the unique key. */
  usernameKey: string
  passwordHash: string
  role: Role
  createdAt: number
  /** Suspended until this time (`Number.MAX_SAFE_INTEGER` = for good); null when not suspended. */
  suspendedUntil: number | null
}

export interface NewUser {
  username: string
  usernameKey: string
  /**
   * The Unicode TS #39 confusable skeleton of the name (from @parley/auth), unique like the key:
   * a name that merely looks like an existing one is a `STORAGE_CONFLICT` too. Omitted: none stored.
   */
  usernameSkeleton?: string
  passwordHash: string
  role?: Role
  createdAt: number
}

/** The lockout state of one account after a login attempt was registered. */
export interface LoginAttempt {
  /** Consecutive failures plus attempts in flight, this one included. */
  attempt: number
  /** Set while the account is locked. */
  lockedUntil: number | null
}

export interface SessionRow {
  /** SHA-256 of the token: the token itself is never stored. */
  tokenHash: string
  userId: number
  createdAt: number
  lastSeenAt: number
  /** Absolute expiry. */
  expiresAt: number
  userAgent: string | null
  ip: string | null
}

export interface PostRow {
  id: number
  /** Null when the author's account was deleted (the post stays, anonymised). */
  authorId: number | null
  /** Author's username, or null when the account was deleted. */
  authorName: string | null
  body: string
  createdAt: number
  updatedAt: number | null
  /** Null for a top-level post; else the top-level post this reply answers (one level of replies). */
  parentId: number | null
  /** The reply (of the same post) this reply quotes; null when none, or when that reply was deleted. */
  quoteId: number | null
  /** Set when a post with replies was deleted: it stays as a placeholder (empty body, no author). */
  deletedAt: number | null
  /** Replies of a top-level post (0 for a reply), kept by the store with each reply's insert/delete. */
  replyCount: number
  /** Creation time, or the newest reply's when later. */
  lastActivityAt: number
}

/** A reply as the post page shows it: with the quoted reply's author and text, if it quotes one. */
export interface ReplyRow extends PostRow {
  quotedAuthorName: string | null
  quotedBody: string | null
}

export interface NewReply {
  /** The top-level post answered. */
  parentId: number
  authorId: number
  body: string
  /** A reply of the same post to quote, or null. */
  quoteId: number | null
  createdAt: number
}

/** A post's replies: oldest first; `after` pages forward, `before` gives the replies just before an id. */
export interface ReplyPageRequest {
  after?: number
  before?: number
  /** 1 to 1000 (`MAX_PAGE_LIMIT`). */
  limit: number
}

export interface ChatMessageRow {
  id: number
  /** Null when the sender's account was deleted (the message stays, anonymised). */
  senderId: number | null
  senderName: string | null
  /** Null when the recipient's account was deleted. */
  recipientId: number | null
  recipientName: string | null
  /** The sender's own id for the message: (senderId, clientId) is unique, which deduplicates resends. */
  clientId: string
  body: string
  createdAt: number
  /** Set when the recipient's client acknowledged it; null while it waits in the offline queue. */
  deliveredAt: number | null
}

export interface NewChatMessage {
  senderId: number
  recipientId: number
  clientId: string
  body: string
  createdAt: number
}

export interface StoredMessage {
  message: ChatMessageRow
  /** True when (senderId, clientId) was stored before: a resend, nothing new was written. */
  duplicate: boolean
}

export interface PresenceRow {
  id: number
  userId: number
  instanceId: string
  loginAt: number
  logoutAt: number | null
}

export interface PageRequest {
  /** Return rows with an id below this one (cursor of the previous page). */
  before?: number
  /** 1 to 1000 (`MAX_PAGE_LIMIT`); anything else throws a RangeError. */
  limit: number
}

/** Mutations of a user that does not exist throw `StorageError` `STORAGE_NOT_FOUND`. */
export interface UserStore {
  /** Throws `StorageError` with code `STORAGE_CONFLICT` when the username key is taken. */
  createUser(user: NewUser): Promise<UserRow>
  getUserById(id: number): Promise<UserRow | null>
  getUserByKey(usernameKey: string): Promise<UserRow | null>
  /** The account whose name has this confusable skeleton, if any. */
  getUserBySkeleton(usernameSkeleton: string): Promise<UserRow | null>
  /** Accounts from before skeletons were stored (migration 004), lowest ids first, for the application to fill in. */
  listUsersWithoutSkeleton(limit: number): Promise<UserRow[]>
  /**
   * Stores a skeleton computed for an older account; returns false, changing nothing, when another
   * account already has it (two look-alike names from before the rule: the older one keeps it).
   */
  setUsernameSkeleton(userId: number, usernameSkeleton: string): Promise<boolean>
  getUsersByIds(ids: readonly number[]): Promise<UserRow[]>
  listUsers(): Promise<UserRow[]>
  countAdmins(): Promise<number>
  updatePasswordHash(userId: number, passwordHash: string): Promise<void>
  setRole(userId: number, role: Role): Promise<void>
  setSuspension(userId: number, suspendedUntil: number | null): Promise<void>
  /**
   * Removes the account, its credentials, sessions, login failures, blocks (both ways) and presence
   * history in one transaction; posts and messages stay with a null author/sender/recipient.
   */
  deleteUser(userId: number): Promise<void>
}

export interface LoginFailureStore {
  /**
   * Atomically counts one login attempt before the password is checked (so parallel guesses
   * cannot slip past the limit). An expired lock is cleared first. While locked nothing changes.
   * Attempts still in flight after `LOGIN_ATTEMPT_TTL_MS` (their process died) stop counting.
   * Unknown user: `STORAGE_NOT_FOUND`.
   */
  registerLoginAttempt(userId: number, now: number): Promise<LoginAttempt>
  /**
   * The attempt failed: it moves from in flight to the consecutive failures; when the failures
   * reach `maxFailures`, lock until `now + blockMs` (an existing lock is kept, not extended).
   */
  recordLoginFailure(userId: number, now: number, maxFailures: number, blockMs: number): Promise<LoginAttempt>
  /** The attempt succeeded: the count starts again. */
  clearLoginFailures(userId: number): Promise<void>
  getLoginState(userId: number, now: number): Promise<LoginAttempt>
}

export interface SessionStore {
  createSession(session: SessionRow): Promise<void>
  getSession(tokenHash: string): Promise<SessionRow | null>
  touchSession(tokenHash: string, now: number): Promise<void>
  deleteSession(tokenHash: string): Promise<void>
  /** Ends every session of a user except, optionally, one. Returns the token hashes removed. */
  deleteUserSessions(userId: number, exceptTokenHash?: string): Promise<string[]>
  listUserSessions(userId: number): Promise<SessionRow[]>
  /**
   * Removes sessions idle since before `idleBefore` (`lastSeenAt < idleBefore`) or past absolute
   * expiry (`expiresAt <= now`). Returns how many.
   */
  deleteExpiredSessions(now: number, idleBefore: number): Promise<number>
}

/**
 * Passwords and the sessions they govern (issue 14). Every `password_hash` change raises the user's
 * password version (a trigger, whatever the path); a session is valid only under the version it was
 * issued with. Each method's check and writes are one transaction.
 */
export interface PasswordStore {
  /**
   * A login that verified `verifiedHash`: only if it is still the user's hash, stores `rehash` (same
   * password, new parameters; the user's sessions stay valid) and creates `session`. Returns false,
   * writing nothing, when the password was changed (or the user deleted) since it was read.
   */
  createLoginSession(session: SessionRow, verifiedHash: string, rehash: string | null): Promise<boolean>
  /**
   * Stores a new password hash and ends every session of the user except `keepTokenHash`, which stays
   * valid under the new version. Returns the ended token hashes. Unknown user: `STORAGE_NOT_FOUND`.
   */
  changePassword(userId: number, passwordHash: string, keepTokenHash?: string): Promise<string[]>
  /** The session, or null when missing or issued before the user's last password change. */
  getCurrentSession(tokenHash: string): Promise<SessionRow | null>
}

export interface PostStore {
  createPost(authorId: number, body: string, now: number): Promise<PostRow>
  getPost(id: number): Promise<PostRow | null>
  /** Top-level posts (and placeholders of deleted ones with replies), newest first, stable under inserts: pages by id (pass the last id seen as `before`). */
  listPosts(page: PageRequest): Promise<PostRow[]>
  /** Only the author may edit (a post or a reply); returns null when no such post of this author. */
  updatePost(id: number, authorId: number, body: string, now: number): Promise<PostRow | null>
  /** One author's posts and replies, newest first, paged by id (data export). */
  listPostsByAuthor(authorId: number, page: PageRequest): Promise<PostRow[]>
  /**
   * `authorId` null = moderator delete of any post. A reply goes (its post's count and latest activity
   * follow); a top-level post with replies becomes a placeholder (`deletedAt` = `now`); one without goes.
   * A placeholder whose last reply goes, goes too. Returns whether anything was deleted.
   */
  deletePost(id: number, authorId: number | null, now?: number): Promise<boolean>
  /**
   * Adds a reply and bumps its post's count and latest activity, in one transaction. The parent must be a
   * live top-level post and the quote a reply of it, else `STORAGE_NOT_FOUND` (also for an unknown author).
   */
  createReply(reply: NewReply): Promise<PostRow>
  /** A post's replies, oldest first, with what each quotes. */
  listReplies(parentId: number, page: ReplyPageRequest): Promise<ReplyRow[]>
}

export interface MessageStore {
  /** Stores once per (senderId, clientId); a resend returns the first copy with `duplicate: true`. */
  storeMessage(message: NewChatMessage): Promise<StoredMessage>
  /** Messages to this user not yet acknowledged by their client, oldest first (`limit` default 1000). */
  pendingMessages(recipientId: number, limit?: number): Promise<ChatMessageRow[]>
  /** The recipient's client acknowledged these; ids of other recipients are ignored. */
  markDelivered(recipientId: number, ids: readonly number[], now: number): Promise<void>
  /** Both directions between two users, newest first, paged by id. */
  conversation(userA: number, userB: number, page: PageRequest): Promise<ChatMessageRow[]>
  /** Every message this user sent or received, newest first, paged by id (data export). */
  forUser(userId: number, page: PageRequest): Promise<ChatMessageRow[]>
  /** Undelivered messages to existing users, all recipients together (offline-queue depth). */
  countPending(): Promise<number>
}

export interface BlockStore {
  /** Returns false when it was already blocked. */
  block(blockerId: number, blockedId: number): Promise<boolean>
  /** Returns false when it was not blocked. */
  unblock(blockerId: number, blockedId: number): Promise<boolean>
  /** Ids this user has blocked. */
  blockedBy(blockerId: number): Promise<number[]>
  /** Ids of users who have blocked this user. */
  blockersOf(userId: number): Promise<number[]>
  /** True when either user blocked the other. */
  eitherBlocked(a: number, b: number): Promise<boolean>
}

export interface PresenceStore {
  /** A user came online on a gateway instance; returns the presence id to close later. */
  openPresence(userId: number, instanceId: string, at: number): Promise<number>
  closePresence(id: number, at: number): Promise<void>
  /** At start-up: close what a crashed process of this instance left open. */
  closeInstancePresence(instanceId: string, at: number): Promise<void>
  /**
   * Users online at any moment since `since`: still online, or logged out at or after it. Ascending
   * ids, at most `limit` of them (default: all).
   */
  usersOnlineSince(since: number, limit?: number): Promise<number[]>
  /**
   * Deletes the history of sessions that ended before `before` (still-open rows stay): the history
   * is kept only as far back as the longest `whoelsesince` window. Returns how many rows went.
   */
  prunePresence(before: number): Promise<number>
}

/**
 * What a moderation action did. Stored as text: new actions need no migration, readers show
 * unknown ones as they are.
 */
export type AuditAction =
  | 'user.promote'
  | 'user.demote'
  | 'user.suspend'
  | 'user.unsuspend'
  | 'user.reset_password'
  | 'post.delete'
  | 'report.resolve'
  | 'media.delete'

/** Small machine-readable facts of an action, e.g. `{ until }` of a suspension, `{ excerpt }` of a deleted post. */
export type AuditDetails = Record<string, string | number | boolean | null>

export interface AuditRow {
  id: number
  /** Null for the command line (`pnpm parley`), or when the acting account has been deleted since. */
  actorId: number | null
  /** The actor's username when the action was taken (a snapshot); null = the command line. */
  actorName: string | null
  action: AuditAction
  /** The user acted upon (a deleted post's author); null when none, or deleted since. */
  targetUserId: number | null
  /** The target's username when the action was taken (a snapshot, kept after the account is deleted). */
  targetName: string | null
  /** The post acted upon; not a foreign key, since the action may have deleted it. */
  targetPostId: number | null
  reason: string | null
  details: AuditDetails | null
  createdAt: number
}

export interface NewAuditEntry {
  /** Null = the command line. Unknown ids: `STORAGE_NOT_FOUND`. */
  actorId: number | null
  action: AuditAction
  targetUserId?: number | null
  targetPostId?: number | null
  reason?: string | null
  details?: AuditDetails | null
  createdAt: number
}

/** Who did a moderation change, why and when; the storage writes it to the audit log with the change. */
export interface AuditContext {
  /** Null = the command line. */
  actorId: number | null
  reason: string | null
  at: number
}

export interface AuditStore {
  /** Appends one entry, snapshotting the actor's and target's names in the same statement. */
  record(entry: NewAuditEntry): Promise<AuditRow>
  /** Newest first, paged by id. */
  list(page: PageRequest): Promise<AuditRow[]>
}

export interface PostReportRow {
  id: number
  postId: number
  /** The reported post as it is now (reports go when their post is deleted). */
  postBody: string
  postAuthorId: number | null
  postAuthorName: string | null
  /** Null when the reporter's account was deleted. */
  reporterId: number | null
  reporterName: string | null
  reason: string | null
  createdAt: number
  resolvedAt: number | null
  /** Null while open, or when resolved from the command line or by an account deleted since. */
  resolvedById: number | null
  resolvedByName: string | null
}

export interface NewPostReport {
  postId: number
  reporterId: number
  reason: string | null
  createdAt: number
}

export interface StoredReport {
  report: PostReportRow
  /** True when this reporter already had an open report of this post: nothing new was written. */
  duplicate: boolean
}

export interface ReportStore {
  /**
   * Files a report; one open report per (post, reporter), so reporting again returns the open one
   * with `duplicate: true`. Unknown post or reporter: `STORAGE_NOT_FOUND`.
   */
  create(report: NewPostReport): Promise<StoredReport>
  get(id: number): Promise<PostReportRow | null>
  /** Unresolved reports, newest first, paged by id. */
  listOpen(page: PageRequest): Promise<PostReportRow[]>
  countOpen(): Promise<number>
}

/**
 * Moderation changes, each in ONE transaction together with its audit-log entry, so no action
 * happens unrecorded. Unknown target user: `STORAGE_NOT_FOUND`; unknown actor id: `STORAGE_NOT_FOUND`.
 */
export interface ModerationStore {
  /** Writes `user.promote`/`user.demote`. Returns false, writing nothing, when the user already has the role. */
  setRole(userId: number, role: Role, audit: AuditContext): Promise<boolean>
  /**
   * Suspends until `until` (`Number.MAX_SAFE_INTEGER` = for good; a later call replaces the end) and
   * ends every session of the user; writes `user.suspend` with `{ until }`. Returns the ended token hashes.
   */
  suspend(userId: number, until: number, audit: AuditContext): Promise<string[]>
  /** Lifts a suspension; writes `user.unsuspend`. Returns false, writing nothing, when not suspended at `audit.at`. */
  unsuspend(userId: number, audit: AuditContext): Promise<boolean>
  /**
   * Stores a new password hash, ends every session and clears the lockout; writes
   * `user.reset_password`. Returns the ended token hashes.
   */
  resetPassword(userId: number, passwordHash: string, audit: AuditContext): Promise<string[]>
  /**
   * Deletes any post (its reports go with it); writes `post.delete` with the author as target and an
   * excerpt of the body. Returns the deleted post, or null (nothing written) when there is none.
   */
  deletePost(postId: number, audit: AuditContext): Promise<PostRow | null>
  /** Resolves an open report; writes `report.resolve`. Returns false, writing nothing, when not open. */
  resolveReport(reportId: number, audit: AuditContext): Promise<boolean>
}

export interface MediaUploadRow {
  /** The file's name in the media folder. */
  name: string
  /** Null when the uploader's account was deleted. */
  uploaderId: number | null
  uploaderName: string | null
  size: number
  createdAt: number
}

export interface NewMediaUpload {
  name: string
  uploaderId: number
  size: number
  createdAt: number
}

/** Media files uploaded through the board, with their uploaders (quota, rate limit, deletion). */
export interface MediaUploadStore {
  /** Unknown uploader: `STORAGE_NOT_FOUND`; a name recorded already: `STORAGE_CONFLICT`. */
  record(upload: NewMediaUpload): Promise<MediaUploadRow>
  get(name: string): Promise<MediaUploadRow | null>
  /** Every recorded upload, by name. */
  list(): Promise<MediaUploadRow[]>
  /** Bytes of the user's uploads that still exist, and how many of them were made at or after `since`. */
  usage(uploaderId: number, since: number): Promise<{ bytes: number; recent: number }>
  /**
   * Removes the record and writes `media.delete` (target: the uploader; details: name and size) in one
   * transaction. Returns the removed row, or null (nothing written) when there is none.
   */
  remove(name: string, audit: AuditContext): Promise<MediaUploadRow | null>
}

/** What an attachment shows: the media folder's picture, clip or sound kinds. */
export type AttachmentKind = 'image' | 'video' | 'audio'

/** A media file shown inside a post or reply (at most one per post). */
export interface PostAttachmentRow {
  postId: number
  /** The file's name in the media folder. */
  mediaName: string
  kind: AttachmentKind
  /** Text for readers who cannot see or hear it; may be empty only for clips and sounds. */
  alt: string
  /** A picture's own size in pixels, read when attached; null for clips and sounds. */
  width: number | null
  height: number | null
}

/** Media files attached to posts; a post's attachment goes with the post (ON DELETE CASCADE). */
export interface PostAttachmentStore {
  /** Attaches the file to the post, replacing its attachment. Unknown post: `STORAGE_NOT_FOUND`. */
  attach(attachment: PostAttachmentRow): Promise<PostAttachmentRow>
  /** The attachments of these posts (any order; posts without one are absent). */
  forPosts(postIds: readonly number[]): Promise<PostAttachmentRow[]>
  /** Removes the post's attachment; false when it had none. */
  detach(postId: number): Promise<boolean>
  /** Removes every attachment of a media file (the file was deleted); returns the posts' ids. */
  detachMedia(mediaName: string): Promise<number[]>
}

/** A piece of a search hit's excerpt: plain text (escape it to show it); `match` marks the words searched for. */
export interface SnippetPart {
  text: string
  match: boolean
}

/** What to search for: any text the user typed (it is reduced to words, so it never fails), and a page of hits. */
export interface SearchRequest {
  query: string
  /** 1 or more; `offset + limit` at most `MAX_SEARCH_DEPTH` (1000), else a RangeError. */
  limit: number
  /** Hits to skip (the pages before), default 0. */
  offset?: number
}

export interface PostSearchHit {
  id: number
  /** The top-level post a reply answers; null for a top-level post. */
  parentId: number | null
  authorId: number | null
  authorName: string | null
  createdAt: number
  updatedAt: number | null
  /** An excerpt of the body around the matched words. */
  snippet: SnippetPart[]
}

export interface MessageSearchHit {
  id: number
  senderId: number | null
  senderName: string | null
  recipientId: number | null
  recipientName: string | null
  createdAt: number
  snippet: SnippetPart[]
}

/**
 * Full-text search, best match first (bm25 / ts_rank, then newest). The indexes are kept in step by
 * the database itself on every write, so an edit is found by its new words only, and a deleted post
 * (or a placeholder with `deleted_at` set) is never found. A query without any word finds nothing.
 */
export interface SearchStore {
  /** Posts and replies, everyone's. */
  posts(request: SearchRequest): Promise<PostSearchHit[]>
  /** Chat messages `userId` sent or received: never anyone else's. */
  messages(userId: number, request: SearchRequest): Promise<MessageSearchHit[]>
}

/** What a notification is about: someone named the user (`@name`), or answered the user's post. */
export type NotificationKind = 'mention' | 'reply'

/** Which events notify a user; a user who never chose has every one on. */
export interface NotificationPreferences {
  mention: boolean
  reply: boolean
}

export interface NotificationRow {
  id: number
  recipientId: number
  kind: NotificationKind
  /** Null when the actor's account was deleted since. */
  actorId: number | null
  actorName: string | null
  /** The post or reply that caused it. */
  postId: number
  /** The top-level post to open: `postId` itself, or the post a reply answers. */
  threadId: number
  /** The first words of the post or reply, as written (escape them to show them). */
  excerpt: string
  createdAt: number
  /** Null while unread. */
  readAt: number | null
}

export interface NewNotification {
  recipientId: number
  kind: NotificationKind
  actorId: number
  postId: number
  excerpt: string
  createdAt: number
}

/**
 * Mentions and replies addressed to a user (issue 17). `create` applies every rule in the same
 * statement, so no caller can forget one: nothing is stored for oneself, for a recipient who blocks
 * the actor, for an event the recipient turned off, or a second time for the same recipient and post
 * (whatever the kind: a reply that also names the post's author notifies once).
 */
export interface NotificationStore {
  /** The stored notification, or null when a rule above (or an unknown recipient, actor or post) left nothing to store. */
  create(notification: NewNotification): Promise<NotificationRow | null>
  /** The recipient's notifications, newest first, paged by id. */
  list(recipientId: number, page: PageRequest): Promise<NotificationRow[]>
  /**
   * Everyone's notifications with an id above `afterId`, oldest first, at most `limit` (1 to 1000): a
   * gateway without a shared bus follows new ones from the database. `afterId` 0 = from the start.
   */
  listAfter(afterId: number, limit: number): Promise<NotificationRow[]>
  /** The highest notification id so far (0 when none): where such a follower starts. */
  latestId(): Promise<number>
  countUnread(recipientId: number): Promise<number>
  /** Marks unread notifications read at `now` (only those with an id up to `upToId`, when given). Returns how many. */
  markAllRead(recipientId: number, now: number, upToId?: number): Promise<number>
  getPreferences(userId: number): Promise<NotificationPreferences>
  /** Unknown user: `STORAGE_NOT_FOUND`. */
  setPreferences(userId: number, preferences: NotificationPreferences): Promise<void>
}

export type StorageBackend = 'sqlite' | 'postgres'

export interface SchemaVersion {
  /** Highest migration applied to this database. */
  current: number
  /** Highest migration this build knows. */
  latest: number
}

export interface Storage {
  readonly backend: StorageBackend
  readonly users: UserStore
  readonly loginFailures: LoginFailureStore
  readonly sessions: SessionStore
  readonly passwords: PasswordStore
  readonly posts: PostStore
  readonly messages: MessageStore
  readonly blocks: BlockStore
  readonly presence: PresenceStore
  readonly audit: AuditStore
  readonly reports: ReportStore
  readonly moderation: ModerationStore
  readonly uploads: MediaUploadStore
  readonly attachments: PostAttachmentStore
  readonly search: SearchStore
  readonly notifications: NotificationStore
  /** Runs the numbered migrations not yet applied. Idempotent. */
  migrate(): Promise<void>
  schemaVersion(): Promise<SchemaVersion>
  /** Integrity check: a list of problems, empty when sound. */
  check(): Promise<string[]>
  /** SQLite only: a consistent online copy of the database at `destinationPath`. (PostgreSQL: use pg_dump.) */
  backup?(destinationPath: string): Promise<void>
  close(): Promise<void>
}
