/** The TLS certificates the apps serve (made by `pnpm certs` when missing or expiring). */
import { join } from 'node:path'
import { Type } from 'typebox'
import { defineSettings } from '../define.js'

export const certsSettings = defineSettings(
  {
    certsDir: Type.String({ minLength: 1 }),
  },
  {
    certsDir: {
      env: 'CERTS_DIR',
      read: 'path',
      default: ({ repoRoot }: { repoRoot: string }) => join(repoRoot, 'certs'),
      shown: '`<repo>/certs`',
      doc: 'local CA + localhost certificate (`pnpm certs` makes them; a server runs it when its certificate is missing or expiring)',
      deploy: 'The internal certificates the apps serve (see below).',
    },
  },
)

/** Read by `pnpm certs` itself (packages/certs); listed here so the table names it. */
export const certsCommandSettings = defineSettings(
  {
    ...certsSettings.schema.properties,
    certsNames: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  },
  {
    ...certsSettings.sources,
    certsNames: {
      env: 'CERTS_NAMES',
      read: 'list',
      shown: 'unset: localhost, 127.0.0.1, ::1 only',
      doc: 'more host names / IPs the CA may certify and the certificate covers (also `pnpm certs --name`)',
      deploy:
        'More host names or IP addresses (space- or comma-separated) for the local CA to cover (also `pnpm certs --name`). The CA is limited to exactly these names; changing them makes a new CA.',
    },
  },
)
