import type { Migration } from './types.js'

/**
 * Account hardening (issue 14).
 *
 * `users.password_version` goes up with every change of `password_hash`, by a trigger, so no code path
 * (board, chat, `pnpm parley`, a future one) can change a password and forget it. Each session records
 * the version current when it was inserted (another trigger); a session of an older version is refused.
 * A rehash of the same password moves the user's sessions to the new version in the same transaction.
 *
 * `users.username_skeleton` is the Unicode TS #39 confusable skeleton of the case-folded name, so
 * `аdmin` (Cyrillic а) cannot be registered beside `admin`. @parley/auth computes it, so rows from
 * before this migration start NULL and the application fills them in; the unique index (NULLs are
 * distinct in both backends) settles registrations that race.
 *
 * `media_uploads` records who uploaded each media file (per-user quota and upload rate, deletion by
 * the uploader or an admin); a deleted account leaves its uploads anonymous. (Added to this migration
 * before any release: 005 is reserved for the gateway hardening of the same issue.)
 */
export const accountHardening: Migration = {
  version: 4,
  name: 'account-hardening',
  sqlite: `
    ALTER TABLE users ADD COLUMN password_version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN username_skeleton TEXT;
    CREATE UNIQUE INDEX users_username_skeleton ON users (username_skeleton);
    ALTER TABLE sessions ADD COLUMN password_version INTEGER NOT NULL DEFAULT 0;
    CREATE TRIGGER users_password_version AFTER UPDATE OF password_hash ON users
      WHEN NEW.password_hash IS NOT OLD.password_hash
    BEGIN
      UPDATE users SET password_version = OLD.password_version + 1 WHERE id = NEW.id;
    END;
    CREATE TRIGGER sessions_password_version AFTER INSERT ON sessions
    BEGIN
      UPDATE sessions SET password_version = coalesce((SELECT password_version FROM users WHERE id = NEW.user_id), 0)
        WHERE token_hash = NEW.token_hash;
    END;
    CREATE TABLE media_uploads (
      name TEXT PRIMARY KEY,
      uploader_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
      size INTEGER NOT NULL CHECK (size >= 0),
      created_at INTEGER NOT NULL
    );
    CREATE INDEX media_uploads_uploader ON media_uploads (uploader_id, created_at);
  `,
  postgres: `
    ALTER TABLE users ADD COLUMN password_version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN username_skeleton TEXT;
    CREATE UNIQUE INDEX users_username_skeleton ON users (username_skeleton);
    ALTER TABLE sessions ADD COLUMN password_version INTEGER NOT NULL DEFAULT 0;
    CREATE FUNCTION parley_bump_password_version() RETURNS trigger LANGUAGE plpgsql
      SET search_path FROM CURRENT AS $$
      BEGIN
        NEW.password_version := OLD.password_version + 1;
        RETURN NEW;
      END $$;
    CREATE TRIGGER users_password_version BEFORE UPDATE OF password_hash ON users FOR EACH ROW
      WHEN (NEW.password_hash IS DISTINCT FROM OLD.password_hash) EXECUTE FUNCTION parley_bump_password_version();
    CREATE FUNCTION parley_session_password_version() RETURNS trigger LANGUAGE plpgsql
      SET search_path FROM CURRENT AS $$
      BEGIN
        NEW.password_version := coalesce((SELECT password_version FROM users WHERE id = NEW.user_id), 0);
        RETURN NEW;
      END $$;
    CREATE TRIGGER sessions_password_version BEFORE INSERT ON sessions FOR EACH ROW
      EXECUTE FUNCTION parley_session_password_version();
    CREATE TABLE media_uploads (
      name TEXT PRIMARY KEY,
      uploader_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
      size BIGINT NOT NULL CHECK (size >= 0),
      created_at BIGINT NOT NULL
    );
    CREATE INDEX media_uploads_uploader ON media_uploads (uploader_id, created_at);
  `,
}
