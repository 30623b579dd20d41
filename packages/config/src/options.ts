/** Loaded settings → the options of `createAuth` and `openStorage`, written once for every app. */

/** The `config` of `createAuth` (@parley/auth's `AuthConfig` fields the environment sets). */
export function authOptions(settings: {
  minPasswordLength: number
  blockDurationSeconds?: number
  sessionIdleMinutes?: number
  sessionAbsoluteHours?: number
}): { minPasswordLength: number; blockDurationMs?: number; sessionIdleMs?: number; sessionAbsoluteMs?: number } {
  return {
    minPasswordLength: settings.minPasswordLength,
    ...(settings.blockDurationSeconds === undefined ? {} : { blockDurationMs: settings.blockDurationSeconds * 1000 }),
    ...(settings.sessionIdleMinutes === undefined ? {} : { sessionIdleMs: settings.sessionIdleMinutes * 60_000 }),
    ...(settings.sessionAbsoluteHours === undefined
      ? {}
      : { sessionAbsoluteMs: settings.sessionAbsoluteHours * 3_600_000 }),
  }
}

/** The options of `openStorage`: PostgreSQL when `databaseUrl` is set, else the SQLite file. */
export function storageOptions(settings: { databasePath: string; databaseUrl?: string; databaseSchema?: string }): {
  sqlitePath: string
  databaseUrl?: string
  schema?: string
} {
  return {
    sqlitePath: settings.databasePath,
    ...(settings.databaseUrl ? { databaseUrl: settings.databaseUrl } : {}),
    ...(settings.databaseSchema ? { schema: settings.databaseSchema } : {}),
  }
}
