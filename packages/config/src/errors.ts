/** A setting the process refuses to start with; the message names every bad variable (never a secret's value). */
export class ConfigError extends Error {
  override name = 'ConfigError'
}
