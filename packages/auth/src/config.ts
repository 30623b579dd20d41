/** Tunables of @parley/auth; apps parse them from their environment and pass them in. */
export interface AuthConfig {
  /** Default 8; the original board allowed 3, which this value may restore. */
  minPasswordLength: number
  /** Default 1024. */
  maxPasswordLength: number
  /** Consecutive wrong passwords that lock an account; default 3. */
  maxFailures: number
  /** How long a lock lasts; default 60 s. */
  blockDurationMs: number
  /** A session unused for this long ends; default 30 min. */
  sessionIdleMs: number
  /** A session ends this long after login whatever its use; default 12 h. */
  sessionAbsoluteMs: number
  /** argon2id cost. Raising it rehashes each password at its owner's next login. */
  argon2: { memoryCost: number /* KiB */; timeCost: number; parallelism: number }
}

/** OWASP's minimum argon2id configuration (19 MiB, 2 passes, 1 lane). */
export const MIN_ARGON2_MEMORY_KIB = 19_456
export const MIN_ARGON2_TIME_COST = 2
export const MAX_USERNAME_LENGTH = 32
/** Passwords can never be longer than this, whatever the config says (bounds hashing work). */
export const PASSWORD_LENGTH_CEILING = 1024

export const defaultAuthConfig: AuthConfig = Object.freeze({
  minPasswordLength: 8,
  maxPasswordLength: PASSWORD_LENGTH_CEILING,
  maxFailures: 3,
  blockDurationMs: 60_000,
  sessionIdleMs: 30 * 60_000,
  sessionAbsoluteMs: 12 * 60 * 60_000,
  argon2: Object.freeze({ memoryCost: MIN_ARGON2_MEMORY_KIB, timeCost: MIN_ARGON2_TIME_COST, parallelism: 1 }),
})

function requireInteger(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`auth config ${name} must be an integer between ${min} and ${max}, got ${value}`)
  }
}

/** Merges `partial` over the defaults and checks every value once, before any use. */
export function resolveAuthConfig(partial: Partial<AuthConfig> = {}): AuthConfig {
  const config: AuthConfig = {
    ...defaultAuthConfig,
    ...partial,
    argon2: { ...defaultAuthConfig.argon2, ...partial.argon2 },
  }
  requireInteger('maxPasswordLength', config.maxPasswordLength, 1, PASSWORD_LENGTH_CEILING)
  requireInteger('minPasswordLength', config.minPasswordLength, 1, config.maxPasswordLength)
  requireInteger('maxFailures', config.maxFailures, 1)
  requireInteger('blockDurationMs', config.blockDurationMs, 0)
  requireInteger('sessionIdleMs', config.sessionIdleMs, 1)
  requireInteger('sessionAbsoluteMs', config.sessionAbsoluteMs, 1)
  requireInteger('argon2.memoryCost', config.argon2.memoryCost, MIN_ARGON2_MEMORY_KIB, 4 * 1024 * 1024)
  requireInteger('argon2.timeCost', config.argon2.timeCost, MIN_ARGON2_TIME_COST, 100)
  requireInteger('argon2.parallelism', config.argon2.parallelism, 1, 64)
  return config
}
