/** Where the data lives: a SQLite file, or PostgreSQL (and its schema). */
import { join } from 'node:path'
import { Type } from 'typebox'
import { defineSettings } from '../define.js'

/** The same rule as @parley/storage's: a plain lower-case identifier. */
export const SCHEMA_NAME_PATTERN = '^[a-z_][a-z0-9_]{0,62}$'

export const storageSettings = defineSettings(
  {
    /** SQLite file, used unless `databaseUrl` selects PostgreSQL. */
    databasePath: Type.String({ minLength: 1 }),
    databaseUrl: Type.Optional(Type.String({ minLength: 1 })),
    /** PostgreSQL only: the schema holding Parley's tables (created when missing); default the server's search_path. */
    databaseSchema: Type.Optional(Type.String({ pattern: SCHEMA_NAME_PATTERN })),
  },
  {
    databasePath: {
      env: 'DATABASE_PATH',
      read: 'path',
      default: ({ repoRoot }: { repoRoot: string }) => join(repoRoot, 'data', 'parley.db'),
      shown: '`<repo>/data/parley.db`',
      doc: 'SQLite file (relative to the working directory)',
      deploy: 'Unused once `DATABASE_URL` is set.',
    },
    databaseUrl: {
      env: 'DATABASE_URL',
      read: 'string',
      secret: true,
      shown: 'unset: SQLite at `DATABASE_PATH`',
      doc: '`postgres://…` selects PostgreSQL instead of the SQLite file',
      deploy:
        '`postgres://parley:…@db.internal:5432/parley` (add `?sslmode=verify-full` for TLS to PostgreSQL). Required for more than one host. Never shown in errors.',
    },
    databaseSchema: {
      env: 'DATABASE_SCHEMA',
      read: 'string',
      shown: "unset: the server's `search_path`",
      doc: "PostgreSQL only: the schema holding Parley's tables (created when missing)",
      deploy:
        "PostgreSQL only: the schema holding Parley's tables (created when missing), e.g. `parley`. Same value everywhere.",
    },
  },
)
