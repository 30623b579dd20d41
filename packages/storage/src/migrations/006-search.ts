import type { Migration } from './types.js'

/**
 * Full-text search over posts (replies are posts too) and chat messages (issue 17).
 *
 * SQLite: FTS5 tables with external content (the text is stored once, in `posts`/`messages`), kept
 * in step by triggers on every insert, body update and delete, whatever code path writes; the
 * 'rebuild' commands index the rows that existed before. The `delete` command must be given the
 * exact text that was indexed, which the triggers' OLD row is.
 *
 * PostgreSQL: a stored generated `tsvector` column with a GIN index, computed by the database on
 * every write (adding it computes it for the existing rows). The `simple` configuration (lower-case
 * words, no stemming, no stop words) is the nearest to SQLite's `unicode61` tokenizer, so both
 * backends find the same posts for the same words.
 */
export const search: Migration = {
  version: 6,
  name: 'search',
  sqlite: `
    CREATE VIRTUAL TABLE posts_search USING fts5(
      body, content = 'posts', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER posts_search_insert AFTER INSERT ON posts BEGIN
      INSERT INTO posts_search (rowid, body) VALUES (NEW.id, NEW.body);
    END;
    CREATE TRIGGER posts_search_delete AFTER DELETE ON posts BEGIN
      INSERT INTO posts_search (posts_search, rowid, body) VALUES ('delete', OLD.id, OLD.body);
    END;
    CREATE TRIGGER posts_search_update AFTER UPDATE OF body ON posts BEGIN
      INSERT INTO posts_search (posts_search, rowid, body) VALUES ('delete', OLD.id, OLD.body);
      INSERT INTO posts_search (rowid, body) VALUES (NEW.id, NEW.body);
    END;
    INSERT INTO posts_search (posts_search) VALUES ('rebuild');
    CREATE VIRTUAL TABLE messages_search USING fts5(
      body, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
      INSERT INTO messages_search (rowid, body) VALUES (NEW.id, NEW.body);
    END;
    CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
      INSERT INTO messages_search (messages_search, rowid, body) VALUES ('delete', OLD.id, OLD.body);
    END;
    CREATE TRIGGER messages_search_update AFTER UPDATE OF body ON messages BEGIN
      INSERT INTO messages_search (messages_search, rowid, body) VALUES ('delete', OLD.id, OLD.body);
      INSERT INTO messages_search (rowid, body) VALUES (NEW.id, NEW.body);
    END;
    INSERT INTO messages_search (messages_search) VALUES ('rebuild');
  `,
  postgres: `
    ALTER TABLE posts ADD COLUMN search_vector tsvector
      GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED;
    CREATE INDEX posts_search ON posts USING GIN (search_vector);
    ALTER TABLE messages ADD COLUMN search_vector tsvector
      GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED;
    CREATE INDEX messages_search ON messages USING GIN (search_vector);
  `,
}
