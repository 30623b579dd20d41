import type { Migration } from './types.js'

/**
 * Replies (issue 16): a reply is a row of `posts` with `parent_id` set to the top-level post it
 * answers, so search, mentions, reports, moderation and data export cover replies unchanged. One
 * level only: a reply to a reply stores the top-level post as parent and the answered reply as
 * `quote_id` (shown as a quote). A quoted reply that goes leaves the quote empty (SET NULL).
 *
 * `reply_count` and `last_activity_at` are kept on the top-level post by the store (in the same
 * transaction as the reply's insert or delete), so the board's list reads them without counting.
 * Deleting a post that has replies sets `deleted_at` and empties the body: the replies stay under a
 * "deleted post" placeholder. Parent CASCADE only matters for a raw delete of a whole thread.
 */
export const replies: Migration = {
  version: 5,
  name: 'replies',
  sqlite: `
    ALTER TABLE posts ADD COLUMN parent_id INTEGER REFERENCES posts (id) ON DELETE CASCADE;
    ALTER TABLE posts ADD COLUMN quote_id INTEGER REFERENCES posts (id) ON DELETE SET NULL;
    ALTER TABLE posts ADD COLUMN deleted_at INTEGER;
    ALTER TABLE posts ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE posts ADD COLUMN last_activity_at INTEGER NOT NULL DEFAULT 0;
    UPDATE posts SET last_activity_at = coalesce(created_at, 0);
    CREATE INDEX posts_replies ON posts (parent_id, id) WHERE parent_id IS NOT NULL;
    CREATE INDEX posts_top_level ON posts (id) WHERE parent_id IS NULL;
    CREATE INDEX posts_quote ON posts (quote_id) WHERE quote_id IS NOT NULL;
  `,
  postgres: `
    ALTER TABLE posts ADD COLUMN parent_id BIGINT REFERENCES posts (id) ON DELETE CASCADE;
    ALTER TABLE posts ADD COLUMN quote_id BIGINT REFERENCES posts (id) ON DELETE SET NULL;
    ALTER TABLE posts ADD COLUMN deleted_at BIGINT;
    ALTER TABLE posts ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE posts ADD COLUMN last_activity_at BIGINT NOT NULL DEFAULT 0;
    UPDATE posts SET last_activity_at = created_at;
    CREATE INDEX posts_replies ON posts (parent_id, id) WHERE parent_id IS NOT NULL;
    CREATE INDEX posts_top_level ON posts (id) WHERE parent_id IS NULL;
    CREATE INDEX posts_quote ON posts (quote_id) WHERE quote_id IS NOT NULL;
  `,
}
