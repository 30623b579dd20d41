/** The board's settings: its own (listening, media, uploads, live updates, chat pages) plus the shared concerns. */
import { join } from 'node:path'
import { type Static, Type } from 'typebox'
import { attemptSettings, passwordSettings, sessionSettings } from '../concerns/auth.js'
import { busSettings } from '../concerns/bus.js'
import { certsSettings } from '../concerns/certs.js'
import { loggingSettings } from '../concerns/logging.js'
import { metricsSettings } from '../concerns/metrics.js'
import { proxySettings } from '../concerns/proxy.js'
import { storageSettings } from '../concerns/storage.js'
import { combine, defineSettings } from '../define.js'

const listenSettings = defineSettings(
  {
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
  },
  {
    host: {
      env: 'BOARD_HOST',
      read: 'string',
      default: 'localhost',
      shown: '`localhost`',
      doc: "the board's listen address",
      deploy: 'The private address nginx reaches, e.g. `0.0.0.0` / `10.0.1.11`.',
    },
    port: {
      env: 'BOARD_PORT',
      read: 'integer',
      default: 8181,
      shown: '`8181`',
      doc: "the board's port",
    },
  },
)

const mediaSettings = defineSettings(
  {
    mediaDir: Type.String({ minLength: 1 }),
    maxUploadBytes: Type.Integer({ minimum: 1 }),
    /** Bytes of uploads one user may keep. */
    uploadQuotaBytes: Type.Integer({ minimum: 1 }),
    /** Uploads one user may make in an hour. */
    uploadRatePerHour: Type.Integer({ minimum: 1 }),
    /** Free bytes the media disk always keeps: uploads stop before it fills (SQLite may share the disk). */
    uploadReserveBytes: Type.Integer({ minimum: 0 }),
  },
  {
    mediaDir: {
      env: 'MEDIA_DIR',
      read: 'path',
      default: ({ repoRoot }: { repoRoot: string }) => join(repoRoot, 'media'),
      shown: '`<repo>/media`',
      doc: 'served and uploaded media',
      deploy:
        '**A volume shared by every board** (NFS, CephFS, EFS…, with atomic `rename`): an upload received by board 1 must be streamable from board 2.',
    },
    maxUploadBytes: {
      env: 'MAX_UPLOAD_BYTES',
      read: 'integer',
      default: 100 * 1024 * 1024,
      shown: '`104857600` (100 MiB)',
      doc: 'upload size limit',
      deploy: "Upload size limit. Keep nginx's `client_max_body_size` at least this.",
    },
    uploadQuotaBytes: {
      env: 'UPLOAD_QUOTA_BYTES',
      read: 'integer',
      default: 1024 * 1024 * 1024,
      shown: '`1073741824` (1 GiB)',
      doc: 'bytes of uploads one user may keep (413 "storage quota" past it)',
    },
    uploadRatePerHour: {
      env: 'UPLOAD_RATE_PER_HOUR',
      read: 'integer',
      default: 20,
      shown: '`20`',
      doc: 'uploads one user may make an hour (429 past it)',
    },
    uploadReserveBytes: {
      env: 'UPLOAD_RESERVE_BYTES',
      read: 'integer',
      default: 1024 * 1024 * 1024,
      shown: '`1073741824` (1 GiB)',
      doc: 'free space the media disk keeps: uploads refused (507) before it, and an upload stops at it',
    },
  },
)

const pageSettings = defineSettings(
  {
    /** Seconds between SSE heartbeat comments (keeps proxies from closing idle streams). */
    sseHeartbeatSeconds: Type.Integer({ minimum: 1 }),
    /** Live-update streams one session may hold open at once (each holds a timer and a periodic session read). */
    sseMaxStreamsPerSession: Type.Integer({ minimum: 1, maximum: 1000 }),
    /** Origins of the chat gateway's WebSocket, allowed by the CSP's connect-src. */
    chatGatewayOrigins: Type.Array(Type.String({ pattern: '^wss?://[^\\s/]+$' })),
    /**
     * The gateway URL chat pages connect to. Unset: the origin of `chatGatewayOrigins` whose host is
     * the one the page was loaded from (so the session cookie goes along), else the first one.
     */
    chatGatewayUrl: Type.Optional(Type.String({ pattern: '^wss?://[^\\s/?#]+(/[^\\s#]*)?$' })),
  },
  {
    sseHeartbeatSeconds: {
      env: 'SSE_HEARTBEAT_SECONDS',
      read: 'integer',
      default: 25,
      shown: '`25`',
      doc: 'keep-alive comments on the live stream',
      deploy: "Keep-alive comments on the live stream: below nginx's `proxy_read_timeout` for `/events`.",
    },
    sseMaxStreamsPerSession: {
      env: 'SSE_MAX_STREAMS_PER_SESSION',
      read: 'integer',
      default: 10,
      shown: '`10`',
      doc: 'live-update streams one session may hold open (429 past it)',
    },
    chatGatewayOrigins: {
      env: 'CHAT_GATEWAY_ORIGINS',
      read: 'list',
      default: ['wss://localhost:8182', 'wss://127.0.0.1:8182'],
      // Set but empty means "no chat gateway": no chat pages or panel (not the default origins).
      emptyIsValue: true,
      shown: '`wss://localhost:8182 wss://127.0.0.1:8182`',
      doc: 'WebSocket origins of the gateway that the CSP allows (set empty: no chat)',
      deploy:
        "The gateway's public origin for the page's CSP `connect-src`: `wss://parley.example.org` (config A) or `wss://parley.example.org:8182` (config B).",
    },
    chatGatewayUrl: {
      env: 'CHAT_GATEWAY_URL',
      read: 'string',
      shown: "unset: the origin of `CHAT_GATEWAY_ORIGINS` on the page's host",
      doc: 'the gateway URL chat pages connect to (on one of `CHAT_GATEWAY_ORIGINS`)',
    },
  },
  [
    // The CSP's connect-src lists the gateway origins: a URL outside them would be blocked in the browser.
    (values, name) => {
      const url = values.chatGatewayUrl as string | undefined
      const origins = values.chatGatewayOrigins as string[]
      if (url === undefined || origins.includes(new URL(url).origin)) return []
      return [
        `${name('chatGatewayUrl')} must be on one of ${name('chatGatewayOrigins')} (got ${JSON.stringify(url)}; origins ${origins.join(' ')})`,
      ]
    },
  ],
)

export const boardSettings = combine(
  listenSettings,
  storageSettings,
  busSettings,
  proxySettings,
  certsSettings,
  mediaSettings,
  passwordSettings,
  sessionSettings,
  attemptSettings,
  pageSettings,
  metricsSettings('BOARD', 'board', 'METRICS'),
  loggingSettings,
)

export const BoardConfig = boardSettings.schema
export type BoardConfig = Static<typeof BoardConfig>
