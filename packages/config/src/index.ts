/**
 * @parley/config: every environment variable Parley reads, as TypeBox settings per concern
 * (storage, bus, proxy, certs, auth and sessions, logging, metrics) and per app; one loader that
 * reports every bad variable at once; helpers from settings to `createAuth`/`openStorage` options.
 * @module
 */

/** Default paths are folders of the repository root: the nearest folder with pnpm-workspace.yaml. */
export { findRepoRoot } from '@parley/certs/repo-root'
export { type AdminSettings, adminSettings } from './apps/admin.js'
export { BoardConfig, boardSettings } from './apps/board.js'
export {
  ChatConfig,
  DEFAULT_MAX_CONNECTIONS_PER_IP,
  DEFAULT_MAX_CONNECTIONS_PER_USER,
  DEFAULT_SIGN_IN_TIMEOUT_SECONDS,
  DEFAULT_USER_RATE_BURST,
  DEFAULT_USER_RATE_PER_SECOND,
  DEFAULT_WHOELSESINCE_MAX_SECONDS,
  GatewayConfig,
  gatewaySettings,
} from './apps/gateway.js'
export {
  attemptSettings,
  authSettings,
  lookupAttemptSettings,
  passwordSettings,
  sessionSettings,
} from './concerns/auth.js'
export { busSettings, DEFAULT_BUS_PREFIX } from './concerns/bus.js'
export { certsCommandSettings, certsSettings } from './concerns/certs.js'
export { LOG_LEVELS, LOG_REDACTION, loggingSettings } from './concerns/logging.js'
export { metricsSettings } from './concerns/metrics.js'
export { proxySettings, trustProxyProblem } from './concerns/proxy.js'
export { SCHEMA_NAME_PATTERN, storageSettings } from './concerns/storage.js'
export { combine, defineSettings } from './define.js'
export { ConfigError } from './errors.js'
export { type Loaded, type LoadOptions, loadSettings, variableNames } from './load.js'
export { authOptions, storageOptions } from './options.js'
export type { CrossCheck, DefaultContext, Reader, Settings, SettingsValue, Source, Sources } from './setting.js'
