import type { Migration } from './types.js'

/**
 * A picture, clip or sound from the media folder shown inside a post (or reply): at most one per
 * post, keyed by the post, so deleting the post deletes it. `media_name` is the file's name in the
 * media folder (not a foreign key: files put there by hand have no `media_uploads` row); deleting the
 * file removes its attachments through the store. Width and height are the picture's own, read when
 * it is attached, so the page reserves its box before the picture loads; null for clips and sounds.
 */
export const attachments: Migration = {
  version: 8,
  name: 'attachments',
  sqlite: `
    CREATE TABLE post_attachments (
      post_id INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
      media_name TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('image', 'video', 'audio')),
      alt TEXT NOT NULL,
      width INTEGER,
      height INTEGER
    );
    CREATE INDEX post_attachments_media ON post_attachments (media_name);
  `,
  postgres: `
    CREATE TABLE post_attachments (
      post_id BIGINT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
      media_name TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('image', 'video', 'audio')),
      alt TEXT NOT NULL,
      width INTEGER,
      height INTEGER
    );
    CREATE INDEX post_attachments_media ON post_attachments (media_name);
  `,
}
