/**
 * A setting: one field of a typed config, fed by one environment variable. The TypeBox schema says
 * what a valid value is; the `Source` says where it comes from, how the text is read, its default,
 * and the words the generated variable table shows.
 * @module
 */
import type { Static, TObject, TProperties } from 'typebox'

/** How the variable's text becomes the value the schema checks (a value that does not parse stays text, so the schema names it). */
export type Reader =
  /** Text as given; an empty value counts as unset unless `emptyIsValue`. */
  | 'string'
  /** A whole decimal number. */
  | 'integer'
  /** A decimal number (`2.5`). */
  | 'decimal'
  /** `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`. */
  | 'boolean'
  /** Comma- or space-separated list. */
  | 'list'
  /** A file or folder: relative to the working directory. */
  | 'path'
  /** A port number, or `off` (the same as unset). */
  | 'port-or-off'

/** What a default may depend on. */
export interface DefaultContext {
  repoRoot: string
  hostname: string
  /** The values read so far (fields listed earlier). */
  values: Readonly<Record<string, unknown>>
}

export interface Source {
  /** The environment variable. */
  env: string
  /** Earlier names of the variable: still read for one release, with a deprecation warning. */
  formerly?: readonly string[]
  read: Reader
  /** Used when the variable is unset; absent: the field stays unset. */
  default?: unknown | ((context: DefaultContext) => unknown)
  emptyIsValue?: boolean
  /** The value may hold a password or token: named in errors, never shown. */
  secret?: boolean
  /** Replaces the schema's own words when the value is refused (`must be one of …`). */
  message?: string
  /** A check the schema cannot express; returns the problem, if any (after "VARIABLE "). */
  validate?: (value: never) => string | undefined
  /** For the table: the default as shown. */
  shown: string
  /** For the table: what the setting does. */
  doc: string
  /** For the deployment guide's table, when it has more to say than `doc`. */
  deploy?: string
}

export type Sources<P extends TProperties> = { [K in keyof P]-?: Source }

/** A check across settings; gets the parsed values and each field's variable name, returns problems. */
export type CrossCheck = (values: Readonly<Record<string, unknown>>, name: (field: string) => string) => string[]

export interface Settings<P extends TProperties = TProperties> {
  schema: TObject<P>
  sources: Sources<P>
  checks: readonly CrossCheck[]
}

export type SettingsValue<S extends Settings> = Static<S['schema']>
